/** The reply to a command Redis does not allow while the dataset loads (Redis's text). */
export const LOADING = "LOADING Redis is loading the dataset in memory";

/**
 * Whether the WAL is still being replayed, and how far it got: the gate
 * refuses most commands while {@linkcode LoadingState.active}, INFO
 * persistence reports the progress, and the startup log reads it too.
 *
 * @example
 * ```ts
 * loading.start(walBytes);
 * loading.advance(bytesSoFar, recordsSoFar);
 * loading.finish();
 * ```
 */
export class LoadingState {
  /** Whether the replay is running: commands without Redis's `loading` flag are refused. */
  active = false;
  /** When the replay began, in ms since the epoch. */
  startedAt = 0;
  /** The WAL's size when the replay began. */
  totalBytes = 0;
  /** Bytes of whole records applied so far. */
  loadedBytes = 0;
  /** Records applied so far. */
  records = 0;

  /** Marks the start of a replay of `totalBytes`. */
  start(totalBytes: number, now = Date.now()): void {
    this.active = true;
    this.startedAt = now;
    this.totalBytes = totalBytes;
    this.loadedBytes = 0;
    this.records = 0;
  }

  /** Notes the replay's progress. */
  advance(loadedBytes: number, records: number): void {
    this.loadedBytes = loadedBytes;
    this.records = records;
  }

  /** Marks the end of the replay: commands run from now on. */
  finish(): void {
    this.active = false;
  }

  /**
   * INFO persistence's progress fields while loading, as Redis computes
   * them: the percentage over `total + 1` bytes, and the ETA from the whole
   * seconds elapsed (1 in the first second). `loading_rdb_used_mem` is
   * Redis's RDB header's memory figure, which a WAL does not carry: 0.
   */
  infoFields(now = Date.now()): string[] {
    if (!this.active) return [];
    const startSeconds = Math.floor(this.startedAt / 1000);
    const elapsed = Math.floor(now / 1000) - startSeconds;
    const remaining = this.totalBytes - this.loadedBytes;
    const eta = elapsed === 0 ? 1 : Math.floor((elapsed * remaining) / (this.loadedBytes + 1));
    return [
      `loading_start_time:${startSeconds}`,
      `loading_total_bytes:${this.totalBytes}`,
      "loading_rdb_used_mem:0",
      `loading_loaded_bytes:${this.loadedBytes}`,
      `loading_loaded_perc:${((this.loadedBytes / (this.totalBytes + 1)) * 100).toFixed(2)}`,
      `loading_eta_seconds:${eta}`,
    ];
  }
}
