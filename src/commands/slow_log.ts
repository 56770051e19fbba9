import type { ClientState } from "./client_state.ts";

/** One slow command, as SLOWLOG GET reports it. */
export interface SlowLogEntry {
  readonly id: number;
  /** Unix seconds when it was logged. */
  readonly time: number;
  readonly micros: number;
  /** The arguments, at most 32 (the last says how many more), each at most 128 bytes. */
  readonly args: readonly string[];
  readonly address: string;
  readonly name: string;
}

/** Redis's limits on what one entry keeps (SLOWLOG_ENTRY_MAX_ARGC, _MAX_STRING). */
const MAX_ARGS = 32;
const MAX_ARG_BYTES = 128;

/**
 * The slow log (Redis's `slowlog.c`): the newest `maxLen` commands that took
 * at least `threshold` microseconds, newest first. A threshold below 0
 * logs nothing, 0 logs every command.
 *
 * @example
 * ```ts
 * const slowlog = new SlowLog(10_000, 128);
 * slowlog.add(["KEYS", "*"], 25_000, client); // logged: 25 ms ≥ 10 ms
 * slowlog.entries[0].id; // 0
 * ```
 */
export class SlowLog {
  /** Microseconds a command must take to be logged (`slowlog-log-slower-than`). */
  threshold: number;
  #maxLen: number;
  /** Newest first. */
  entries: SlowLogEntry[] = [];
  #nextId = 0;

  constructor(threshold: number, maxLen: number) {
    this.threshold = threshold;
    this.#maxLen = maxLen;
  }

  /** How many entries are kept at most (`slowlog-max-len`). */
  get maxLen(): number {
    return this.#maxLen;
  }

  set maxLen(n: number) {
    this.#maxLen = n;
    if (this.entries.length > n) this.entries.length = n;
  }

  /** Logs a command that took `micros`, if that is slow enough. */
  add(args: readonly string[], micros: number, client: ClientState<unknown>): void {
    if (this.threshold < 0 || micros < this.threshold || this.#maxLen === 0) return;
    const kept: string[] = [];
    const count = Math.min(args.length, MAX_ARGS);
    for (let i = 0; i < count; i++) {
      if (i === MAX_ARGS - 1 && args.length > MAX_ARGS) {
        kept.push(`... (${args.length - MAX_ARGS + 1} more arguments)`);
      } else if (args[i].length > MAX_ARG_BYTES) {
        kept.push(
          `${args[i].slice(0, MAX_ARG_BYTES)}... (${args[i].length - MAX_ARG_BYTES} more bytes)`,
        );
      } else {
        kept.push(args[i]);
      }
    }
    this.entries.unshift({
      id: this.#nextId++,
      time: Math.floor(Date.now() / 1000),
      micros: Math.floor(micros),
      args: kept,
      address: client.address,
      name: client.name,
    });
    if (this.entries.length > this.#maxLen) this.entries.length = this.#maxLen;
  }

  /** Forgets every entry (SLOWLOG RESET); ids go on counting, as in Redis. */
  reset(): void {
    this.entries = [];
  }
}
