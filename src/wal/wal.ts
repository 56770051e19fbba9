import type { RecordPieces } from "./record.ts";

/**
 * Where mutations go to become durable. The {@linkcode Db} appends one record
 * per command it has applied to the store; a connection holds each reply
 * until the records it could depend on are durable.
 *
 * Records are numbered in the order they are appended. A reply computed
 * while records are pending depends on the newest of them
 * ({@linkcode Wal.horizon}): it may be sent once that one is settled
 * ({@linkcode Wal.settled}) and was not rolled back
 * ({@linkcode Wal.rolledBack}). If it was, the reply could have shown a
 * change that no longer exists, and is sent as an error instead. A failure
 * rolls back every pending record at once, so one number per reply decides.
 *
 * "No persistence" is a choice of object ({@linkcode NoopWal}), not an `if`
 * on every write.
 *
 * @example
 * ```ts
 * wal.append(encodeSet("k", "v"), () => store.delete("k"));
 * const seq = wal.horizon(); // what a reply computed now depends on
 * await wal.settled(seq);
 * wal.rolledBack(seq) ?? "+OK"; // the error, or the reply may be sent
 * ```
 */
export interface Wal {
  /**
   * Queues `record` for the next group commit and returns its sequence
   * number (1, 2, …). `rollback` undoes the store change the record
   * describes; it is called, newest first, if the record cannot be made
   * durable.
   */
  append(record: RecordPieces, rollback: () => void): number;
  /** The sequence number of the newest record not yet settled, or 0 when none is pending. */
  horizon(): number;
  /**
   * `null` when record `seq` (default: the horizon) and all before it are
   * settled, durable or rolled back; otherwise a promise that resolves, never
   * rejects, once they are.
   */
  settled(seq?: number): Promise<void> | null;
  /** The error that rolled record `seq` back, or `null` if it was not (or 0). */
  rolledBack(seq: number): Error | null;
  /** The error that stopped the WAL, after which writes are refused; else `null`. */
  readonly failure: Error | null;
  /** Finishes any sync in progress and closes the file. */
  close(): Promise<void>;
}
