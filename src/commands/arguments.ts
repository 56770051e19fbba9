import type { Reply } from "./reply.ts";

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

/** C's `LLONG_MIN` and `LLONG_MAX`, the range of Redis's integers. */
export const INT64_MIN = -(2n ** 63n);
export const INT64_MAX = 2n ** 63n - 1n;

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

/**
 * Parses `text` as Redis reads an index or a count (`getLongFromObjectOrReply`:
 * the whole 64-bit signed range), as the nearest double: exact within ±2^53,
 * and beyond that only ever compared with a length, which the rounding
 * cannot change the outcome of. `null` for anything else, which callers
 * answer with {@linkcode NOT_AN_INTEGER}.
 *
 * @example
 * ```ts
 * parseLong("-1"); // -1
 * parseLong("9223372036854775807"); // 9223372036854775808, past any list's end
 * ```
 */
export function parseLong(text: string): number | null {
  const value = parseInt64(text);
  return value === null ? null : Number(value);
}

/** Whether `value` is within Redis's 64-bit signed integer range. */
export function isInt64(value: bigint): boolean {
  return value >= INT64_MIN && value <= INT64_MAX;
}

/** Redis's reply to an argument that should be an integer and is not. */
export const NOT_AN_INTEGER = "ERR value is not an integer or out of range";
/** Redis's reply to options it cannot make sense of. */
export const SYNTAX_ERROR = "ERR syntax error";

/** The units SET, SETEX, GETEX and the EXPIRE family take times in. */
export type ExpiryUnit = "EX" | "PX" | "EXAT" | "PXAT";

/**
 * The latest expiry walkv keeps: 2^53 - 1 ms after the epoch (the year
 * 287396), the last time a double holds exactly and the WAL's records can
 * spell. Redis takes times up to 2^63 - 1 ms; walkv takes them too, and
 * keeps any later than this as this, which expires no sooner in practice
 * (only PTTL and PEXPIRETIME can tell).
 */
export const LATEST_EXPIRY = Number.MAX_SAFE_INTEGER;

/**
 * Turns a time argument into an absolute expiry in ms since the epoch, by
 * Redis's rules (`getExpireMillisecondsOrReply`): relative units count from
 * `now`; a time that is not positive, or that is past 2^63 - 1 ms once in
 * milliseconds (and from now), is `null`, which callers answer with
 * {@linkcode invalidExpireTime}. A valid time past {@linkcode LATEST_EXPIRY}
 * comes back as that.
 *
 * @example
 * ```ts
 * absoluteExpiry("EX", 10n, 1_000); // 11_000
 * absoluteExpiry("PXAT", 5n, 1_000); // 5: already past; the key expires at once
 * absoluteExpiry("EXAT", 0n, 1_000); // null
 * ```
 */
export function absoluteExpiry(unit: ExpiryUnit, amount: bigint, now: number): number | null {
  if (amount <= 0n) return null;
  const inSeconds = unit === "EX" || unit === "EXAT";
  if (inSeconds && amount > INT64_MAX / 1000n) return null;
  let at = inSeconds ? amount * 1000n : amount;
  // Redis's sum would wrap around to a negative time, which it refuses.
  if (unit === "EX" || unit === "PX") at += BigInt(now);
  if (at > INT64_MAX) return null;
  return at > BigInt(LATEST_EXPIRY) ? LATEST_EXPIRY : Number(at);
}

/** Redis's reply to a bad time, e.g. `ERR invalid expire time in 'set' command`. */
export function invalidExpireTime(command: string): string {
  return `ERR invalid expire time in '${command.toLowerCase()}' command`;
}

/**
 * Reads the time argument of SETEX, PSETEX or GETEX as an absolute expiry in
 * ms since the epoch, answering as Redis does when it cannot: `ERR value is
 * not an integer or out of range` for text that is no 64-bit integer, and
 * `ERR invalid expire time in '<command>' command` for a time that is not
 * positive or does not fit (see {@linkcode absoluteExpiry}). On failure the error is already written to
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
  reply: Reply,
): number | null {
  const amount = parseInt64(text);
  if (amount === null) {
    reply.error(NOT_AN_INTEGER);
    return null;
  }
  const at = absoluteExpiry(unit, amount, now);
  if (at === null) reply.error(invalidExpireTime(command));
  return at;
}

/**
 * Whether `name` may be a connection name (CLIENT SETNAME, HELLO SETNAME):
 * Redis allows only printable ASCII without spaces, bytes 33 to 126, so a
 * name never breaks the space-separated lines of CLIENT LIST/INFO. The
 * empty name is allowed: it clears the name.
 *
 * @example
 * ```ts
 * isValidClientName("worker-1"); // true
 * isValidClientName("a b");      // false
 * ```
 */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/** Redis's reply to a connection name {@linkcode isValidClientName} refuses. */
export const INVALID_CLIENT_NAME =
  "ERR Client names cannot contain spaces, newlines or special characters.";

/** Redis's reply to a wrong user name or password. */
export const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

/**
 * Whether `user` may log in with `password`. The only user is `default`,
 * which takes any password while none is required (Redis's `nopass`).
 * The comparison takes the same time wherever the strings differ, so the
 * reply's timing does not reveal how much of a guess was right.
 */
export function passwordMatches(required: string | null, user: string, password: string): boolean {
  if (user !== "default") return false;
  if (required === null) return true;
  let difference = required.length ^ password.length;
  const length = Math.max(required.length, password.length);
  for (let i = 0; i < length; i++) {
    difference |= (required.charCodeAt(i) | 0) ^ (password.charCodeAt(i) | 0);
  }
  return difference === 0;
}

/**
 * The error for `AUTH password` (the one-argument form, for the `default`
 * user), or `null` when the password is right. Redis refuses that form
 * outright when no password is set.
 */
export function checkPassword(required: string | null, password: string): string | null {
  if (required === null) {
    return "ERR AUTH <password> called without any password configured for the default user. " +
      "Are you sure your configuration is correct?";
  }
  return passwordMatches(required, "default", password) ? null : WRONGPASS;
}

/** The largest cursor Redis accepts (an unsigned 64-bit integer). */
const MAX_CURSOR = 2n ** 64n - 1n;

/**
 * A scan cursor as Redis reads it (`strtoul`): decimal digits with an
 * optional sign, a negative one wrapping around 2^64, nothing else (no
 * spaces); `null` for text that is none, or past 2^64 - 1.
 */
export function parseCursor(text: string): number | null {
  const match = /^([+-]?)([0-9]+)$/.exec(text);
  if (match === null) return null;
  const magnitude = BigInt(match[2]);
  if (magnitude > MAX_CURSOR) return null;
  return Number(match[1] === "-" && magnitude !== 0n ? 2n ** 64n - magnitude : magnitude);
}

/** Redis's reply to a number outside what a command accepts. */
export const OUT_OF_RANGE = "ERR value is out of range";

/**
 * The most picks a negative count (picks that may repeat) may ask for.
 * Redis has no bound but memory; a client asking for billions gets
 * {@linkcode OUT_OF_RANGE} here instead of an answer that cannot fit.
 */
export const MAX_REPEATED_PICKS = 2 ** 31;

/**
 * A count as Redis reads HRANDFIELD's, SRANDMEMBER's and ZRANDMEMBER's
 * (`getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`): an integer, or
 * the error to answer: {@linkcode NOT_AN_INTEGER}; Redis's range error for
 * -2^63, the one integer outside ±LONG_MAX; or {@linkcode OUT_OF_RANGE} for
 * other negative counts past {@linkcode MAX_REPEATED_PICKS}. A count past
 * 2^53 comes back as the nearest double, which only ever means "all of them".
 */
export function parseCount(text: string): number | { error: string } {
  const value = parseInt64(text);
  if (value === null) return { error: NOT_AN_INTEGER };
  if (value === INT64_MIN) return { error: COUNT_OUT_OF_RANGE };
  if (value < -BigInt(MAX_REPEATED_PICKS)) return { error: OUT_OF_RANGE };
  return Number(value);
}

/** `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`'s reply to -2^63. */
const COUNT_OUT_OF_RANGE =
  "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807";

/** Redis's reply to a count below 0 where only 0 and up make sense (SPOP, LPOP, ZPOPMIN). */
export const OUT_OF_RANGE_POSITIVE = "ERR value is out of range, must be positive";

/** What LMPOP, BLMPOP, ZMPOP and BZMPOP name after their timeout, if any. */
export interface MultiPop {
  keys: string[];
  /** Which of the two end words was given: 0 for the first (LEFT, MIN), 1 for the second. */
  where: 0 | 1;
  count: number;
}

/**
 * Reads `numkeys key [key ...] <end> [COUNT count]` from `args[at]` on, as
 * LMPOP and ZMPOP (and their blocking forms) do, `<end>` one of `words`
 * in any case; else Redis's error for the first thing wrong.
 *
 * @example
 * ```ts
 * parseMultiPop(["LMPOP", "2", "a", "b", "LEFT", "COUNT", "3"], 1, ["LEFT", "RIGHT"]);
 * // { keys: ["a", "b"], where: 0, count: 3 }
 * ```
 */
export function parseMultiPop(
  args: string[],
  at: number,
  words: readonly [string, string],
): MultiPop | { error: string } {
  const numkeys = parseInt64(args[at]);
  if (numkeys === null || numkeys < 1n) return { error: "ERR numkeys should be greater than 0" };
  if (numkeys + BigInt(at) + 1n >= BigInt(args.length)) return { error: SYNTAX_ERROR };
  const whereAt = Number(numkeys) + at + 1;
  const where = words.indexOf(args[whereAt].toUpperCase());
  if (where === -1) return { error: SYNTAX_ERROR };
  let count = -1;
  for (let i = whereAt + 1; i < args.length; i++) {
    if (count !== -1 || args[i].toUpperCase() !== "COUNT" || i + 1 >= args.length) {
      return { error: SYNTAX_ERROR };
    }
    const parsed = parseInt64(args[++i]);
    if (parsed === null || parsed < 1n) return { error: "ERR count should be greater than 0" };
    count = Number(parsed);
  }
  return {
    keys: args.slice(at + 1, whereAt),
    where: where as 0 | 1,
    count: count === -1 ? 1 : count,
  };
}

/** Keys or members one SCAN-like call looks at when the client names no COUNT, as in Redis. */
const DEFAULT_SCAN_COUNT = 10;

/** SCAN's and H/S/ZSCAN's options: what to match, how many to look at, and (SCAN only) a type. */
export interface ScanOptions {
  /** A glob, or `null` for everything (`MATCH *` too). */
  pattern: string | null;
  count: number;
  /** SCAN's TYPE, in lower case; `null` when not given. */
  type: string | null;
}

/**
 * Reads `[MATCH pattern] [COUNT count] [TYPE type]` from `args[from]` on, in
 * pairs, as Redis's `scanGenericCommand` does (TYPE only when `withType`:
 * SCAN itself); else Redis's error.
 *
 * @example
 * ```ts
 * parseScanOptions(["SCAN", "0", "COUNT", "100"], 2, true); // { pattern: null, count: 100, type: null }
 * ```
 */
export function parseScanOptions(
  args: string[],
  from: number,
  withType: boolean,
): ScanOptions | { error: string } {
  const options: ScanOptions = { pattern: null, count: DEFAULT_SCAN_COUNT, type: null };
  for (let i = from; i < args.length; i += 2) {
    const option = args[i].toUpperCase();
    if (i + 1 >= args.length) return { error: SYNTAX_ERROR };
    if (option === "COUNT") {
      const parsed = parseInteger(args[i + 1]);
      if (parsed === null) return { error: NOT_AN_INTEGER };
      if (parsed < 1) return { error: SYNTAX_ERROR };
      options.count = parsed;
    } else if (option === "MATCH") {
      options.pattern = args[i + 1] === "*" ? null : args[i + 1];
    } else if (option === "TYPE" && withType) {
      options.type = args[i + 1].toLowerCase();
    } else {
      return { error: SYNTAX_ERROR };
    }
  }
  return options;
}
