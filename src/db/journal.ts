import { encodeMulti, type RecordPieces } from "../wal/record.ts";
import type { Wal } from "../wal/wal.ts";

/**
 * The open command's changes, across every database: for each change the WAL
 * record that describes it and how to undo it. The gate commits them after
 * each command as one record (a MULTI when there are several, so a command,
 * or a whole EXEC, is durable or rolled back as one), or undoes them when
 * the command throws. A savepoint lets EXEC undo one failed command of a
 * transaction and keep the rest.
 *
 * @example
 * ```ts
 * const journal = new Journal(wal);
 * journal.add(encodeSet("k", "v"), () => store.delete("k"));
 * journal.commit(); // one record appended
 * ```
 */
export class Journal {
  #wal: Wal;
  /** The open command's records and undos, in pairs; usually one each. */
  #records: RecordPieces[] = [];
  #undos: (() => void)[] = [];

  constructor(wal: Wal) {
    this.#wal = wal;
  }

  /** Sends later commits to `wal` (the WAL opened once its replay is done). */
  set wal(wal: Wal) {
    this.#wal = wal;
  }

  /** Notes a change already made to a store: its record, and how to take it back. */
  add(record: RecordPieces, undo: () => void): void {
    this.#records.push(record);
    this.#undos.push(undo);
  }

  /** A mark for {@linkcode Journal.rollbackTo}: the changes so far. */
  savepoint(): number {
    return this.#undos.length;
  }

  /** Undoes the changes made since `mark`, newest first, and forgets them. */
  rollbackTo(mark: number): void {
    const undos = this.#undos;
    for (let i = undos.length - 1; i >= mark; i--) undos[i]();
    undos.length = mark;
    this.#records.length = mark;
  }

  /** Undoes every open change: the command never happened. */
  abort(): void {
    this.rollbackTo(0);
  }

  /**
   * Hands the open changes to the WAL as one record. If the WAL refuses it
   * (it failed, or is closed), the changes are undone and the error thrown.
   */
  commit(): void {
    const records = this.#records;
    const undos = this.#undos;
    if (records.length === 0) return;
    let record: RecordPieces;
    let undo: () => void;
    if (records.length === 1) {
      // The common case, one change: the lists are reused, nothing allocated.
      record = records[0];
      undo = undos[0];
      records.length = 0;
      undos.length = 0;
    } else {
      record = encodeMulti(records);
      undo = () => {
        for (let i = undos.length - 1; i >= 0; i--) undos[i]();
      };
      this.#records = [];
      this.#undos = [];
    }
    try {
      this.#wal.append(record, undo);
    } catch (error: unknown) {
      undo();
      throw error;
    }
  }
}
