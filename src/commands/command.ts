import type { ReplySink } from "../protocol/reply_sink.ts";
import type { Store } from "../store/store.ts";

/**
 * One entry of the command table: data the dispatcher checks before anything
 * runs (name, arity, whether it writes), and `run`, which applies the command
 * to the store and answers through the sink.
 *
 * A writing command returns the WAL record of the change it made, or `null`
 * when it changed nothing; the dispatcher logs it. Commands never touch the
 * WAL themselves, so durability is handled in one place.
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
  /** Applies the command. `fields[0]` is the name. */
  run(fields: string[], store: Store, reply: ReplySink): string | null;
}
