import type { Databases } from "../db/databases.ts";
import type { ServerState } from "../commands/server_state.ts";

/** How often the sweep runs, as Redis's default `hz 10`. */
const INTERVAL_MS = 100;
/** Keys with a TTL looked at per step. */
const STEP_KEYS = 200;
/** The most one sweep may take, so clients never wait long behind it. */
const BUDGET_MS = 5;

/**
 * Reclaims expired keys in the background, as Redis's active expire cycle:
 * ten times a second, walk on through the keys that carry a TTL; while more
 * than a quarter of those looked at had expired, keep going, for at most a
 * few milliseconds, over every database. Keys nobody reads again so do
 * not fill memory.
 *
 * Nothing is logged: expiry times are in the WAL already, and replay drops
 * keys whose time has passed.
 *
 * @returns a function that stops the sweep.
 * @example
 * ```ts
 * const stop = startExpirySweep(serverState);
 * // ... on shutdown:
 * stop();
 * ```
 */
export function startExpirySweep(server: ServerState): () => void {
  const databases: Databases = server.databases;
  const timer = setInterval(() => {
    const started = performance.now();
    // Every database gets its turn each tick, within one budget.
    for (let i = 0; i < databases.length; i++) {
      const store = databases.get(i).store;
      store.tick(); // the access clock behind OBJECT IDLETIME
      if (store.expiringSize === 0) continue;
      while (performance.now() - started < BUDGET_MS) {
        const { checked, reclaimed, ttlMs } = store.reclaimExpired(STEP_KEYS);
        server.expiredKeys += reclaimed;
        if (checked > reclaimed) server.sawTtl(i, ttlMs / (checked - reclaimed));
        if (checked === 0 || reclaimed * 4 < checked) break;
      }
    }
  }, INTERVAL_MS);
  return () => clearInterval(timer);
}
