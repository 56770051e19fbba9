import type { LfuOptions } from "./lfu.ts";
import type { Value } from "./value.ts";

/** What one step of the expiry sweep did. */
export interface Reclaimed {
  /** Keys with an expiry looked at. */
  checked: number;
  /** Of those, expired and removed. */
  reclaimed: number;
  /** The time left, in ms, summed over the ones still alive (for INFO's `avg_ttl`). */
  ttlMs: number;
}

/**
 * The narrow interface every command and the WAL replay go through.
 *
 * Keys and string values are binary strings (one byte per character, see
 * `src/io/binary.ts`), so any bytes round-trip; a key may also hold a
 * container (a hash, a set, …), changed in place by `Db`. A key may carry an expiry: an
 * absolute time in milliseconds since the epoch, `0` meaning none. An expired
 * key is never returned; it is reclaimed when next touched, or by
 * {@linkcode Store.reclaimExpired}, which the server calls on a timer.
 *
 * Two implementations exist: {@linkcode MapStore} (one map) and
 * {@linkcode ShardedStore} (N maps chosen by DJB2). Keeping the seam this
 * small is what lets one test suite run against both.
 *
 * @example
 * ```ts
 * import { MapStore } from "./map_store.ts";
 * const store: Store = new MapStore();
 * store.set("hello", "world", Date.now() + 10_000);
 * store.get("hello"); // "world", for ten seconds
 * ```
 */
export interface Store {
  /** The value stored under `key`, or `undefined` when there is none or it expired. */
  get(key: string): Value | undefined;
  /** Stores `value` under `key` with expiry `expiresAt` (default 0: none), replacing both. */
  set(key: string, value: Value, expiresAt?: number): void;
  /** Counts a change of `delta` bytes in the container under `key`, changed in place. */
  resized(key: string, delta: number): void;
  /** Removes `key`; returns whether a live key was removed. */
  delete(key: string): boolean;
  /** `key`'s expiry time: 0 when it has none, -1 when the key does not exist. */
  expiresAt(key: string): number;
  /** Sets an existing key's expiry (0 removes it); returns whether the key exists. */
  setExpiresAt(key: string, expiresAt: number): boolean;
  /** How many keys are stored, counting expired ones not yet reclaimed (as Redis's DBSIZE). */
  readonly size: number;
  /** How many keys carry an expiry. */
  readonly expiringSize: number;
  /**
   * The total length of every stored key and value (bytes, as strings are
   * binary; a container counts its members): what sizes a snapshot of the store, so compaction can tell how
   * much of the WAL is garbage without walking the keys.
   */
  readonly bytes: number;
  /**
   * Every key, as a live iterator: keys present from its start to its end
   * are each seen once; keys added or removed meanwhile may or may not be.
   * Expired keys may appear; check with `get`.
   */
  keys(): IterableIterator<string>;
  /** Every live entry as `[key, value, expiresAt]`, for snapshots and compaction. */
  entries(): IterableIterator<[string, Value, number]>;
  /**
   * A key drawn uniformly at random, or `undefined` when the store is empty,
   * in O(1) expected time whatever the store's size (no walk of the keys).
   * It may be a key that has expired but is not reclaimed yet, as `size`
   * counts it: a caller that needs a live key checks it with `get`, which
   * reclaims it, and draws again.
   */
  randomKey(): string | undefined;
  /** Removes everything; returns a function that puts it all back. */
  clear(): () => void;
  /**
   * Looks at up to `limit` keys that carry an expiry, continuing where the
   * last call stopped, and removes the expired ones; returns how many it
   * looked at, how many it removed, and the time the others have left.
   */
  reclaimExpired(limit: number): Reclaimed;
  /**
   * Milliseconds since `key` was last read or written (OBJECT IDLETIME), or
   * -1 when it does not exist. Accesses are stamped with a clock the
   * server advances ten times a second ({@linkcode Store.tick}), so the
   * stamp costs a map write and no clock read.
   */
  idleMs(key: string): number;
  /**
   * `key`'s LFU counter, decayed to now, as OBJECT FREQ answers it (0–255),
   * or -1 when it does not exist; 0 while the store tracks recency.
   */
  frequency(key: string): number;
  /**
   * Makes the per-key access field an LFU counter with `options`, or (with
   * `null`) a recency stamp again, as `maxmemory-policy` chooses; the fields
   * start afresh on a switch.
   */
  trackFrequency(options: LfuOptions | null): void;
  /** Keys found expired when looked up, and removed then, since the store was made (INFO). */
  readonly lazilyExpired: number;
  /** Advances the access clock to now (the expiry sweep calls it on its timer). */
  tick(): void;
}
