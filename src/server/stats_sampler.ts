import type { ServerState } from "../commands/server_state.ts";
import { usedMemory } from "../commands/used_memory.ts";

/** How often the counters are sampled, as Redis's serverCron does at `hz 10`. */
const INTERVAL_MS = 100;

/**
 * Samples the server's counters for INFO's instantaneous figures and memory
 * peak (see `InstantaneousMetrics`) ten times a second.
 *
 * @returns a function that stops the sampling.
 * @example
 * ```ts
 * const stop = startStatsSampler(server);
 * // ... on shutdown:
 * stop();
 * ```
 */
export function startStatsSampler(server: ServerState): () => void {
  const sample = () =>
    server.metrics.sample({
      commands: server.commandsProcessed,
      inputBytes: server.netInputBytes,
      outputBytes: server.netOutputBytes,
      usedMemory: usedMemory(server.databases),
    }, performance.now());
  sample();
  const timer = setInterval(sample, INTERVAL_MS);
  return () => clearInterval(timer);
}
