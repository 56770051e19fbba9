/**
 * Redis 7.0's number texts for sorted sets and floats: how a score reads
 * (`string2d` in `util.c`, `zslParseRange` and `zslParseLexRangeItem` in
 * `t_zset.c`) and how a double is written back (`addReplyDouble` in
 * `networking.c`, `ld2string` in `util.c`). Redis leans on C's `strtod`
 * and `printf` for these, so the rules below are glibc's, spelled out.
 *
 * @module
 */

/** Redis's reply to a score or increment that is not a number. */
export const NOT_A_FLOAT = "ERR value is not a valid float";
/** Redis's reply to a ZRANGEBYSCORE-style bound that is not a number. */
export const MIN_MAX_NOT_FLOAT = "ERR min or max is not a float";
/** Redis's reply to a ZRANGEBYLEX-style bound that is not `-`, `+`, `[…` or `(…`. */
export const MIN_MAX_NOT_LEX = "ERR min or max not valid string range item";

/** Significant digits of `%.17g`: enough that every double reads back as itself. */
const PRECISION = 17;
/**
 * A double is a tie halfway between two 17-digit decimals only when its
 * exact value has 18 significant digits. A non-integer `m / 2^e` (m odd)
 * has `m · 5^e` as its digits, which is below 10^18 only for e ≤ 25.
 */
const TIE_FRACTION_BITS = 25;

/**
 * The longest prefix C's `strtod` reads, from the string's start: optional
 * C-locale white space, a sign, then an infinity, a NaN (with glibc's
 * optional `(chars)`), a hexadecimal float (`0x1.8p3`; the binary exponent
 * is optional) or a decimal. Alternatives are tried in order, so `0x` with
 * no hex digit falls through to the decimal `0`, as in glibc.
 */
const STRTOD_PREFIX =
  /^[\t\n\v\f\r ]*([+-]?)(?:(inf(?:inity)?)|(nan)(?:\([0-9a-z_]*\))?|0x([0-9a-f]+\.?[0-9a-f]*|\.[0-9a-f]+)(?:p([+-]?[0-9]+))?|((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:e[+-]?[0-9]+)?))/i;
/** What C's `isspace` is true of in the C locale. */
const C_SPACE = /^[\t\n\v\f\r ]/;

/** What `strtod` made of a string's prefix. */
interface StrtodResult {
  value: number;
  /** How many characters it read: 0 when it found no number at all. */
  end: number;
  /** Whether it set `errno` to ERANGE with an infinite or zero result. */
  outOfRange: boolean;
}

/**
 * Formats `d` exactly as Redis 7.0 replies with a double (ZSCORE, ZINCRBY,
 * ZADD INCR, WITHSCORES in RESP2): `inf` and `-inf` for the infinities,
 * otherwise C's `%.17g`. That is 17 significant digits, rounded from the
 * double's exact binary value with ties to even (glibc's rounding), in
 * plain notation when the decimal exponent is from -4 to 16 and as
 * `d.ddde±XX` (at least two exponent digits) otherwise, with trailing
 * zeros dropped. Redis 7.2 changed to the shortest round-trip text; 7.0
 * did not, so 1.1 is `1.1000000000000001`. NaN, which no score can be,
 * gives `nan`.
 *
 * JavaScript's `toExponential(16)` gives the same 17 digits except at an
 * exact tie, where it rounds up rather than to even; ties are rare (the
 * double must have at most 25 fraction bits and 18 significant digits, as
 * 1000000000000000.25 does) and are checked for and corrected.
 *
 * @example
 * ```ts
 * formatDouble(1.1); // "1.1000000000000001"
 * formatDouble(1e20); // "1e+20"
 * formatDouble(1e-5); // "1.0000000000000001e-05"
 * formatDouble(-0); // "-0"
 * formatDouble(Infinity); // "inf"
 * ```
 */
export function formatDouble(d: number): string {
  if (d === 0) return Object.is(d, -0) ? "-0" : "0";
  // Up to 2^53 an integer has at most 16 digits, which %.17g prints in full.
  if (Number.isSafeInteger(d)) return String(d);
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  const magnitude = Math.abs(d);
  const text = magnitude.toExponential(PRECISION - 1); // "d.dddddddddddddddde±X"
  let digits = text[0] + text.slice(2, PRECISION + 1);
  const exponent = Number(text.slice(PRECISION + 2));
  if (roundedUpFromEvenTie(magnitude, digits)) {
    // At a tie the even neighbour is one below, and as the last digit was odd, no borrow.
    digits = digits.slice(0, -1) + String(Number(digits[PRECISION - 1]) - 1);
  }
  return (d < 0 ? "-" : "") + shortestG(digits, exponent);
}

/**
 * Whether positive `magnitude` lies exactly halfway between two 17-digit
 * decimals and `digits` (JavaScript's, which round such a tie up) is the
 * odd one of them, so that C's round-half-even would pick the one below.
 */
function roundedUpFromEvenTie(magnitude: number, digits: string): boolean {
  if (Number(digits[PRECISION - 1]) % 2 === 0) return false;
  const scaled = magnitude * 2 ** TIE_FRACTION_BITS; // exact: a power of two
  if (!Number.isInteger(scaled) || Number.isInteger(magnitude)) return false;
  // The 18th digit of a tie is a 5, so a cheap look at 18 digits rules out most cases.
  const eighteen = magnitude.toExponential(PRECISION);
  if (eighteen[PRECISION + 1] !== "5") return false;
  // magnitude × 10^25 is an integer: its digits, trailing zeros aside, are the exact value's.
  const exact = (BigInt(scaled) * 5n ** BigInt(TIE_FRACTION_BITS)).toString().replace(/0+$/, "");
  return exact.length === PRECISION + 1;
}

/** `%.17g` from its 17 significant digits and decimal exponent. */
function shortestG(digits: string, exponent: number): string {
  const significant = digits.replace(/0+$/, "");
  if (exponent < -4 || exponent >= PRECISION) {
    const fraction = significant.slice(1);
    const sign = exponent < 0 ? "-" : "+";
    const power = String(Math.abs(exponent)).padStart(2, "0");
    return significant[0] + (fraction === "" ? "" : "." + fraction) + "e" + sign + power;
  }
  if (exponent < 0) return "0." + "0".repeat(-exponent - 1) + significant;
  const whole = digits.slice(0, exponent + 1);
  const fraction = significant.slice(exponent + 1);
  return fraction === "" ? whole : whole + "." + fraction;
}

/**
 * Reads a score or float argument as Redis 7.0's `string2d` does (ZADD,
 * ZINCRBY, ZADD INCR, …): all of `text` must be what C's `strtod` reads,
 * with no white space first (strtod would skip it; Redis refuses it) and
 * nothing after. So decimals (`1`, `-2.5`, `.5`, `5.`, `+5`, `1e3`),
 * hexadecimal floats (`0x10`, `0x1.8p1`) and the infinities (`inf`,
 * `-Infinity`, any case) are numbers; NaN, the empty string, and text too
 * large for a double (`1e400`) or so small it would round to 0 (`1e-400`)
 * are `null`, which callers answer with {@linkcode NOT_A_FLOAT}. Text that
 * rounds to a subnormal (`1e-320`) is accepted, as in Redis.
 *
 * @example
 * ```ts
 * parseScore("1.5"); // 1.5
 * parseScore("-inf"); // -Infinity
 * parseScore("0x10"); // 16
 * parseScore(" 1"); // null
 * parseScore("nan"); // null
 * ```
 */
export function parseScore(text: string): number | null {
  if (text.length === 0 || C_SPACE.test(text)) return null;
  const { value, end, outOfRange } = strtod(text);
  if (end !== text.length || outOfRange || Number.isNaN(value)) return null;
  return value;
}

/**
 * Reads a ZRANGEBYSCORE-style bound (ZCOUNT, ZRANGE BYSCORE,
 * ZREMRANGEBYSCORE, …) as Redis 7.0's `zslParseRange` does: a leading `(`
 * makes it exclusive, and the rest goes to C's `strtod`, which must read
 * up to the end of the C string (the first NUL byte). That is laxer than
 * {@linkcode parseScore}, faithfully: white space before the number is
 * skipped (`" 5"`), an empty rest is 0 (`""`, and `(` alone is an
 * exclusive 0), anything after a NUL is ignored, and out-of-range text is
 * what strtod returns for it (`1e400` is infinity, `1e-400` is 0). Only
 * NaN and trailing text are `null`, answered with
 * {@linkcode MIN_MAX_NOT_FLOAT}. `(inf` is an exclusive infinity.
 *
 * @example
 * ```ts
 * parseScoreBound("(1.5"); // { value: 1.5, exclusive: true }
 * parseScoreBound("-inf"); // { value: -Infinity, exclusive: false }
 * parseScoreBound("("); // { value: 0, exclusive: true }
 * parseScoreBound("5x"); // null
 * ```
 */
export function parseScoreBound(text: string): { value: number; exclusive: boolean } | null {
  const exclusive = text[0] === "(";
  let rest = exclusive ? text.slice(1) : text;
  const nul = rest.indexOf("\0");
  if (nul !== -1) rest = rest.slice(0, nul);
  const { value, end } = strtod(rest);
  if (end !== rest.length || Number.isNaN(value)) return null;
  return { value, exclusive };
}

/**
 * Reads a ZRANGEBYLEX-style bound (ZLEXCOUNT, ZRANGE BYLEX,
 * ZREMRANGEBYLEX) as Redis 7.0's `zslParseLexRangeItem` does: `-` and `+`
 * are the ends of the ordering, `[member` is inclusive and `(member`
 * exclusive (the member may be empty). Anything else is `null`, answered
 * with {@linkcode MIN_MAX_NOT_LEX}. Redis checks that nothing follows `-`
 * or `+` by looking for the C string's NUL, so `"+\0junk"` is `+`; that is
 * kept.
 *
 * @example
 * ```ts
 * parseLexBound("[a"); // { value: "a", exclusive: false }
 * parseLexBound("(a"); // { value: "a", exclusive: true }
 * parseLexBound("-"); // { kind: "-" }
 * parseLexBound("a"); // null
 * ```
 */
export function parseLexBound(
  text: string,
): { kind: "-" } | { kind: "+" } | { value: string; exclusive: boolean } | null {
  switch (text[0]) {
    case "-":
      return text.length === 1 || text[1] === "\0" ? { kind: "-" } : null;
    case "+":
      return text.length === 1 || text[1] === "\0" ? { kind: "+" } : null;
    case "(":
      return { value: text.slice(1), exclusive: true };
    case "[":
      return { value: text.slice(1), exclusive: false };
    default:
      return null;
  }
}

/** `value / 2^shift` (shift > 0) rounded to an integer, halves to even, as printf rounds. */
function roundedShift(value: bigint, shift: number): bigint {
  const half = 1n << BigInt(shift - 1);
  const rest = value & ((half << 1n) - 1n);
  let quotient = value >> BigInt(shift);
  if (rest > half || (rest === half && (quotient & 1n) === 1n)) quotient++;
  return quotient;
}

/** How many bits `value` (≥ 0) takes: 0 for 0. */
function bitLength(value: bigint): number {
  return value === 0n ? 0 : value.toString(2).length;
}

/**
 * C's `strtod` on `text` as a NUL-terminated string would be, with glibc's
 * results: the value correctly rounded (ties to even), `end` 0 when no
 * number starts there (white space alone included), and ERANGE for
 * overflow to infinity and for non-zero text that rounds to 0.
 */
function strtod(text: string): StrtodResult {
  const match = STRTOD_PREFIX.exec(text);
  if (match === null) return { value: 0, end: 0, outOfRange: false };
  const [prefix, sign, infinity, nan, hexMantissa, hexExponent, decimal] = match;
  const negative = sign === "-";
  const end = prefix.length;
  if (infinity !== undefined) {
    return { value: negative ? -Infinity : Infinity, end, outOfRange: false };
  }
  if (nan !== undefined) return { value: NaN, end, outOfRange: false };
  const isHex = hexMantissa !== undefined;
  // The decimal regex admits only what Number reads alike, and Number rounds as strtod does.
  const value = isHex ? hexFloat(hexMantissa, hexExponent ?? "0") : Number(decimal);
  const nonZeroText = isHex
    ? /[1-9a-f]/i.test(hexMantissa)
    : /[1-9]/.test(decimal.replace(/e.*$/i, ""));
  const outOfRange = value === Infinity || (value === 0 && nonZeroText);
  return { value: negative ? -value : value, end, outOfRange };
}

/**
 * The double nearest `0x<mantissa>p<exponent>` (mantissa hex digits with an
 * optional point, exponent a decimal power of two), ties to even, as glibc
 * rounds it; `Infinity` past the largest double, 0 below half the smallest.
 */
function hexFloat(mantissa: string, exponent: string): number {
  const point = mantissa.indexOf(".");
  const hexDigits = point === -1 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const fractionDigits = point === -1 ? 0 : mantissa.length - point - 1;
  const bits = BigInt("0x" + hexDigits);
  if (bits === 0n) return 0;
  // The value is bits × 2^power.
  const power = Number(exponent) - 4 * fractionDigits;
  const top = bitLength(bits) - 1 + power; // the exponent of the leading 1 bit
  if (top > 1023) return Infinity;
  if (top < -1075) return 0;
  // Keep 53 bits, or fewer for a subnormal, whose last bit is worth 2^-1074.
  const lastBit = Math.max(top - 52, -1074);
  const drop = lastBit - power;
  const kept = drop > 0 ? roundedShift(bits, drop) : bits << BigInt(-drop);
  // At most 2^53 and a power of two: both exact, and so is their product.
  return Number(kept) * 2 ** lastBit;
}
