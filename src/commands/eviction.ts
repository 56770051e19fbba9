import type { Databases } from "../db/databases.ts";
import type { Store } from "../store/store.ts";
import type { MaxMemory } from "./max_memory.ts";
import { keyFootprint, usedMemory } from "./used_memory.ts";

/** How an eviction pass ended (Redis's EVICT_OK, EVICT_RUNNING, EVICT_FAIL). */
export type EvictionResult = "ok" | "running" | "fail";

/** Candidates kept between rounds (EVPOOL_SIZE). */
const POOL_SIZE = 16;
/**
 * The most one command's pass may take: Redis's limit at its default
 * `maxmemory-eviction-tenacity` of 10 (500 µs). Past it the command runs and
 * a timer evicts the rest.
 */
export const COMMAND_BUDGET_MS = 0.5;
/** The most one timer pass may take, as the expiry sweep's step. */
const TIMER_BUDGET_MS = 2;
/** The clock is read once per this many keys looked at. */
const CHECK_EVERY = 16;
/**
 * A volatile policy samples keys with a TTL by drawing random keys and
 * keeping those that have one (the stores draw any key in O(1), not an
 * expiring one): ten times as many draws as keys per key with a TTL, so
 * a round misses all of them with odds under e^-10, but at most this many.
 */
const MAX_VOLATILE_DRAWS = 4096;

/** How many random keys to draw from `store` to find about `wanted` with a TTL. */
function volatileDraws(store: Store, wanted: number): number {
  const perHit = Math.ceil(store.size / Math.max(1, store.expiringSize));
  return Math.min(MAX_VOLATILE_DRAWS, wanted * 10 * perHit);
}

/** One key the pool may evict: the higher the score, the better a victim. */
interface Candidate {
  db: number;
  key: string;
  score: number;
}

/**
 * Keeps used memory (see {@linkcode usedMemory}) under `maxmemory`, as
 * Redis's `performEvictions`: while over it, pick a key by the policy and
 * delete it through `Db.delete`, the path DEL takes, so each eviction is a
 * delete record in the WAL (replay and compaction agree) and marks WATCHers.
 *
 * LRU, LFU and TTL choose by sampling, with Redis's eviction pool: each
 * round samples `maxmemory-samples` keys of every database with the store's
 * O(1) random key, scores them (idle time; 255 − the LFU counter; the
 * nearness of the expiry), keeps the best 16 seen across rounds and calls,
 * and evicts the best that still exists. The random policies take a random
 * key from each database in turn.
 *
 * Used memory is summed over the stores once per pass (O(databases ×
 * shards), ~2 µs with 16 databases of 8 shards); each eviction then
 * subtracts what its key counted for ({@linkcode keyFootprint}), which is
 * what the sum would lose.
 *
 * A command's pass stops after {@linkcode COMMAND_BUDGET_MS}, so one command
 * never stalls the loop; a timer goes on in slices until under the limit.
 *
 * @example
 * ```ts
 * const evictor = new Evictor(databases, maxMemory);
 * if (evictor.evict(COMMAND_BUDGET_MS) === "fail") reply.error(OOM);
 * ```
 */
export class Evictor {
  readonly #databases: Databases;
  readonly #budget: MaxMemory;
  /** Sorted by score, best last. */
  #pool: Candidate[] = [];
  /** The database the random policies take from next. */
  #nextDb = 0;
  #timer: ReturnType<typeof setTimeout> | null = null;

  constructor(databases: Databases, budget: MaxMemory) {
    this.#databases = databases;
    this.#budget = budget;
  }

  /**
   * Evicts until used memory is within the limit or `budgetMs` has passed:
   * `ok` when within it (or no limit is set), `running` when the time ran
   * out first (a timer goes on), `fail` when nothing can be evicted
   * (`noeviction`, or a volatile policy with no key that has a TTL), which
   * makes the gate refuse a command that may grow memory with -OOM.
   */
  evict(budgetMs: number): EvictionResult {
    const budget = this.#budget;
    const databases = this.#databases;
    // With the WAL failed no delete could be logged; writes get -MISCONF from the gate anyway.
    if (budget.limit === 0 || databases.failure !== null) return "ok";
    let used = usedMemory(databases);
    if (used <= budget.limit) return "ok";
    if (budget.policy === "noeviction") return "fail";
    const started = performance.now();
    let result: EvictionResult = "ok";
    let evicted = 0;
    for (let looked = 1; used > budget.limit; looked++) {
      const victim = this.#choose();
      if (victim === null) {
        result = "fail";
        break;
      }
      const db = databases.get(victim.db);
      const freed = keyFootprint(db.store, victim.key);
      if (db.delete(victim.key)) {
        evicted++;
        used -= freed;
      }
      if (looked % CHECK_EVERY === 0 && performance.now() - started > budgetMs) {
        if (used > budget.limit) {
          result = "running";
          this.evictSoon();
        }
        break;
      }
    }
    if (evicted > 0) {
      budget.evictedKeys += evicted;
      try {
        databases.commit();
      } catch {
        // The WAL refused the deletes, which are undone; writes are refused from now on anyway.
        return "fail";
      }
    }
    return result;
  }

  /** Evicts from a timer, in slices, until within the limit (after CONFIG SET maxmemory, or a pass cut short). */
  evictSoon(): void {
    if (this.#timer !== null) return;
    const timer = setTimeout(() => {
      this.#timer = null;
      if (this.evict(TIMER_BUDGET_MS) === "running") this.evictSoon();
    }, 0);
    // Never what keeps the process alive at shutdown.
    Deno.unrefTimer(timer);
    this.#timer = timer;
  }

  /** Stops the timer, if one is set (at shutdown). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** The next key to evict by the policy, or `null` when there is none. */
  #choose(): Candidate | null {
    const policy = this.#budget.policy;
    if (policy.endsWith("-random")) return this.#randomVictim(policy.startsWith("volatile"));
    this.#fillPool(policy);
    const pool = this.#pool;
    while (pool.length > 0) {
      const best = pool.pop()!;
      // It may be gone since it was sampled (deleted, expired, the database flushed).
      if (this.#databases.get(best.db).store.expiresAt(best.key) !== -1) return best;
    }
    return null;
  }

  /** Samples every database into the pool (Redis's `evictionPoolPopulate`). */
  #fillPool(policy: string): void {
    const volatile = policy.startsWith("volatile");
    const databases = this.#databases;
    const samples = this.#budget.samples;
    for (let db = 0; db < databases.length; db++) {
      const store = databases.get(db).store;
      if ((volatile ? store.expiringSize : store.size) === 0) continue;
      const draws = volatile ? volatileDraws(store, samples) : samples;
      let taken = 0;
      for (let i = 0; i < draws && taken < samples; i++) {
        const key = store.randomKey();
        if (key === undefined) break;
        const score = this.#score(store, key, policy, volatile);
        if (score < 0) continue;
        taken++;
        this.#offer(db, key, score);
      }
    }
  }

  /** How good a victim `key` is under `policy`, or -1 when it is none (gone, or no TTL under volatile). */
  #score(store: Store, key: string, policy: string, volatile: boolean): number {
    if (volatile || policy === "volatile-ttl") {
      const at = store.expiresAt(key);
      if (at <= 0) return -1;
      if (policy === "volatile-ttl") return Number.MAX_SAFE_INTEGER - at;
    }
    if (policy.endsWith("-lfu")) {
      const frequency = store.frequency(key);
      return frequency < 0 ? -1 : 255 - frequency;
    }
    return store.idleMs(key);
  }

  /** Puts a candidate in the pool if it is better than the worst there or the pool has room. */
  #offer(db: number, key: string, score: number): void {
    const pool = this.#pool;
    for (let i = 0; i < pool.length; i++) {
      if (pool[i].db === db && pool[i].key === key) {
        pool.splice(i, 1);
        break;
      }
    }
    if (pool.length >= POOL_SIZE) {
      if (score <= pool[0].score) return;
      pool.shift();
    }
    let at = pool.length;
    while (at > 0 && pool[at - 1].score > score) at--;
    pool.splice(at, 0, { db, key, score });
  }

  /** A random key (with a TTL, for volatile-random) of the next database that has one. */
  #randomVictim(volatile: boolean): Candidate | null {
    const databases = this.#databases;
    for (let tried = 0; tried < databases.length; tried++) {
      const db = this.#nextDb;
      this.#nextDb = (db + 1) % databases.length;
      const store = databases.get(db).store;
      if ((volatile ? store.expiringSize : store.size) === 0) continue;
      const draws = volatile ? volatileDraws(store, 1) : 1;
      for (let i = 0; i < draws; i++) {
        const key = store.randomKey();
        if (key === undefined) break;
        if (!volatile || store.expiresAt(key) > 0) return { db, key, score: 0 };
      }
    }
    return null;
  }
}
