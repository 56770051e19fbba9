import type { Db } from "../db/db.ts";
import { binaryFromText } from "../io/binary.ts";
import { errorMessage } from "../io/error_message.ts";
import type { ReplySink } from "../protocol/reply_sink.ts";
import { COMMAND_TABLE } from "./command_table.ts";

/**
 * Runs the text protocol's parsed commands against the {@linkcode Db}.
 *
 * It checks that the command exists and its arity before any handler runs,
 * refuses writes once the WAL has failed, and after a write hands its
 * changes to the WAL ({@linkcode Db.commit}). A command that throws is
 * undone and answered with an error instead of whatever it had written.
 * Replies that depend on a change must wait until it is durable; the
 * session's `ReplyBarrier` does that once per batch.
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher(db);
 * dispatcher.dispatch(["SET", "k", "v"], replies); // "+OK" once the SET is durable
 * ```
 */
export class Dispatcher {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Runs one command; `fields` is non-empty and holds binary strings. */
  dispatch(fields: string[], reply: ReplySink): void {
    const command = COMMAND_TABLE.get(fields[0]);
    if (command === undefined) return reply.unknownCommand(fields[0]);
    if (fields.length !== command.arity) return reply.wrongArity(command.name, command.usage);
    const db = this.#db;
    if (command.writes && db.failure) {
      const reason = binaryFromText(db.failure.message);
      return reply.error(`${command.name} refused, the server is read-only: ${reason}`);
    }
    const mark = reply.length;
    try {
      command.run(fields, db, reply);
      if (command.writes) db.commit();
    } catch (error: unknown) {
      db.abort();
      reply.rewind(mark);
      reply.error(`${command.name} failed: ${binaryFromText(errorMessage(error))}`);
    }
  }
}
