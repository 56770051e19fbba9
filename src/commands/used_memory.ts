import type { Databases } from "../db/databases.ts";
import type { Store } from "../store/store.ts";
import { valueBytes } from "../store/value.ts";

/**
 * What one key costs beyond its bytes, estimated for V8: the entries in the
 * shard's value map and access-field map (about 3 words and a bucket each),
 * and the key's string header (16 bytes; V8 keeps short binary strings one
 * byte per character).
 */
export const KEY_OVERHEAD = 2 * 32 + 16;
/** A string value's header. */
export const STRING_OVERHEAD = 16;
/** What each member of a container costs beyond its bytes: its map or array slot and header. */
export const MEMBER_OVERHEAD = 48;
/** A container object itself. */
export const CONTAINER_OVERHEAD = 64;
/** A key with an expiry also has an entry in the expiry map. */
export const EXPIRY_OVERHEAD = 32;
/**
 * What walkv counts for itself with no keys: about what an empty
 * redis-server reports as `used_memory` (~0.9 MB), so a `maxmemory` sized
 * for Redis leaves walkv's data about the same room. The process's real
 * floor (Deno and V8, ~38 MB resident) is not the data's and no eviction can
 * lower it, so it is not counted.
 */
export const BASELINE_BYTES = 1024 * 1024;

/**
 * walkv's used memory, the one figure behind INFO's `used_memory`, its
 * peak, MEMORY STATS and the `maxmemory` check: the baseline plus, for every
 * key of every database, its bytes (key and value, or a container's
 * members; the store counts them exactly) and the per-key overheads
 * {@linkcode KEY_OVERHEAD}, {@linkcode STRING_OVERHEAD} and, for a key with
 * a TTL, {@linkcode EXPIRY_OVERHEAD}: MEMORY USAGE's estimate summed,
 * except that a container's per-member overhead is not counted (the store
 * does not count members).
 *
 * It is not `Deno.memoryUsage().heapUsed`: the heap misses the arena
 * store's `ArrayBuffer`s, includes garbage not yet collected (it swings by
 * megabytes between collections, so a limit would evict at random), and
 * shrinks only when the collector runs, so an eviction loop could not see
 * its own progress. This figure moves with every write and every eviction,
 * by exactly what they changed.
 *
 * O(databases × shards): sums the stores' counters, walks no keys.
 *
 * @example
 * ```ts
 * usedMemory(server.databases); // 1048576 for an empty server
 * ```
 */
export function usedMemory(databases: Databases): number {
  let used = BASELINE_BYTES;
  for (let i = 0; i < databases.length; i++) {
    const store = databases.get(i).store;
    const keys = store.size;
    if (keys === 0) continue;
    used += store.bytes + keys * (KEY_OVERHEAD + STRING_OVERHEAD) +
      store.expiringSize * EXPIRY_OVERHEAD;
  }
  return used;
}

/**
 * What `key` adds to {@linkcode usedMemory} (0 when it does not exist): so
 * deleting it lowers the sum by exactly this much.
 */
export function keyFootprint(store: Store, key: string): number {
  const at = store.expiresAt(key);
  if (at === -1) return 0;
  const value = store.get(key);
  if (value === undefined) return 0;
  return key.length + valueBytes(value) + KEY_OVERHEAD + STRING_OVERHEAD +
    (at > 0 ? EXPIRY_OVERHEAD : 0);
}
