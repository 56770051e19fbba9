import { type Clock, Shard } from "./shard.ts";
import type { Reclaimed, Store } from "./store.ts";
import type { LfuOptions } from "./lfu.ts";
import type { Value } from "./value.ts";

/**
 * A {@linkcode Store} backed by a single map: the seed's `HashMap`, chosen
 * with `--shards 1`.
 *
 * @example
 * ```ts
 * const store = new MapStore();
 * store.set("k", "v");
 * store.size; // 1
 * ```
 */
export class MapStore implements Store {
  readonly #shard: Shard;

  /** @param clock the time source for expiry; `Date.now` unless a test moves time. */
  constructor(clock: Clock = Date.now) {
    this.#shard = new Shard(clock);
  }

  get(key: string): Value | undefined {
    return this.#shard.get(key);
  }

  set(key: string, value: Value, expiresAt = 0): void {
    this.#shard.set(key, value, expiresAt);
  }

  resized(_key: string, delta: number): void {
    this.#shard.resized(delta);
  }

  delete(key: string): boolean {
    return this.#shard.delete(key);
  }

  expiresAt(key: string): number {
    return this.#shard.expiresAt(key);
  }

  setExpiresAt(key: string, expiresAt: number): boolean {
    return this.#shard.setExpiresAt(key, expiresAt);
  }

  get size(): number {
    return this.#shard.size;
  }

  get expiringSize(): number {
    return this.#shard.expiringSize;
  }

  get bytes(): number {
    return this.#shard.bytes;
  }

  keys(): IterableIterator<string> {
    return this.#shard.keys();
  }

  entries(): IterableIterator<[string, Value, number]> {
    return this.#shard.entries();
  }

  randomKey(): string | undefined {
    return this.#shard.randomKey();
  }

  clear(): () => void {
    return this.#shard.clear();
  }

  reclaimExpired(limit: number): Reclaimed {
    return this.#shard.reclaimExpired(limit);
  }

  idleMs(key: string): number {
    return this.#shard.idleMs(key);
  }

  frequency(key: string): number {
    return this.#shard.frequency(key);
  }

  trackFrequency(options: LfuOptions | null): void {
    this.#shard.trackFrequency(options);
  }

  get lazilyExpired(): number {
    return this.#shard.lazilyExpired;
  }

  tick(): void {
    this.#shard.tick();
  }
}
