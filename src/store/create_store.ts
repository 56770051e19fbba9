import { MapStore } from "./map_store.ts";
import { ShardedStore } from "./sharded_store.ts";
import type { Store } from "./store.ts";

/**
 * The store `--shards` asks for: one `Map` for 1, as the seed does, and a
 * {@linkcode ShardedStore} otherwise.
 *
 * @example
 * ```ts
 * createStore(1); // MapStore
 * createStore(8); // ShardedStore with 8 maps
 * ```
 */
export function createStore(shards: number): Store {
  return shards === 1 ? new MapStore() : new ShardedStore(shards);
}
