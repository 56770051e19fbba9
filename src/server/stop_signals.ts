import { log } from "./log.ts";
import type { Shutdown } from "./shutdown.ts";

/**
 * A stop signal arriving this soon after the first one is the same request.
 * One Ctrl-C under `deno task start` reaches walkv two or three times within
 * a few milliseconds: the terminal signals the whole foreground process group
 * (`deno task` and walkv), and `deno task` forwards its copy to its child.
 * A person pressing Ctrl-C again to insist takes far longer than this.
 */
export const SAME_SIGNAL_MS = 500;

/** The signals that ask walkv to stop. */
const STOP_SIGNALS = ["SIGINT", "SIGTERM"] as const;

/** Options for {@linkcode StopSignals}. */
export interface StopSignalsOptions {
  /** Called for a deliberate second signal; default `Deno.exit(1)`. */
  force?: () => void;
  /** The clock, in ms; default `performance.now`. */
  now?: () => number;
}

/**
 * SIGINT and SIGTERM as walkv's operator means them: the first asks for a
 * clean shutdown ({@linkcode Shutdown.request}); copies of it arriving within
 * {@linkcode SAME_SIGNAL_MS} are ignored; a signal after that means "stop
 * now" and exits at once with code 1.
 *
 * @example
 * ```ts
 * using _signals = new StopSignals(shutdown);
 * await server.finished;
 * ```
 */
export class StopSignals implements Disposable {
  readonly #shutdown: Shutdown;
  readonly #force: () => void;
  readonly #now: () => number;
  readonly #handlers: (readonly [Deno.Signal, () => void])[];
  /** When the first signal came, or `null` before it. */
  #first: number | null = null;

  constructor(shutdown: Shutdown, options: StopSignalsOptions = {}) {
    this.#shutdown = shutdown;
    this.#force = options.force ?? (() => Deno.exit(1));
    this.#now = options.now ?? (() => performance.now());
    this.#handlers = STOP_SIGNALS.map((signal) => [signal, () => this.receive(signal)] as const);
    for (const [signal, handler] of this.#handlers) Deno.addSignalListener(signal, handler);
  }

  /** Handles one stop signal (the listeners call this; tests may too). */
  receive(signal: Deno.Signal): void {
    const now = this.#now();
    if (this.#first === null) {
      this.#first = now;
      log.info(`${signal} received: finishing commands in hand, then exiting`);
      this.#shutdown.request();
      return;
    }
    const since = now - this.#first;
    if (since < SAME_SIGNAL_MS) return; // the same Ctrl-C, delivered again
    log.warn(`second ${signal}, ${Math.round(since)} ms after the first: exiting now`);
    this.#force();
  }

  /** Removes the signal listeners. */
  [Symbol.dispose](): void {
    for (const [signal, handler] of this.#handlers) Deno.removeSignalListener(signal, handler);
  }
}
