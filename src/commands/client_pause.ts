/**
 * CLIENT PAUSE's state (Redis's `client_pause_type` and end time): until
 * the end, every command (`all`) or every command that writes (`write`)
 * waits before it runs. A second pause keeps the later end and the stricter
 * mode, as Redis's `pauseClients` does; CLIENT UNPAUSE ends it at once.
 *
 * @example
 * ```ts
 * const pause = new ClientPause();
 * pause.pause(performance.now() + 100, "write");
 * if (pause.holds(true)) await pause.ended(); // a write waits about 100 ms
 * ```
 */
export class ClientPause {
  /** `null` while nothing is paused. */
  #mode: "all" | "write" | null = null;
  /** When the pause ends, as `performance.now()`. */
  #end = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #ended: PromiseWithResolvers<void> | null = null;

  /** The mode in force, or `null`. */
  get mode(): "all" | "write" | null {
    return this.#mode;
  }

  /** Pauses until `end` (a `performance.now()` time), or later if a pause already runs longer. */
  pause(end: number, mode: "all" | "write"): void {
    if (this.#mode !== "all") this.#mode = mode;
    if (end <= this.#end) return;
    this.#end = end;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.unpause(), Math.max(0, end - performance.now()));
  }

  /** Ends the pause; the commands waiting run, in the order they arrived. */
  unpause(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#mode = null;
    this.#end = 0;
    const ended = this.#ended;
    this.#ended = null;
    ended?.resolve();
  }

  /** Whether a command must wait now; `writes` says it writes (or may be replicated). */
  holds(writes: boolean): boolean {
    return this.#mode === "all" || (this.#mode === "write" && writes);
  }

  /** Settles when the pause ends. */
  ended(): Promise<void> {
    this.#ended ??= Promise.withResolvers();
    return this.#ended.promise;
  }
}
