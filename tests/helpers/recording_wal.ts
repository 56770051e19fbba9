import type { RecordPieces } from "../../src/wal/record.ts";
import type { Wal } from "../../src/wal/wal.ts";

/**
 * A {@linkcode Wal} that keeps each record and rollback it is given, so unit
 * tests can see exactly what a command logged, and can fail it: set
 * `failure` to refuse writes, `holding` to report appended records as
 * pending, and call `rollBackAll` to undo as a failing WAL does. It touches
 * no disk; the FileWal and replay tests cover that with real files.
 *
 * @example
 * ```ts
 * const wal = new RecordingWal();
 * const db = new Db(new MapStore(), wal);
 * db.set("k", "v");
 * db.commit();
 * wal.texts(); // ["3SET1k1v\n"]
 * ```
 */
export class RecordingWal implements Wal {
  /** Each record as appended, in pieces (compare with `encodeSet(…)` and friends). */
  readonly records: RecordPieces[] = [];
  readonly rollbacks: (() => void)[] = [];
  failure: Error | null = null;
  /** While true, every appended record counts as pending (not yet durable). */
  holding = false;
  readonly #rolledBack = new Map<number, Error>();

  append(record: RecordPieces, rollback: () => void): number {
    this.records.push(record);
    this.rollbacks.push(rollback);
    return this.records.length;
  }

  horizon(): number {
    return this.holding ? this.records.length : 0;
  }

  settled(_seq?: number): Promise<void> | null {
    return null;
  }

  rolledBack(seq: number): Error | null {
    return this.#rolledBack.get(seq) ?? null;
  }

  /** Each record's text, one string per record. */
  texts(): string[] {
    return this.records.map((record) => record.join(""));
  }

  /** Runs every rollback newest first, as a failing WAL does, and marks the records rolled back. */
  rollBackAll(error = new Error("rolled back")): void {
    for (let i = this.rollbacks.length - 1; i >= 0; i--) {
      this.rollbacks[i]();
      this.#rolledBack.set(i + 1, error);
    }
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
