import { lfuDecayed, type LfuOptions, lfuTouched } from "./lfu.ts";
import type { Reclaimed } from "./store.ts";
import { type Value, valueBytes } from "./value.ts";

/** Milliseconds since the epoch; injectable so tests can move time. */
export type Clock = () => number;

/**
 * Dead slots allowed beyond a quarter of the keys before the slots are
 * rebuilt, so that a shard with a handful of keys does not rebuild on every
 * removal.
 */
const DEAD_SLACK = 16;

/**
 * One map of keys to values plus the expiry times of those that have one, as
 * Redis keeps a main dict and an `expires` dict: keys without a TTL (the
 * common case) cost nothing extra, and `get` skips the expiry lookup while no
 * key has one.
 *
 * For {@linkcode Shard.randomKey} in O(1), a shard also keeps its keys in an
 * array of slots, in no order, so a random key is a random index. A `Map` has
 * no index, and a second map from key to slot would cost more memory than the
 * array itself, so a removed key keeps its slot, which goes dead and is noted
 * in a set of dead keys. `randomKey` draws again when it lands on a dead slot
 * and drops it (swapping in the last slot); a key set again before its slot
 * is dropped takes that slot back. So every key holds exactly one slot, and
 * draws are uniform. Once dead slots outnumber a quarter of the keys plus 16,
 * the slots are rebuilt from the map's keys: O(keys), ~10 ms for a million,
 * but once per that many removals, so O(1) per removal amortized. Slots thus
 * stay under 1.25 × keys + 16, which bounds both their memory and a draw's
 * average tries (slots ÷ keys).
 *
 * Both {@linkcode MapStore} and {@linkcode ShardedStore} are made of these.
 *
 * @example
 * ```ts
 * const shard = new Shard(Date.now);
 * shard.set("k", "v", Date.now() + 1000);
 * shard.get("k"); // "v" for a second, then undefined
 * shard.randomKey(); // "k"
 * ```
 */
export class Shard {
  #values = new Map<string, Value>();
  #expires = new Map<string, number>();
  /** Total length of the keys and values in `#values`: what a snapshot of them costs. */
  #bytes = 0;
  /** Every key in `#values` once, and every key in `#dead` once, in no order. */
  #slots: string[] = [];
  /** Keys removed from `#values` whose slot is still in `#slots`. */
  #dead = new Set<string>();
  readonly #clock: Clock;
  /**
   * Each key's access field, as Redis's 24 `lru` bits: when it was last
   * read or written on the access clock (LRU), or under an LFU policy its
   * minute and logarithmic counter (see `lfu.ts`).
   */
  #touched = new Map<string, number>();
  /** The LFU settings while an LFU policy is chosen; `null` tracks recency. */
  #lfu: LfuOptions | null = null;
  /** Keys found expired when looked up (and removed then), since the shard was made. */
  lazilyExpired = 0;
  /** The access clock: the time of the last `tick`, in ms. */
  #now: number;
  #sweep: IterableIterator<[string, number]> | null = null;
  /** The expiry map `#sweep` walks; `clear` swaps maps, which restarts the walk. */
  #swept: Map<string, number> | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
    this.#now = clock();
  }

  /** Advances the access clock to now. */
  tick(): void {
    this.#now = this.#clock();
  }

  /** Milliseconds since `key` was last read or written, or -1 when it does not exist. */
  idleMs(key: string): number {
    if (this.#expires.size > 0 && this.#expired(key)) return -1;
    if (!this.#values.has(key)) return -1;
    if (this.#lfu !== null) return 0;
    return Math.max(0, this.#clock() - (this.#touched.get(key) ?? this.#now));
  }

  /** `key`'s LFU counter after decay, or -1 when it does not exist; 0 while tracking recency. */
  frequency(key: string): number {
    if (this.#expires.size > 0 && this.#expired(key)) return -1;
    if (!this.#values.has(key)) return -1;
    const field = this.#touched.get(key);
    if (this.#lfu === null || field === undefined) return 0;
    return lfuDecayed(field, this.#clock(), this.#lfu);
  }

  /**
   * Switches the access fields to LFU counters (`options`) or to recency
   * (`null`). The old fields mean nothing under the new policy, so they are
   * dropped at once (O(1): a new map), and every key starts afresh: idle
   * since now, or at the initial counter. Redis reinterprets the bits
   * instead, and warns that the data "will take some time to adjust".
   */
  trackFrequency(options: LfuOptions | null): void {
    if (options === null && this.#lfu === null) return;
    if (options !== null && this.#lfu !== null) {
      this.#lfu = options;
      return;
    }
    this.#lfu = options;
    this.#touched = new Map();
  }

  /** The access field `key` gets now under LFU: its counter bumped, or 5 for a new key. */
  #accessed(key: string): number {
    return lfuTouched(this.#touched.get(key), this.#now, this.#lfu!);
  }

  /** How many keys are stored, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#values.size;
  }

  /** How many keys carry an expiry. */
  get expiringSize(): number {
    return this.#expires.size;
  }

  /** Total length of the stored keys and values. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: string): Value | undefined {
    if (this.#expires.size > 0 && this.#expired(key)) return undefined;
    const value = this.#values.get(key);
    if (value !== undefined) {
      this.#touched.set(key, this.#lfu === null ? this.#now : this.#accessed(key));
    }
    return value;
  }

  set(key: string, value: Value, expiresAt: number): void {
    const old = this.#values.get(key);
    if (old === undefined) {
      this.#bytes += key.length + valueBytes(value);
      // A key removed and set again takes its dead slot back, so no key holds two.
      if (this.#dead.size === 0 || !this.#dead.delete(key)) this.#slots.push(key);
    } else {
      this.#bytes += valueBytes(value) - valueBytes(old);
    }
    this.#values.set(key, value);
    this.#touched.set(key, this.#lfu === null ? this.#now : this.#accessed(key));
    if (expiresAt > 0) this.#expires.set(key, expiresAt);
    else if (this.#expires.size > 0) this.#expires.delete(key);
  }

  delete(key: string): boolean {
    if (this.#expires.size > 0 && this.#expired(key)) return false;
    return this.#remove(key);
  }

  /** Counts a change of `delta` bytes in a container stored here, changed in place. */
  resized(delta: number): void {
    this.#bytes += delta;
  }

  expiresAt(key: string): number {
    if (this.#expires.size > 0 && this.#expired(key)) return -1;
    if (!this.#values.has(key)) return -1;
    return this.#expires.get(key) ?? 0;
  }

  setExpiresAt(key: string, expiresAt: number): boolean {
    if (this.expiresAt(key) === -1) return false;
    if (expiresAt > 0) this.#expires.set(key, expiresAt);
    else this.#expires.delete(key);
    return true;
  }

  /** Every key, as a live iterator of the map (expired keys included). */
  keys(): IterableIterator<string> {
    return this.#values.keys();
  }

  *entries(): IterableIterator<[string, Value, number]> {
    const now = this.#clock();
    for (const [key, value] of this.#values) {
      const at = this.#expires.get(key) ?? 0;
      if (at === 0 || at > now) yield [key, value, at];
    }
  }

  /**
   * A uniformly random key (maybe expired, not yet reclaimed), or `undefined`
   * when the shard is empty: a random slot, drawn again while it is dead.
   * Each dead slot drawn is dropped, so the tries are paid for by the
   * removals that made them.
   */
  randomKey(): string | undefined {
    const slots = this.#slots;
    while (slots.length > 0) {
      const index = Math.floor(Math.random() * slots.length);
      const key = slots[index];
      if (this.#dead.size === 0 || !this.#dead.has(key)) return key;
      this.#drop(index);
    }
    return undefined;
  }

  /**
   * Empties the shard by swapping in new maps and slots, which is O(1)
   * whatever its size; returns a function that swaps the old ones back.
   */
  clear(): () => void {
    const saved = [
      this.#values,
      this.#expires,
      this.#bytes,
      this.#slots,
      this.#dead,
      this.#touched,
    ] as const;
    this.#values = new Map();
    this.#expires = new Map();
    this.#bytes = 0;
    this.#slots = [];
    this.#dead = new Set();
    this.#touched = new Map();
    return () => {
      [this.#values, this.#expires, this.#bytes, this.#slots, this.#dead, this.#touched] = saved;
    };
  }

  reclaimExpired(limit: number): Reclaimed {
    const now = this.#now = this.#clock();
    let checked = 0;
    let reclaimed = 0;
    let ttlMs = 0;
    if (this.#swept !== this.#expires) {
      this.#swept = this.#expires;
      this.#sweep = this.#expires.entries();
    }
    this.#sweep ??= this.#expires.entries();
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
      } else {
        ttlMs += at - now;
      }
    }
    return { checked, reclaimed, ttlMs };
  }

  /** Removes the key if it has expired; returns whether it had. */
  #expired(key: string): boolean {
    const at = this.#expires.get(key);
    if (at === undefined || at > this.#clock()) return false;
    this.#remove(key);
    this.lazilyExpired++;
    return true;
  }

  /** Removes `key`, its expiry and (lazily) its slot; returns whether it was there. */
  #remove(key: string): boolean {
    const old = this.#values.get(key);
    if (old === undefined) return false;
    this.#expires.delete(key);
    this.#values.delete(key);
    this.#touched.delete(key);
    this.#bytes -= key.length + valueBytes(old);
    this.#dead.add(key);
    if (this.#dead.size > (this.#values.size >>> 2) + DEAD_SLACK) {
      // Copies references only, sequentially: ~10 ms for a million keys.
      this.#slots = Array.from(this.#values.keys());
      this.#dead = new Set();
    }
    return true;
  }

  /** Drops the dead slot at `index`, moving the last slot into its place. */
  #drop(index: number): void {
    const slots = this.#slots;
    this.#dead.delete(slots[index]);
    const last = slots.pop() as string;
    if (index < slots.length) slots[index] = last;
  }
}
