import type { RespWriter } from "../../protocol/resp_writer.ts";
import { absoluteExpiry, type ExpiryUnit, invalidExpireTime } from "./expiry.ts";
import { NOT_AN_INTEGER, parseInt64, parseInteger } from "./parse_integer.ts";

/**
 * Reads the time argument of SETEX, PSETEX or GETEX as an absolute expiry in
 * ms since the epoch, answering as Redis does when it cannot: `ERR value is
 * not an integer or out of range` for text that is no integer, and `ERR
 * invalid expire time in '<command>' command` for a time that is not
 * positive or does not fit. On failure the error is already written to
 * `reply` and the result is `null`, so callers just return.
 *
 * @example
 * ```ts
 * const at = readExpiry("10", "EX", db.now(), "SETEX", reply); // now + 10 000
 * if (at === null) return; // reply holds the error
 * ```
 */
export function readExpiry(
  text: string,
  unit: ExpiryUnit,
  now: number,
  command: string,
  reply: RespWriter,
): number | null {
  const amount = parseInteger(text);
  if (amount === null) {
    reply.error(parseInt64(text) !== null ? invalidExpireTime(command) : NOT_AN_INTEGER);
    return null;
  }
  const at = absoluteExpiry(unit, amount, now);
  if (at === null) reply.error(invalidExpireTime(command));
  return at;
}
