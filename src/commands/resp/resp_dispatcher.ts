import { binaryFromText } from "../../io/binary.ts";
import { errorMessage } from "../../io/error_message.ts";
import { type CommandTable, RESP_COMMAND_TABLE } from "./resp_command_table.ts";
import type { CommandContext, RespCommand } from "./resp_command.ts";

/**
 * Runs RESP requests: finds the command whatever the case of its name,
 * checks arity before any handler runs (with Redis's error texts, which
 * client libraries match on), refuses writes once the WAL has failed, and
 * after a write hands its changes to the WAL as one record. A command that
 * throws is undone and answered `-ERR` instead of whatever it had written,
 * and the connection goes on.
 *
 * A command may return a promise (one that takes long yields to other
 * clients, as KEYS does); the session waits for it before the next request.
 *
 * @example
 * ```ts
 * const dispatcher = new RespDispatcher();
 * dispatcher.dispatch(["set", "k", "v"], context); // context.reply gets +OK
 * ```
 */
export class RespDispatcher {
  /** The commands this dispatcher runs. */
  readonly table: CommandTable;

  constructor(table: CommandTable = RESP_COMMAND_TABLE) {
    this.table = table;
  }

  /** Runs one request; `args` is non-empty and holds binary strings. */
  dispatch(args: string[], context: CommandContext): void | Promise<void> {
    const name = args[0];
    const command = this.table.get(name);
    context.server.commandsProcessed++;
    if (command === undefined) {
      let preview = "";
      for (let i = 1; i < args.length && preview.length < 128; i++) {
        preview += `'${args[i].slice(0, 128)}' `;
      }
      return context.reply.error(
        `ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${preview}`,
      );
    }
    const arity = command.arity;
    if (arity > 0 ? args.length !== arity : args.length < -arity) {
      return context.reply.error(
        `ERR wrong number of arguments for '${command.name.toLowerCase()}' command`,
      );
    }
    const { db, reply } = context;
    if (command.writes && db.failure) {
      return reply.error(
        `MISCONF Errors writing to the WAL, so writes are refused: ${
          binaryFromText(db.failure.message)
        }`,
      );
    }
    const mark = reply.length;
    try {
      const running = command.run(args, context);
      if (running) return running.catch((error) => failed(command, mark, error, context));
      if (command.writes) db.commit();
    } catch (error: unknown) {
      failed(command, mark, error, context);
    }
  }
}

/** Undoes a command that threw and answers with an error instead of what it had written. */
function failed(command: RespCommand, mark: number, error: unknown, context: CommandContext): void {
  context.db.abort();
  context.reply.rewind(mark);
  context.reply.error(
    `ERR ${command.name.toLowerCase()} failed: ${binaryFromText(errorMessage(error))}`,
  );
}
