import type { LoadingState } from "../commands/loading_state.ts";
import { log } from "./log.ts";
import type { Shutdown } from "./shutdown.ts";

/** How often a long replay says how far it got. */
const LOG_INTERVAL_MS = 1000;
const MB = 1024 * 1024;

/** Thrown from a replay's progress callback when a stop was asked for meanwhile. */
export class ReplayStopped extends Error {
  constructor() {
    super("the replay was stopped by a shutdown request");
    this.name = "ReplayStopped";
  }
}

/**
 * The WAL replay's progress callback: keeps INFO's loading fields
 * ({@linkcode LoadingState}) current, logs records, MB, % and MB/s about
 * once a second, and stops the replay (by throwing {@linkcode ReplayStopped})
 * once `shutdown` is requested, so Ctrl-C during a long replay is not kept
 * waiting for its end.
 *
 * @example
 * ```ts
 * const progress = replayProgress(server.loading, walPath, shutdown);
 * await replayWal(file, walPath, stores, { onProgress: progress });
 * ```
 */
export function replayProgress(
  loading: LoadingState,
  path: string,
  shutdown: Shutdown,
): (bytes: number, records: number) => void {
  const started = performance.now();
  let logged = started;
  return (bytes, records) => {
    loading.advance(bytes, records);
    if (shutdown.requested) throw new ReplayStopped();
    const now = performance.now();
    if (now - logged < LOG_INTERVAL_MS) return;
    logged = now;
    const total = loading.totalBytes;
    const rate = bytes / MB / ((now - started) / 1000);
    log.info(
      `loading "${path}": ${records} records, ${(bytes / MB).toFixed(1)} of ` +
        `${(total / MB).toFixed(1)} MB (${(bytes / Math.max(total, 1) * 100).toFixed(1)}%), ` +
        `${rate.toFixed(1)} MB/s`,
    );
  };
}
