/**
 * Where mutations go to become durable. The dispatcher appends one record per
 * mutation it has applied to the store, then holds the connection's replies
 * until {@linkcode Wal.settled} says everything appended so far is on disk.
 *
 * "No persistence" is a choice of object ({@linkcode NoopWal}), not an `if`
 * on every write.
 *
 * @example
 * ```ts
 * wal.append(encodeSet("k", "v"), () => store.delete("k"));
 * const pending = wal.settled();
 * if (pending) await pending; // now "+OK" may be sent
 * ```
 */
export interface Wal {
  /**
   * Queues `record` (a binary string: one character per byte) for the next group
   * commit. `rollback` undoes the store change the record describes; it is
   * called, newest first, if the record cannot be made durable.
   */
  append(record: string, rollback: () => void): void;
  /**
   * `null` when every appended record is durable; otherwise a promise that
   * resolves once they all are, or rejects with the write or sync error.
   */
  settled(): Promise<void> | null;
  /** The error that stopped the WAL, after which writes are refused; else `null`. */
  readonly failure: Error | null;
  /** Finishes any sync in progress and closes the file. */
  close(): Promise<void>;
}
