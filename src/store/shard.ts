/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/**
 * One map of keys to values plus the expiry times of those that have one, as
 * Redis keeps a main dict and an `expires` dict: keys without a TTL (the
 * common case) cost nothing extra, and `get` skips the expiry lookup while no
 * key has one.
 *
 * Both {@linkcode MapStore} and {@linkcode ShardedStore} are made of these.
 *
 * @example
 * ```ts
 * const shard = new Shard(Date.now);
 * shard.set("k", "v", Date.now() + 1000);
 * shard.get("k"); // "v" for a second, then undefined
 * ```
 */
export class Shard {
  values = new Map<string, string>();
  expires = new Map<string, number>();
  /** Total length of the keys and values in `values`: what a snapshot of them costs. */
  bytes = 0;
  readonly #clock: Clock;
  #sweep: IterableIterator<[string, number]> | null = null;
  /** The expiry map `#sweep` walks; `clear` swaps maps, which restarts the walk. */
  #swept: Map<string, number> | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  get(key: string): string | undefined {
    if (this.expires.size > 0 && this.#expired(key)) return undefined;
    return this.values.get(key);
  }

  set(key: string, value: string, expiresAt: number): void {
    const old = this.values.get(key);
    this.bytes += old === undefined ? key.length + value.length : value.length - old.length;
    this.values.set(key, value);
    if (expiresAt > 0) this.expires.set(key, expiresAt);
    else if (this.expires.size > 0) this.expires.delete(key);
  }

  delete(key: string): boolean {
    if (this.expires.size > 0 && this.#expired(key)) return false;
    return this.#remove(key);
  }

  expiresAt(key: string): number {
    if (this.expires.size > 0 && this.#expired(key)) return -1;
    if (!this.values.has(key)) return -1;
    return this.expires.get(key) ?? 0;
  }

  setExpiresAt(key: string, expiresAt: number): boolean {
    if (this.expiresAt(key) === -1) return false;
    if (expiresAt > 0) this.expires.set(key, expiresAt);
    else this.expires.delete(key);
    return true;
  }

  *entries(): IterableIterator<[string, string, number]> {
    const now = this.#clock();
    for (const [key, value] of this.values) {
      const at = this.expires.get(key) ?? 0;
      if (at === 0 || at > now) yield [key, value, at];
    }
  }

  /** A uniformly random key, by walking to a random position (O(n): maps have no index). */
  randomKey(): string | undefined {
    let skip = Math.floor(Math.random() * this.values.size);
    for (const key of this.values.keys()) if (skip-- === 0) return key;
    return undefined;
  }

  reclaimExpired(limit: number): { checked: number; reclaimed: number } {
    const now = this.#clock();
    let checked = 0;
    let reclaimed = 0;
    if (this.#swept !== this.expires) {
      this.#swept = this.expires;
      this.#sweep = this.expires.entries();
    }
    this.#sweep ??= this.expires.entries();
    while (checked < limit) {
      const next = this.#sweep.next();
      if (next.done) {
        this.#sweep = null;
        break;
      }
      checked++;
      const [key, at] = next.value;
      if (at <= now) {
        this.#remove(key);
        reclaimed++;
      }
    }
    return { checked, reclaimed };
  }

  /** Removes the key if it has expired; returns whether it had. */
  #expired(key: string): boolean {
    const at = this.expires.get(key);
    if (at === undefined || at > this.#clock()) return false;
    this.#remove(key);
    return true;
  }

  /** Removes `key` and its expiry; returns whether it was there. */
  #remove(key: string): boolean {
    const old = this.values.get(key);
    if (old === undefined) return false;
    this.expires.delete(key);
    this.values.delete(key);
    this.bytes -= key.length + old.length;
    return true;
  }
}
