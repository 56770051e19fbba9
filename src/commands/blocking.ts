import type { Waiter } from "../db/db.ts";
import type { Context } from "./command_spec.ts";

/** Redis's replies to a blocking command's bad timeout. */
const NOT_A_TIMEOUT = "ERR timeout is not a float or out of range";
const NEGATIVE_TIMEOUT = "ERR timeout is negative";
/** Float text as `strtold` reads it (hexadecimal and infinities aside). */
const FLOAT_TEXT = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
/** Beyond this many ms (about 285,000 years) a timeout cannot be a date. */
const MAX_TIMEOUT_MS = Number.MAX_SAFE_INTEGER - Date.now();

/**
 * A blocking command's timeout in seconds (fractions allowed, `0` for
 * forever) as milliseconds, or the error Redis answers: not a float, or
 * negative.
 *
 * @example
 * ```ts
 * parseTimeout("0.25"); // 250
 * parseTimeout("-1"); // { error: "ERR timeout is negative" }
 * ```
 */
export function parseTimeout(text: string): number | { error: string } {
  if (!FLOAT_TEXT.test(text)) return { error: NOT_A_TIMEOUT };
  const ms = Math.trunc(Number(text) * 1000);
  if (ms < 0) return { error: NEGATIVE_TIMEOUT };
  if (ms > MAX_TIMEOUT_MS) return { error: "ERR timeout is out of range" };
  return ms;
}

/**
 * Blocks the client on `keys` of its database until `attempt` can serve
 * it, `timeoutMs` passes (0: never), or it goes away; resolves then.
 *
 * `attempt` runs each time a change to one of the keys lets blocked clients
 * be served (`Databases.serveBlocked`), in the order they blocked: it writes
 * the command's reply and makes its change (committed on the spot, as its own
 * record) and returns true, or returns false to keep waiting. On timeout
 * `timedOut` writes the reply. A client that disconnects is taken off every
 * key, unanswered. Nothing here knows a command: BLPOP, BLMOVE, BZPOPMIN, …
 * each bring their own `attempt`.
 *
 * @example
 * ```ts
 * if (popped) return;
 * return blockOn(context, keys, timeoutMs, () => tryPop(), () => reply.nullArray());
 * ```
 */
export function blockOn(
  context: Context,
  keys: readonly string[],
  timeoutMs: number,
  attempt: () => boolean,
  timedOut: () => void,
): Promise<void> {
  const { db, client } = context;
  const { promise, resolve } = Promise.withResolvers<void>();
  let timer: ReturnType<typeof setTimeout> | null = null;
  const waiter: Waiter = {
    retry() {
      let served: boolean;
      try {
        served = attempt();
      } catch {
        served = false; // the key is of another type now: keep waiting, as Redis does
      }
      if (served) finish();
      return served;
    },
  };
  const finish = () => {
    if (timer !== null) clearTimeout(timer);
    for (const key of keys) db.unblock(key, waiter);
    client.blocked = null;
    resolve();
  };
  for (const key of new Set(keys)) db.block(key, waiter);
  if (timeoutMs > 0) {
    timer = setTimeout(() => {
      timedOut();
      finish();
    }, timeoutMs);
  }
  client.blocked = { cancel: finish };
  return promise;
}
