import type { LfuOptions } from "../store/lfu.ts";
import type { Store } from "../store/store.ts";

/** Redis's eviction policies, in the order its CONFIG SET complaint lists them. */
export const EVICTION_POLICIES = [
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "noeviction",
] as const;

/** One of {@linkcode EVICTION_POLICIES}. */
export type EvictionPolicy = typeof EVICTION_POLICIES[number];

/** Whether `name` is a policy's name (as Redis spells it: lower case). */
export function isEvictionPolicy(name: string): name is EvictionPolicy {
  return (EVICTION_POLICIES as readonly string[]).includes(name);
}

/** What a {@linkcode MaxMemory} starts with: the flags, or Redis's defaults. */
export interface MaxMemoryOptions {
  /** Bytes of used memory allowed; 0, the default, sets no limit. */
  readonly limit: number;
  /** Default `noeviction`. */
  readonly policy: EvictionPolicy;
  /** Keys sampled per database per eviction round; default 5. */
  readonly samples: number;
  /** Default 10. */
  readonly lfuLogFactor: number;
  /** Default 1 (minute). */
  readonly lfuDecayTime: number;
}

/**
 * The memory budget and how to keep to it (Redis's `maxmemory`,
 * `maxmemory-policy`, `maxmemory-samples`, `lfu-log-factor`,
 * `lfu-decay-time`), changeable at run time by CONFIG SET, and the count of
 * keys evicted for it (INFO's `evicted_keys`). The eviction itself is
 * `eviction.ts`; this holds the settings and tells the stores whether their
 * per-key access field is a recency stamp or an LFU counter, which the
 * policy decides, as in Redis.
 *
 * @example
 * ```ts
 * const budget = new MaxMemory(DEFAULTS, () => databases.stores());
 * budget.policy = "allkeys-lfu"; // the stores now count frequencies
 * ```
 */
export class MaxMemory {
  /** Bytes allowed; 0 is no limit. */
  limit: number;
  /** Keys sampled per database per round. */
  samples: number;
  /** Keys evicted since start or CONFIG RESETSTAT. */
  evictedKeys = 0;
  #policy: EvictionPolicy;
  #lfuLogFactor: number;
  #lfuDecayTime: number;
  readonly #stores: () => readonly Store[];

  /** @param stores every database's store now (the policy's access field is set on each). */
  constructor(options: MaxMemoryOptions, stores: () => readonly Store[]) {
    this.limit = options.limit;
    this.samples = options.samples;
    this.#policy = options.policy;
    this.#lfuLogFactor = options.lfuLogFactor;
    this.#lfuDecayTime = options.lfuDecayTime;
    this.#stores = stores;
    this.#track();
  }

  get policy(): EvictionPolicy {
    return this.#policy;
  }

  set policy(policy: EvictionPolicy) {
    this.#policy = policy;
    this.#track();
  }

  get lfuLogFactor(): number {
    return this.#lfuLogFactor;
  }

  set lfuLogFactor(factor: number) {
    this.#lfuLogFactor = factor;
    this.#track();
  }

  get lfuDecayTime(): number {
    return this.#lfuDecayTime;
  }

  set lfuDecayTime(minutes: number) {
    this.#lfuDecayTime = minutes;
    this.#track();
  }

  /** Whether the policy counts frequencies (OBJECT FREQ works, OBJECT IDLETIME does not). */
  get lfu(): boolean {
    return this.#policy.endsWith("-lfu");
  }

  /** The LFU settings while an LFU policy is chosen, else `null`. */
  get lfuOptions(): LfuOptions | null {
    if (!this.lfu) return null;
    return { logFactor: this.#lfuLogFactor, decayMinutes: this.#lfuDecayTime };
  }

  #track(): void {
    const options = this.lfuOptions;
    for (const store of this.#stores()) store.trackFrequency(options);
  }
}
