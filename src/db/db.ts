import type { Store } from "../store/store.ts";
import {
  encodeDel,
  encodeExpireAt,
  encodeFlushDb,
  encodeInDb,
  encodeSet,
  type RecordPieces,
} from "../wal/record.ts";
import type { Journal } from "./journal.ts";

/** How many expired keys {@linkcode Db.randomKey} may pick in a row before giving up. */
const RANDOM_KEY_TRIES = 1000;

/** A client WATCHing keys: a change to one sets `dirty`. */
export interface Watcher {
  dirty: boolean;
}

/**
 * One database (Redis's `SELECT` index) as commands see it: reads go
 * straight to its {@linkcode Store}; every write also notes in the shared
 * {@linkcode Journal} how to undo itself and the WAL record that describes
 * it, and marks the clients WATCHing the key. Commands therefore never touch
 * the WAL, and no command can forget to log a change: the only way to change
 * a store is through here.
 *
 * Database 0 writes the records it always wrote (the seed's where they
 * apply); the others wrap theirs in a record naming the database.
 *
 * @example
 * ```ts
 * const db = databases.get(0);
 * db.set("k", "v");
 * databases.commit(); // logs "3SET1k1v\n"
 * ```
 */
export class Db {
  /** The database's number, from 0. */
  readonly index: number;
  #store: Store;
  readonly #journal: Journal;
  readonly #clock: () => number;
  /** Watchers by key; empty unless some client WATCHes a key here. */
  readonly #watchers = new Map<string, Set<Watcher>>();

  /** @param clock the time expiries are measured against; the store's clock. */
  constructor(index: number, store: Store, journal: Journal, clock: () => number = Date.now) {
    this.index = index;
    this.#store = store;
    this.#journal = journal;
    this.#clock = clock;
  }

  /** The store behind this database (SWAPDB exchanges them). */
  get store(): Store {
    return this.#store;
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
    const undo = this.#undoFor(key);
    this.#store.set(key, value, expiresAt);
    this.#log(encodeSet(key, value, expiresAt), undo);
    this.#touch(key);
  }

  /** Removes `key`; returns whether it existed. */
  delete(key: string): boolean {
    if (this.#store.get(key) === undefined) return false;
    const undo = this.#undoFor(key);
    this.#store.delete(key);
    this.#log(encodeDel(key), undo);
    this.#touch(key);
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
    const store = this.#store;
    store.setExpiresAt(key, expiresAt);
    this.#log(encodeExpireAt(key, expiresAt), () => store.setExpiresAt(key, previous));
    this.#touch(key);
    return true;
  }

  /** Removes every key of this database (FLUSHDB). */
  flush(): void {
    this.touchAll();
    this.#log(encodeFlushDb(), this.#store.clear());
  }

  /** Marks `watcher` to be told when `key` changes. */
  watch(key: string, watcher: Watcher): void {
    let watchers = this.#watchers.get(key);
    if (watchers === undefined) this.#watchers.set(key, watchers = new Set());
    watchers.add(watcher);
  }

  /** Stops telling `watcher` about `key`. */
  unwatch(key: string, watcher: Watcher): void {
    const watchers = this.#watchers.get(key);
    if (watchers === undefined) return;
    watchers.delete(watcher);
    if (watchers.size === 0) this.#watchers.delete(key);
  }

  /**
   * Marks the watchers of every watched key that exists here, or in `other`
   * (the database this one's contents are swapped with): what FLUSHDB,
   * FLUSHALL and SWAPDB change, as Redis 7.0 counts it.
   */
  touchAll(other: Db | null = null): void {
    if (this.#watchers.size === 0) return;
    for (const [key, watchers] of this.#watchers) {
      if (this.#store.get(key) === undefined && other?.get(key) === undefined) continue;
      for (const watcher of watchers) watcher.dirty = true;
    }
  }

  /**
   * Exchanges this database's store with `other`'s (SWAPDB); the caller
   * logs it. Watchers stay with their database number.
   */
  swapStores(other: Db): void {
    const store = this.#store;
    this.#store = other.#store;
    other.#store = store;
  }

  #touch(key: string): void {
    if (this.#watchers.size === 0) return;
    const watchers = this.#watchers.get(key);
    if (watchers !== undefined) { for (const watcher of watchers) watcher.dirty = true; }
  }

  /** How to put `key` back as it is now. */
  #undoFor(key: string): () => void {
    const store = this.#store;
    const value = store.get(key);
    if (value === undefined) return () => store.delete(key);
    const expiresAt = store.expiringSize > 0 ? store.expiresAt(key) : 0;
    return () => store.set(key, value, expiresAt);
  }

  #log(record: RecordPieces, undo: () => void): void {
    this.#journal.add(this.index === 0 ? record : encodeInDb(this.index, record), undo);
  }
}
