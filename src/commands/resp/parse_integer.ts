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

/** Redis's reply to an argument that should be an integer and is not. */
export const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
/** Redis's reply to options it cannot make sense of. */
export const SYNTAX_ERROR = "ERR syntax error";
