import { djb2 } from "./djb2.ts";
import type { Store } from "./store.ts";

/**
 * A {@linkcode Store} split over N `Map`s, the shard chosen by
 * {@linkcode djb2} of the key modulo N, as in the seed.
 *
 * In Go the shards cut lock contention; JavaScript has no locks, so here they
 * serve two other ends: a single V8 `Map` holds at most about 16.7 million
 * entries (2^24), so sharding raises that ceiling N-fold, and per-shard work
 * (snapshots, compaction, expiry sweeps) can be sliced shard by shard without
 * blocking the event loop. The price is one hash per operation; the benchmark
 * measures it.
 *
 * @example
 * ```ts
 * const store = new ShardedStore(8);
 * store.set("hello", "world");
 * store.get("hello"); // "world"
 * ```
 */
export class ShardedStore implements Store {
  readonly #shards: Map<string, string>[];
  #size = 0;

  /** @param shards how many maps to spread keys over; an integer ≥ 1. */
  constructor(shards: number) {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new RangeError(`Shard count must be an integer >= 1, found ${shards}`);
    }
    this.#shards = Array.from({ length: shards }, () => new Map<string, string>());
  }

  /** The number of shards. */
  get shardCount(): number {
    return this.#shards.length;
  }

  #shard(key: string): Map<string, string> {
    return this.#shards[djb2(key) % this.#shards.length];
  }

  get(key: string): string | undefined {
    return this.#shard(key).get(key);
  }

  set(key: string, value: string): void {
    const shard = this.#shard(key);
    const before = shard.size;
    shard.set(key, value);
    this.#size += shard.size - before;
  }

  delete(key: string): boolean {
    const deleted = this.#shard(key).delete(key);
    if (deleted) this.#size--;
    return deleted;
  }

  get size(): number {
    return this.#size;
  }

  *entries(): IterableIterator<[string, string]> {
    for (const shard of this.#shards) yield* shard.entries();
  }
}
