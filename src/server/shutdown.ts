/**
 * The signal to stop, passed down from `main` to the listener and every
 * connection instead of living in a global. Each part checks `requested`
 * between units of work, or awaits `requestedPromise`, and finishes what it
 * holds before letting go.
 *
 * @example
 * ```ts
 * const shutdown = new Shutdown();
 * Deno.addSignalListener("SIGTERM", () => shutdown.request());
 * await shutdown.requestedPromise;
 * ```
 */
export class Shutdown {
  #requested = false;
  readonly #signal = Promise.withResolvers<void>();

  /** Whether a stop has been asked for. */
  get requested(): boolean {
    return this.#requested;
  }

  /** Resolves when a stop is asked for. */
  get requestedPromise(): Promise<void> {
    return this.#signal.promise;
  }

  /** Asks everything to stop; later calls do nothing. */
  request(): void {
    this.#requested = true;
    this.#signal.resolve();
  }
}
