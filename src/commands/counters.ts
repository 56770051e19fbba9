import { isInt64, NOT_AN_INTEGER, parseInt64, parseInteger } from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";
import { addLongDoubles, formatLongDouble, parseLongDouble } from "./long_double.ts";

/** Redis's reply when a counter would leave the integer range. */
const OVERFLOW = "ERR increment or decrement would overflow";

/**
 * INCR, DECR, INCRBY and DECRBY are one operation: read the value as an
 * integer (a missing key counts as 0), add a step, store the result as
 * decimal text keeping the key's expiry, and reply with it. They differ in
 * where the step comes from (1, or the argument) and its sign.
 *
 * Counters have Redis's 64-bit signed range. Numbers do the arithmetic
 * while everything fits in ±(2^53 - 1), the common case; past that, BigInt.
 * A stored value or step outside the range is `ERR value is not an integer
 * or out of range`, a result outside it `ERR increment or decrement would
 * overflow`.
 */
function incrementCommand(
  name: "INCR" | "DECR" | "INCRBY" | "DECRBY",
  sign: 1 | -1,
): Run {
  const byArgument = name.endsWith("BY");
  return (args, { db, reply }) => {
    const key = args[1];
    const old = db.get(key);
    const expiresAt = old === undefined ? 0 : db.expiresAt(key);
    const amount = byArgument ? parseInteger(args[2]) : 1;
    const current = old === undefined ? 0 : parseInteger(old);
    if (amount !== null && current !== null) {
      // Both are safe integers, so the sum is exact whenever it is safe itself.
      const result = current + sign * amount;
      if (Number.isSafeInteger(result)) {
        db.set(key, String(result), expiresAt);
        return reply.integer(result);
      }
    }
    const bigAmount = byArgument ? parseInt64(args[2]) : 1n;
    const bigCurrent = old === undefined ? 0n : parseInt64(old);
    if (bigAmount === null || bigCurrent === null) return reply.error(NOT_AN_INTEGER);
    // Redis cannot negate the smallest 64-bit integer, and says so.
    if (sign === -1 && bigAmount === -(2n ** 63n)) {
      return reply.error("ERR decrement would overflow");
    }
    const result = bigCurrent + BigInt(sign) * bigAmount;
    if (!isInt64(result)) return reply.error(OVERFLOW);
    db.set(key, String(result), expiresAt);
    reply.integer(result);
  };
}

/**
 * `INCR key` → the value plus one; a missing key starts from 0. The expiry
 * is kept.
 *
 * @example
 * ```ts
 * incr(["INCR", "visits"], context); // ":1\r\n" the first time
 * ```
 */
export const incr: Run = incrementCommand("INCR", 1);

/**
 * `DECR key` → the value minus one; a missing key starts from 0.
 *
 * @example
 * ```ts
 * decr(["DECR", "stock"], context); // ":9\r\n" when stock was "10"
 * ```
 */
export const decr: Run = incrementCommand("DECR", -1);

/**
 * `INCRBY key increment` → the value plus `increment` (which may be
 * negative).
 *
 * @example
 * ```ts
 * incrby(["INCRBY", "score", "5"], context); // ":15\r\n" when score was "10"
 * ```
 */
export const incrby: Run = incrementCommand("INCRBY", 1);

/**
 * `DECRBY key decrement` → the value minus `decrement`.
 *
 * @example
 * ```ts
 * decrby(["DECRBY", "score", "5"], context); // ":5\r\n" when score was "10"
 * ```
 */
export const decrby: Run = incrementCommand("DECRBY", -1);

/** A decimal number held exactly: `coefficient × 10^-scale`. */
interface Decimal {
  coefficient: bigint;
  scale: number;
}

/** Decimal text as C's `strtold` reads it (hexadecimal forms aside). */
const DECIMAL_TEXT = /^([+-]?)(?:([0-9]+)(?:\.([0-9]*))?|\.([0-9]+))(?:[eE]([+-]?[0-9]+))?$/;
/** The infinities `strtold` reads; any sum with one is refused. */
const INFINITE_TEXT = /^[+-]?inf(inity)?$/i;
/** Redis reads no float longer than this (`MAX_LONG_DOUBLE_CHARS`). */
const MAX_FLOAT_CHARS = 5 * 1024;
/** The largest `long double` (x87 80-bit), to 21 digits; beyond it is infinity. */
const LONG_DOUBLE_MAX: Decimal = { coefficient: 118973149535723176502n, scale: -4912 };
/** Its decimal exponent: only numbers this large need the exact comparison. */
const MAX_ORDER = 4932;
/** The decimal exponent of the smallest non-zero `long double`; below it is 0. */
const MIN_ORDER = -4951;

const NOT_A_FLOAT = "ERR value is not a valid float";
const NOT_FINITE = "ERR increment would produce NaN or Infinity";

/** The decimal exponent of non-zero `value`'s leading digit: 2 for 123.4. */
function order({ coefficient, scale }: Decimal): number {
  return (coefficient < 0n ? -coefficient : coefficient).toString().length - 1 - scale;
}

/**
 * Reads `text` as Redis reads a float argument: `"infinite"` for an infinity,
 * `null` for anything that is not a number or is beyond `long double`'s
 * range (as `strtold` reports ERANGE).
 */
function parseDecimal(text: string): Decimal | "infinite" | null {
  if (text.length > MAX_FLOAT_CHARS) return null;
  const match = DECIMAL_TEXT.exec(text);
  if (match === null) return INFINITE_TEXT.test(text) ? "infinite" : null;
  const [, sign, whole = "", fraction = "", onlyFraction = "", exponent = "0"] = match;
  const digits = (whole + (fraction || onlyFraction)).replace(/^0+/, "");
  if (digits === "") return { coefficient: 0n, scale: 0 };
  const value = {
    coefficient: BigInt(sign + digits),
    scale: (fraction || onlyFraction).length - Number(exponent),
  };
  return order(value) < MIN_ORDER || tooLarge(value) ? null : value;
}

/** Whether `value` is beyond the largest `long double`, either side of 0. */
function tooLarge(value: Decimal): boolean {
  const exponent = order(value);
  if (exponent !== MAX_ORDER) return exponent > MAX_ORDER;
  const magnitude = value.coefficient < 0n ? { ...value, coefficient: -value.coefficient } : value;
  const excess = add(magnitude, { ...LONG_DOUBLE_MAX, coefficient: -LONG_DOUBLE_MAX.coefficient });
  return excess.coefficient > 0n;
}

/** `a + b`, exactly. */
function add(a: Decimal, b: Decimal): Decimal {
  if (a.scale < b.scale) [a, b] = [b, a];
  const coefficient = a.coefficient + b.coefficient * 10n ** BigInt(a.scale - b.scale);
  return { coefficient, scale: a.scale };
}

/**
 * `INCRBYFLOAT key increment` → the new value as a bulk string; a missing
 * key starts from 0 and the expiry is kept. Text that is no number is
 * `ERR value is not a valid float`; an infinite result is `ERR increment
 * would produce NaN or Infinity`.
 *
 * Redis adds in x87 `long double` and prints 17 digits after the point, so
 * `0.1 + 0.2` is `0.3` there but `5.6 + 1000` is `1005.59999999999999998`.
 * The sum is done in an exact emulation of that type (`long_double.ts`),
 * so the answers are Redis's, noise included.
 *
 * @example
 * ```ts
 * incrbyfloat(["INCRBYFLOAT", "price", "0.1"], context); // "$4\r\n10.6\r\n" from "10.50"
 * ```
 */
export function incrbyfloat(args: string[], { db, reply }: Context): void {
  const key = args[1];
  const old = db.get(key);
  const sum = floatSum(old, args[2]);
  if (sum === "not a float" || sum === "bad increment") return reply.error(NOT_A_FLOAT);
  if (sum === "not finite") return reply.error(NOT_FINITE);
  db.set(key, sum, old === undefined ? 0 : db.expiresAt(key));
  reply.bulk(sum);
}

/**
 * `current` (absent: 0) plus `increment`, both float text, as INCRBYFLOAT
 * and HINCRBYFLOAT print the sum; else what is wrong: `current` or
 * `increment` is no float, or the sum (or an operand) is infinite.
 *
 * @example
 * ```ts
 * floatSum("10.50", "0.1"); // "10.6"
 * floatSum("abc", "1"); // "not a float"
 * ```
 */
export function floatSum(
  current: string | undefined,
  increment: string,
): string | "not a float" | "bad increment" | "not finite" {
  const value = current === undefined ? { coefficient: 0n, scale: 0 } : parseDecimal(current);
  if (value === null) return "not a float";
  const step = parseDecimal(increment);
  if (step === null) return "bad increment";
  if (value === "infinite" || step === "infinite") return "not finite";
  const a = parseLongDouble(value.coefficient, value.scale);
  const b = parseLongDouble(step.coefficient, step.scale);
  if (a === null) return "not a float";
  if (b === null) return "bad increment";
  const sum = addLongDoubles(a, b);
  return sum === null ? "not finite" : formatLongDouble(sum);
}
