import { ArenaStore } from "./arena_store.ts";
import { MapStore } from "./map_store.ts";
import { ShardedStore } from "./sharded_store.ts";
import type { Store } from "./store.ts";

/**
 * The store `--store` and `--shards` ask for: for `map`, one `Map` for 1
 * shard, as the seed does, and a {@linkcode ShardedStore} otherwise; for
 * `arena`, an {@linkcode ArenaStore} of that many tables.
 *
 * @example
 * ```ts
 * createStore(1); // MapStore
 * createStore(8); // ShardedStore with 8 maps
 * createStore(8, "arena"); // ArenaStore with 8 tables
 * ```
 */
export function createStore(shards: number, kind: "map" | "arena" = "map"): Store {
  if (kind === "arena") return new ArenaStore(shards);
  return shards === 1 ? new MapStore() : new ShardedStore(shards);
}
