import type { Store } from "../store/store.ts";
import {
  encodeDel,
  encodeExpireAt,
  encodeFlushAll,
  encodeMulti,
  encodeSet,
  type RecordPieces,
} from "../wal/record.ts";
import type { CompactionControl } from "../wal/compactor.ts";
import type { Wal } from "../wal/wal.ts";

/** How many expired keys {@linkcode Db.randomKey} may pick in a row before giving up. */
const RANDOM_KEY_TRIES = 1000;

/**
 * The store as commands see it: reads go straight to the {@linkcode Store};
 * every write also notes how to undo itself and the WAL record that
 * describes it. After a writing command, the dispatcher calls
 * {@linkcode Db.commit}, which appends the command's changes to the WAL as
 * one record (a MULTI when there are several), so a command is durable,
 * or rolled back, as a whole; a command that throws is undone with
 * {@linkcode Db.abort}, so it changes nothing.
 *
 * Commands therefore never touch the WAL, and no command can forget to log
 * a change: the only way to change the store is through here.
 *
 * @example
 * ```ts
 * const db = new Db(store, wal);
 * db.set("k", "v");
 * db.commit(); // logs "3SET1k1v\n"
 * const seq = db.horizon();
 * await db.settled(seq); // then db.rolledBack(seq) says whether it stuck
 * ```
 */
export class Db {
  readonly #store: Store;
  readonly #wal: Wal;
  readonly #clock: () => number;
  readonly #compaction: CompactionControl | null;
  /** The open command's records and undos; usually one each. */
  #records: RecordPieces[] = [];
  #undos: (() => void)[] = [];

  /**
   * @param clock the time expiries are measured against; the store's clock.
   * @param compaction compacts the WAL on demand; `null` without a WAL.
   */
  constructor(
    store: Store,
    wal: Wal,
    clock: () => number = Date.now,
    compaction: CompactionControl | null = null,
  ) {
    this.#store = store;
    this.#wal = wal;
    this.#clock = clock;
    this.#compaction = compaction;
  }

  /** The WAL's compaction, for BGREWRITEAOF and INFO; `null` when there is no WAL. */
  get compaction(): CompactionControl | null {
    return this.#compaction;
  }

  /** Milliseconds since the epoch, by the clock expiries use. */
  now(): number {
    return this.#clock();
  }

  /** The value under `key`, or `undefined` when absent or expired. */
  get(key: string): string | undefined {
    return this.#store.get(key);
  }

  /** `key`'s expiry: 0 for none, -1 when the key does not exist. */
  expiresAt(key: string): number {
    return this.#store.expiresAt(key);
  }

  /** How many keys are stored (expired ones not yet reclaimed included). */
  get size(): number {
    return this.#store.size;
  }

  /** How many keys carry an expiry. */
  get expiringSize(): number {
    return this.#store.expiringSize;
  }

  /** A live iterator over every key; see {@linkcode Store.keys}. */
  keys(): IterableIterator<string> {
    return this.#store.keys();
  }

  /**
   * A random live key, or `undefined` when there is none. Each expired key
   * picked is removed on the way (`get` reclaims it), so every try makes
   * progress; after {@linkcode RANDOM_KEY_TRIES} expired picks in a row the
   * keyspace is as good as expired, and `undefined` is the answer, where
   * Redis would go on until it finds one.
   */
  randomKey(): string | undefined {
    for (let tries = 0; tries < RANDOM_KEY_TRIES; tries++) {
      const key = this.#store.randomKey();
      if (key === undefined || this.#store.get(key) !== undefined) return key;
    }
    return undefined;
  }

  /** Stores `value` under `key` with expiry `expiresAt` (0: none). */
  set(key: string, value: string, expiresAt = 0): void {
    this.#remember(key);
    this.#store.set(key, value, expiresAt);
    this.#log(encodeSet(key, value, expiresAt));
  }

  /** Removes `key`; returns whether it existed. */
  delete(key: string): boolean {
    if (this.#store.get(key) === undefined) return false;
    this.#remember(key);
    this.#store.delete(key);
    this.#log(encodeDel(key));
    return true;
  }

  /**
   * Gives existing `key` expiry `expiresAt` (0 removes it); a time already
   * past deletes the key, as in Redis. Returns whether the key existed.
   */
  setExpiresAt(key: string, expiresAt: number): boolean {
    if (expiresAt !== 0 && expiresAt <= this.#clock()) return this.delete(key);
    const previous = this.#store.expiresAt(key);
    if (previous === -1) return false;
    if (previous === expiresAt) return true;
    this.#store.setExpiresAt(key, expiresAt);
    this.#undos.push(() => this.#store.setExpiresAt(key, previous));
    this.#log(encodeExpireAt(key, expiresAt));
    return true;
  }

  /** Removes every key. */
  flushAll(): void {
    this.#undos.push(this.#store.clear());
    this.#log(encodeFlushAll());
  }

  /** Refuses writes once the WAL has failed: the error, else `null`. */
  get failure(): Error | null {
    return this.#wal.failure;
  }

  /**
   * Hands the open command's changes to the WAL as one record. If the WAL
   * refuses it (it failed, or is closed), the changes are undone and the
   * error thrown.
   */
  commit(): void {
    const records = this.#records;
    const undos = this.#undos;
    if (records.length === 0) {
      undos.length = 0;
      return;
    }
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

  /** Undoes the open command's changes, newest first, and forgets them: it never happened. */
  abort(): void {
    const undos = this.#undos;
    this.#records = [];
    this.#undos = [];
    for (let i = undos.length - 1; i >= 0; i--) undos[i]();
  }

  /** See {@linkcode Wal.horizon}: the record a reply computed now depends on (0: none). */
  horizon(): number {
    return this.#wal.horizon();
  }

  /** See {@linkcode Wal.settled}. */
  settled(seq?: number): Promise<void> | null {
    return this.#wal.settled(seq);
  }

  /** See {@linkcode Wal.rolledBack}. */
  rolledBack(seq: number): Error | null {
    return this.#wal.rolledBack(seq);
  }

  /** Notes how to put `key` back as it is now. */
  #remember(key: string): void {
    const store = this.#store;
    const value = store.get(key);
    if (value === undefined) {
      this.#undos.push(() => store.delete(key));
      return;
    }
    const expiresAt = store.expiringSize > 0 ? store.expiresAt(key) : 0;
    this.#undos.push(() => store.set(key, value, expiresAt));
  }

  #log(record: RecordPieces): void {
    this.#records.push(record);
  }
}
