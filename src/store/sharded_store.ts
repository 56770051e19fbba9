import { randomKeyAcross, shardTotal } from "./shard_totals.ts";
import { djb2 } from "./djb2.ts";
import { type Clock, Shard } from "./shard.ts";
import type { Reclaimed, Store } from "./store.ts";
import type { LfuOptions } from "./lfu.ts";
import type { Value } from "./value.ts";

/**
 * A {@linkcode Store} split over N maps, the shard chosen by
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
  readonly #shards: Shard[];
  /** Where the next expiry sweep starts, so every shard gets its turn. */
  #sweepShard = 0;

  /**
   * @param shards how many maps to spread keys over; an integer ≥ 1.
   * @param clock the time source for expiry; `Date.now` unless a test moves time.
   */
  constructor(shards: number, clock: Clock = Date.now) {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new RangeError(`Shard count must be an integer >= 1, found ${shards}`);
    }
    this.#shards = Array.from({ length: shards }, () => new Shard(clock));
  }

  /** The number of shards. */
  get shardCount(): number {
    return this.#shards.length;
  }

  #shard(key: string): Shard {
    return this.#shards[djb2(key) % this.#shards.length];
  }

  get(key: string): Value | undefined {
    return this.#shard(key).get(key);
  }

  resized(key: string, delta: number): void {
    this.#shard(key).resized(delta);
  }

  set(key: string, value: Value, expiresAt = 0): void {
    this.#shard(key).set(key, value, expiresAt);
  }

  delete(key: string): boolean {
    return this.#shard(key).delete(key);
  }

  expiresAt(key: string): number {
    return this.#shard(key).expiresAt(key);
  }

  setExpiresAt(key: string, expiresAt: number): boolean {
    return this.#shard(key).setExpiresAt(key, expiresAt);
  }

  get size(): number {
    return shardTotal(this.#shards, "size");
  }

  get expiringSize(): number {
    return shardTotal(this.#shards, "expiringSize");
  }

  get bytes(): number {
    return shardTotal(this.#shards, "bytes");
  }

  *keys(): IterableIterator<string> {
    for (const shard of this.#shards) yield* shard.keys();
  }

  *entries(): IterableIterator<[string, Value, number]> {
    for (const shard of this.#shards) yield* shard.entries();
  }

  randomKey(): string | undefined {
    return randomKeyAcross(this.#shards);
  }

  clear(): () => void {
    const undos = this.#shards.map((shard) => shard.clear());
    return () => {
      for (const undo of undos) undo();
    };
  }

  reclaimExpired(limit: number): Reclaimed {
    let checked = 0;
    let reclaimed = 0;
    let ttlMs = 0;
    for (let i = 0; i < this.#shards.length && checked < limit; i++) {
      const shard = this.#shards[this.#sweepShard];
      const result = shard.reclaimExpired(limit - checked);
      checked += result.checked;
      reclaimed += result.reclaimed;
      ttlMs += result.ttlMs;
      if (checked < limit) this.#sweepShard = (this.#sweepShard + 1) % this.#shards.length;
    }
    return { checked, reclaimed, ttlMs };
  }

  idleMs(key: string): number {
    return this.#shard(key).idleMs(key);
  }

  frequency(key: string): number {
    return this.#shard(key).frequency(key);
  }

  trackFrequency(options: LfuOptions | null): void {
    for (const shard of this.#shards) shard.trackFrequency(options);
  }

  get lazilyExpired(): number {
    let count = 0;
    for (const shard of this.#shards) count += shard.lazilyExpired;
    return count;
  }

  tick(): void {
    for (const shard of this.#shards) shard.tick();
  }
}
