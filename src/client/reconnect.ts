import { errorMessage } from "../io/error_message.ts";
import type { ClientSettings, ReconnectOptions } from "./client_options.ts";
import { ConnectionLostError } from "./connection_lost_error.ts";
import { RespConnection } from "./resp_connection.ts";

/**
 * Opens a new connection after one was lost, under the bounded retry policy:
 * the first try at once, then waits growing from `policy.delay` to
 * `policy.maxDelay`, at most `policy.attempts` tries in all. Throws a
 * {@linkcode ConnectionLostError} with the last try's error as its cause when
 * every try failed, or as soon as `signal` aborts (the client was closed).
 * @internal
 *
 * @example
 * ```ts
 * const settings = clientSettings({ port: 4242 });
 * const connection = await reconnect(settings, { attempts: 3, delay: 50, maxDelay: 200 }, signal);
 * ```
 */
export async function reconnect(
  settings: ClientSettings,
  policy: Required<ReconnectOptions>,
  signal: AbortSignal,
): Promise<RespConnection> {
  let delay = policy.delay;
  let last: unknown = null;
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    if (attempt > 1) {
      await sleep(delay, signal);
      delay = Math.min(delay * 2, policy.maxDelay);
    }
    if (signal.aborted) throw new ConnectionLostError("The client was closed while reconnecting");
    try {
      return await RespConnection.open(settings, signal);
    } catch (error: unknown) {
      last = error;
    }
  }
  throw new ConnectionLostError(
    `Could not reconnect to walkv at ${settings.hostname}:${settings.port} in ${policy.attempts} ${
      policy.attempts === 1 ? "try" : "tries"
    }: ${errorMessage(last)}`,
    { cause: last },
  );
}

/** Waits `ms`, or less if `signal` aborts first. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}
