import type { Wal } from "../../src/wal/wal.ts";

/**
 * A {@linkcode Wal} that keeps each record and rollback it is given, so unit
 * tests can see exactly what a command logged, and can fail it: set
 * `failure` to refuse writes, `pending` to hold replies, and call
 * `rollBackAll` to undo as a failing WAL does. It touches no disk; the
 * FileWal and replay tests cover that with real files.
 *
 * @example
 * ```ts
 * const wal = new RecordingWal();
 * const db = new Db(new MapStore(), wal);
 * db.set("k", "v");
 * db.commit();
 * wal.records; // ["3SET1k1v\n"]
 * ```
 */
export class RecordingWal implements Wal {
  readonly records: string[] = [];
  readonly rollbacks: (() => void)[] = [];
  failure: Error | null = null;
  pending: Promise<void> | null = null;

  append(record: string, rollback: () => void): void {
    this.records.push(record);
    this.rollbacks.push(rollback);
  }

  settled(): Promise<void> | null {
    return this.pending;
  }

  /** Runs every rollback newest first, as a failing WAL does. */
  rollBackAll(): void {
    for (let i = this.rollbacks.length - 1; i >= 0; i--) this.rollbacks[i]();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
