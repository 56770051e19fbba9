import type { ReplySink } from "../protocol/reply_sink.ts";
import type { Db } from "../db/db.ts";

/**
 * One entry of the command table: data the dispatcher checks before anything
 * runs (name, arity, whether it writes), and `run`, which applies the command
 * to the store and answers through the sink.
 *
 * Writes go through the {@linkcode Db}, which logs them; the dispatcher
 * hands each command's changes to the WAL, so durability is handled in one
 * place. These are the seed's text-protocol commands; RESP has its own
 * table (`src/commands/resp/`).
 */
export interface Command {
  /** The name as sent on the wire (text commands are case-sensitive). */
  readonly name: string;
  /** Fields including the name; the text protocol requires exactly this many. */
  readonly arity: number;
  /** The text protocol's complaint about a wrong count, after the name. */
  readonly usage: string;
  /** Whether `run` may change the store and so must be logged. */
  readonly writes: boolean;
  /** Applies the command. `fields[0]` is the name; fields are binary strings. */
  run(fields: string[], db: Db, reply: ReplySink): void;
}
