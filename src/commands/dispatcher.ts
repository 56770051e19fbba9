import type { Db } from "../db/db.ts";
import { binaryFromText } from "../io/binary.ts";
import type { ReplySink } from "../protocol/reply_sink.ts";
import { COMMAND_TABLE } from "./command_table.ts";

/**
 * Runs the text protocol's parsed commands against the {@linkcode Db}.
 *
 * It checks that the command exists and its arity before any handler runs,
 * refuses writes once the WAL has failed, and after a write hands its
 * changes to the WAL ({@linkcode Db.commit}). Replies that depend on the
 * change must wait for {@linkcode Dispatcher.settled}; the connection does
 * that once per batch.
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher(db);
 * dispatcher.dispatch(["SET", "k", "v"], replies);
 * await dispatcher.settled(); // the SET is durable; send the replies
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
    if (fields.length !== command.arity) return reply.wrongArity(command);
    if (!command.writes) return command.run(fields, this.#db, reply);
    const failure = this.#db.failure;
    if (failure) {
      const reason = binaryFromText(failure.message);
      return reply.error(`${command.name} refused, the server is read-only: ${reason}`);
    }
    try {
      command.run(fields, this.#db, reply);
    } finally {
      this.#db.commit();
    }
  }

  /** See {@linkcode Db.settled}: when replies computed so far may be sent. */
  settled(): Promise<void> | null {
    return this.#db.settled();
  }
}
