import type { Store } from "../store/store.ts";
import {
  encodeDel,
  encodeExpireAt,
  encodeFlushAll,
  encodeMulti,
  encodeSet,
} from "../wal/record.ts";
import type { CompactionControl } from "../wal/compactor.ts";
import type { Wal } from "../wal/wal.ts";

/**
 * The store as commands see it: reads go straight to the {@linkcode Store};
 * every write also notes how to undo itself and the WAL record that
 * describes it. After a writing command, the dispatcher calls
 * {@linkcode Db.commit}, which appends the command's changes to the WAL as
 * one record (a MULTI when there are several), so a command is durable,
 * or rolled back, as a whole.
 *
 * Commands therefore never touch the WAL, and no command can forget to log
 * a change: the only way to change the store is through here.
 *
 * @example
 * ```ts
 * const db = new Db(store, wal);
 * db.set("k", "v");
 * db.commit(); // logs "3SET1k1v\n"
 * await db.settled();
 * ```
 */
export class Db {
  readonly #store: Store;
  readonly #wal: Wal;
  readonly #clock: () => number;
  readonly #compaction: CompactionControl | null;
  /** The open command's records and undos; usually one each. */
  #records: string[] = [];
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

  /** A random live key, or `undefined` when there is none. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100; tries++) {
      const key = this.#store.randomKey();
      if (key === undefined || this.#store.get(key) !== undefined) return key;
    }
    for (const key of this.#store.keys()) if (this.#store.get(key) !== undefined) return key;
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

  /** Hands the open command's changes to the WAL as one record. */
  commit(): void {
    const records = this.#records;
    if (records.length === 0) return;
    const undos = this.#undos;
    if (records.length === 1) {
      this.#wal.append(records[0], undos[0]);
      records.length = 0;
      undos.length = 0;
      return;
    }
    this.#records = [];
    this.#undos = [];
    this.#wal.append(encodeMulti(records), () => {
      for (let i = undos.length - 1; i >= 0; i--) undos[i]();
    });
  }

  /** See {@linkcode Wal.settled}: when replies computed so far may be sent. */
  settled(): Promise<void> | null {
    return this.#wal.settled();
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

  #log(record: string): void {
    this.#records.push(record);
  }
}
