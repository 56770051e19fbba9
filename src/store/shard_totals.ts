/** What a store made of shards needs of each shard to answer for the whole. */
export interface ShardCounts {
  readonly size: number;
  readonly expiringSize: number;
  readonly bytes: number;
  randomKey(): string | undefined;
}

/**
 * The sum of `count` over `shards`: the size, expiring size or bytes of a
 * store made of them (ShardedStore's maps, ArenaStore's tables).
 *
 * @example
 * ```ts
 * shardTotal(shards, "size"); // every key of every shard
 * ```
 */
export function shardTotal(
  shards: readonly ShardCounts[],
  count: "size" | "expiringSize" | "bytes",
): number {
  let total = 0;
  for (const shard of shards) total += shard[count];
  return total;
}

/**
 * A key drawn uniformly from all of `shards`: a shard drawn in proportion to
 * its keys, then a key uniform within it, in O(shards).
 */
export function randomKeyAcross(shards: readonly ShardCounts[]): string | undefined {
  let position = Math.floor(Math.random() * shardTotal(shards, "size"));
  for (const shard of shards) {
    if (position < shard.size) return shard.randomKey();
    position -= shard.size;
  }
  return undefined;
}
