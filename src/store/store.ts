/**
 * The narrow interface every command and the WAL replay go through.
 *
 * Two implementations exist: {@linkcode MapStore} (one `Map`) and
 * {@linkcode ShardedStore} (N `Map`s chosen by DJB2). Keeping the seam this
 * small is what lets one test suite run against both.
 *
 * @example
 * ```ts
 * import { MapStore } from "./map_store.ts";
 * const store: Store = new MapStore();
 * store.set("hello", "world");
 * store.get("hello"); // "world"
 * ```
 */
export interface Store {
  /** The value stored under `key`, or `undefined` when there is none. */
  get(key: string): string | undefined;
  /** Stores `value` under `key`, replacing any previous value. */
  set(key: string, value: string): void;
  /** Removes `key`; returns whether it was present. */
  delete(key: string): boolean;
  /** How many keys are stored. */
  readonly size: number;
  /** Every entry, for snapshots and compaction; order is unspecified. */
  entries(): IterableIterator<[string, string]>;
}
