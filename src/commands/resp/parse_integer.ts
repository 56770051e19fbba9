/**
 * Parses a request argument as Redis parses integers: optional `-`, decimal
 * digits, no leading zeros or spaces or `+`, within the 64-bit signed range
 * (checked here against the range a double holds exactly, ±2^53, since
 * values are JavaScript numbers). Returns `null` for anything else, which
 * callers answer with {@linkcode NOT_AN_INTEGER}.
 *
 * @example
 * ```ts
 * parseInteger("42");  // 42
 * parseInteger("-7");  // -7
 * parseInteger("007"); // null
 * parseInteger("1e3"); // null
 * ```
 */
export function parseInteger(text: string): number | null {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(text)) return null;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : null;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses `text` as Redis's full 64-bit signed range, for the counters that
 * must go past what {@linkcode parseInteger} gives (INCR on a value above
 * 2^53). Returns `null` for anything that is not such an integer.
 *
 * @example
 * ```ts
 * parseInt64("9223372036854775807"); // 9223372036854775807n
 * parseInt64("9223372036854775808"); // null
 * ```
 */
export function parseInt64(text: string): bigint | null {
  if (!/^(0|-?[1-9][0-9]{0,18})$/.test(text)) return null;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX ? value : null;
}

/** Whether `value` is within Redis's 64-bit signed integer range. */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** Redis's reply to an argument that should be an integer and is not. */
export const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
/** Redis's reply to options it cannot make sense of. */
export const SYNTAX_ERROR = "ERR syntax error";
