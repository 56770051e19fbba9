import type { Db } from "../../db/db.ts";
import type { RespWriter } from "../../protocol/resp_writer.ts";
import type { ServerState } from "../../server/server_state.ts";
import type { ClientState } from "../../server/client_state.ts";

/** What a RESP command runs against. */
export interface CommandContext {
  /** The keyspace; every write through it is logged. */
  readonly db: Db;
  /** Where the command writes its one reply. */
  readonly reply: RespWriter;
  /** The connection's own state (name, id, QUIT). */
  readonly client: ClientState;
  /** Server-wide state: start time, config, statistics, SCAN cursors. */
  readonly server: ServerState;
  /** The command table, for the commands that describe it (COMMAND). */
  readonly commands: CommandRegistry;
}

/**
 * One entry of the RESP command table, shaped like Redis's: the data the
 * dispatcher checks before anything runs (name, arity, whether it writes)
 * and `run`, which writes exactly one reply.
 *
 * Arity counts the name, as in Redis's COMMAND output: 2 means exactly one
 * argument, -2 at least one.
 *
 * @example
 * ```ts
 * export const strlen: RespCommand = {
 *   name: "STRLEN", arity: 2, writes: false, keys: [1, 1, 1],
 *   run(args, { db, reply }) { reply.integer(db.get(args[1])?.length ?? 0); },
 * };
 * ```
 */
export interface RespCommand {
  /** The name, upper case; clients may send any case. */
  readonly name: string;
  /** Redis arity: the field count including the name; negative means "at least". */
  readonly arity: number;
  /** Whether `run` may change the keyspace; refused once the WAL has failed. */
  readonly writes: boolean;
  /** Redis's key specification for COMMAND: first key, last key (-1: the last field), step. */
  readonly keys: readonly [number, number, number];
  /** One line for COMMAND DOCS (redis-cli shows it as a hint). */
  readonly summary: string;
  /** The argument synopsis for COMMAND DOCS, e.g. `key value [EX seconds]`. */
  readonly syntax: string;
  /**
   * Applies the command. `args[0]` is the name as sent; all are binary
   * strings, valid until the command returns (copy what a promise needs).
   * A command that must not hold the event loop for long (KEYS) returns a
   * promise and yields inside it; only commands that do not write may.
   */
  run(args: string[], context: CommandContext): void | Promise<void>;
}

/** Redis's documentation groups, as COMMAND DOCS reports them. */
export type CommandGroup = "connection" | "string" | "generic" | "server";

/**
 * What a command sees of the command table (COMMAND lists and describes
 * it). The table itself lives in `resp_command_table.ts`, which imports
 * every command; commands see it through this, so nothing imports in a
 * circle.
 */
export interface CommandRegistry {
  /** Every command, in the order COMMAND lists them. */
  readonly all: readonly RespCommand[];
  /** The command called `name`, in any case. */
  get(name: string): RespCommand | undefined;
  /** The Redis documentation group of `command`. */
  group(command: RespCommand): CommandGroup;
}
