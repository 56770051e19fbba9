import { randomKeyAcross, shardTotal } from "./shard_totals.ts";
import { type ArenaOptions, ArenaShard } from "./arena_shard.ts";
import type { ByteWrites } from "./byte_writes.ts";
import { binaryFromBytes } from "../io/binary.ts";
import { djb2, djb2Bytes } from "./djb2.ts";
import type { Clock } from "./shard.ts";
import type { Reclaimed, Store } from "./store.ts";
import type { LfuOptions } from "./lfu.ts";
import type { Value } from "./value.ts";

/**
 * A {@linkcode Store} that keeps keys and string values as bytes in arenas
 * with an open-addressed index ({@linkcode ArenaShard}), chosen with
 * `--store arena`: a few bytes of index and entry per key instead of two JS
 * strings and a `Map` slot, no per-key object for the garbage collector to
 * walk, and no 16.7M-key ceiling per table. As with {@linkcode ShardedStore},
 * `--shards N` makes N independent tables, chosen by DJB2 of the key modulo N
 * (the same hash, mixed, places the key in its table).
 *
 * @example
 * ```ts
 * const store = new ArenaStore(8);
 * store.set("hello", "world");
 * store.get("hello"); // "world"
 * ```
 */
export class ArenaStore implements Store, ByteWrites {
  #shards: ArenaShard[];
  readonly #make: () => ArenaShard;
  #sweepShard = 0;
  /** The access policy, for the fresh tables `clear` makes. */
  #lfu: LfuOptions | null = null;
  /** Lazily expired keys counted by tables `clear` dropped (INFO's count never goes back). */
  #lazilyCleared = 0;

  /**
   * @param shards how many tables to spread keys over; an integer ≥ 1.
   * @param clock the time source for expiry.
   * @param options the arena size (tests use small ones).
   */
  constructor(shards: number, clock: Clock = Date.now, options: ArenaOptions = {}) {
    if (!Number.isInteger(shards) || shards < 1) {
      throw new RangeError(`Shard count must be an integer >= 1, found ${shards}`);
    }
    this.#make = () => new ArenaShard(clock, options);
    this.#shards = Array.from({ length: shards }, this.#make);
  }

  /** The tables, for tests and measurements. */
  get shards(): readonly ArenaShard[] {
    return this.#shards;
  }

  #shard(hash: number): ArenaShard {
    const shards = this.#shards;
    return shards.length === 1 ? shards[0] : shards[hash % shards.length];
  }

  get(key: string): Value | undefined {
    const hash = djb2(key);
    return this.#shard(hash).get(key, hash);
  }

  set(key: string, value: Value, expiresAt = 0): void {
    const hash = djb2(key);
    this.#shard(hash).set(key, hash, value, expiresAt);
  }

  /**
   * Replay's SET: the bytes go from the WAL's buffer into the arena. A value
   * too long for an arena becomes a string beside it, as `set` keeps it.
   */
  setBytes(
    bytes: Uint8Array,
    keyStart: number,
    keyEnd: number,
    valueStart: number,
    valueEnd: number,
    expiresAt: number,
  ): void {
    const hash = djb2Bytes(bytes, keyStart, keyEnd);
    const shard = this.#shard(hash);
    if (valueEnd - valueStart <= shard.inlineLimit) {
      shard.setBytes(bytes, keyStart, keyEnd, valueStart, valueEnd, hash, expiresAt);
    } else {
      const key = binaryFromBytes(bytes, keyStart, keyEnd);
      shard.set(key, hash, binaryFromBytes(bytes, valueStart, valueEnd), expiresAt);
    }
  }

  resized(key: string, delta: number): void {
    this.#shard(djb2(key)).resized(delta);
  }

  delete(key: string): boolean {
    const hash = djb2(key);
    return this.#shard(hash).delete(key, hash);
  }

  expiresAt(key: string): number {
    const hash = djb2(key);
    return this.#shard(hash).expiresAt(key, hash);
  }

  setExpiresAt(key: string, expiresAt: number): boolean {
    const hash = djb2(key);
    return this.#shard(hash).setExpiresAt(key, hash, expiresAt);
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

  /** Swaps in fresh tables, O(shards); the undo swaps the old ones back. */
  clear(): () => void {
    const saved = this.#shards;
    const cleared = this.#lazilyCleared;
    for (const shard of saved) this.#lazilyCleared += shard.lazilyExpired;
    this.#shards = Array.from({ length: saved.length }, this.#make);
    for (const shard of this.#shards) shard.trackFrequency(this.#lfu);
    return () => {
      this.#shards = saved;
      this.#lazilyCleared = cleared;
    };
  }

  /** Sweeps expiry as the `Map` stores do; each call also moves rehashes and compactions on. */
  reclaimExpired(limit: number): Reclaimed {
    const shards = this.#shards;
    let checked = 0;
    let reclaimed = 0;
    let ttlMs = 0;
    for (let i = 0; i < shards.length && checked < limit; i++) {
      const result = shards[this.#sweepShard % shards.length].reclaimExpired(limit - checked);
      checked += result.checked;
      reclaimed += result.reclaimed;
      ttlMs += result.ttlMs;
      if (checked < limit) this.#sweepShard = (this.#sweepShard + 1) % shards.length;
    }
    return { checked, reclaimed, ttlMs };
  }

  idleMs(key: string): number {
    const hash = djb2(key);
    return this.#shard(hash).idleMs(key, hash);
  }

  frequency(key: string): number {
    const hash = djb2(key);
    return this.#shard(hash).frequency(key, hash);
  }

  trackFrequency(options: LfuOptions | null): void {
    this.#lfu = options;
    for (const shard of this.#shards) shard.trackFrequency(options);
  }

  get lazilyExpired(): number {
    let count = this.#lazilyCleared;
    for (const shard of this.#shards) count += shard.lazilyExpired;
    return count;
  }

  tick(): void {
    for (const shard of this.#shards) shard.tick();
  }
}
