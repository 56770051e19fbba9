/**
 * The x87 80-bit `long double` that Redis's INCRBYFLOAT and HINCRBYFLOAT add
 * in (on x86-64 Linux), emulated exactly with BigInt: a 64-bit significand,
 * round-to-nearest-even after every operation, so sums carry the same binary
 * noise Redis's do (`5.6 + 1000` is `1005.59999999999999998` there, and here).
 *
 * A value is `significand × 2^exponent`, the significand below 2^64 in
 * magnitude; zero is `0n`. Subnormal numbers (below 2^-16382) keep full
 * precision here, where the hardware would lose some: no float text Redis
 * accepts reaches them in practice.
 *
 * @example
 * ```ts
 * const sum = addLongDoubles(parseLongDouble(5600n, 3)!, parseLongDouble(1000n, 0)!);
 * formatLongDouble(sum); // "1005.59999999999999998"
 * ```
 *
 * @module
 */

/** A finite `long double`: `significand × 2^exponent`. */
export interface LongDouble {
  significand: bigint;
  exponent: number;
}

/** Bits in the significand. */
const PRECISION = 64;
/** Values at or beyond 2^16384 are infinite. */
const MAX_BINARY_EXPONENT = 16384;
/** `%.17Lf`: digits after the point. */
const FRACTION_DIGITS = 17n;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/**
 * `numerator / denominator` (both positive) rounded to 64 significant bits,
 * ties to even, with `negative` as its sign; `null` when it overflows.
 */
function round(numerator: bigint, denominator: bigint, negative: boolean): LongDouble | null {
  if (numerator === 0n) return { significand: 0n, exponent: 0 };
  // Scale so the quotient has exactly PRECISION bits (or one more).
  let exponent = bitLength(numerator) - bitLength(denominator) - PRECISION;
  let n = numerator;
  let d = denominator;
  if (exponent > 0) d <<= BigInt(exponent);
  else n <<= BigInt(-exponent);
  let quotient = n / d;
  let remainder = n % d;
  if (quotient >= 1n << BigInt(PRECISION)) {
    // One bit too many: halve, folding the dropped bit into the remainder.
    remainder += (quotient & 1n) * d;
    d <<= 1n;
    quotient >>= 1n;
    exponent++;
  }
  const twice = remainder * 2n;
  if (twice > d || (twice === d && (quotient & 1n) === 1n)) quotient++;
  if (quotient === 1n << BigInt(PRECISION)) {
    quotient >>= 1n;
    exponent++;
  }
  if (exponent + PRECISION > MAX_BINARY_EXPONENT) return null;
  return { significand: negative ? -quotient : quotient, exponent };
}

/**
 * The `long double` nearest `coefficient × 10^-scale`, as glibc's `strtold`
 * rounds decimal text; `null` when beyond its range.
 */
export function parseLongDouble(coefficient: bigint, scale: number): LongDouble | null {
  const negative = coefficient < 0n;
  const magnitude = negative ? -coefficient : coefficient;
  return scale >= 0
    ? round(magnitude, 10n ** BigInt(scale), negative)
    : round(magnitude * 10n ** BigInt(-scale), 1n, negative);
}

/** `a + b` rounded to a `long double`; `null` when the sum overflows. */
export function addLongDoubles(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.significand === 0n) return b;
  if (b.significand === 0n) return a;
  const low = Math.min(a.exponent, b.exponent);
  const sum = (a.significand << BigInt(a.exponent - low)) +
    (b.significand << BigInt(b.exponent - low));
  const negative = sum < 0n;
  const magnitude = negative ? -sum : sum;
  return low >= 0
    ? round(magnitude << BigInt(low), 1n, negative)
    : round(magnitude, 1n << BigInt(-low), negative);
}

/**
 * `value` as Redis prints a `long double` for people (`ld2string`,
 * `LD_STR_HUMAN`): C's `%.17Lf`, exactly rounded, then trailing zeros and a
 * trailing point dropped.
 */
export function formatLongDouble(value: LongDouble): string {
  const { significand, exponent } = value;
  const negative = significand < 0n;
  const magnitude = negative ? -significand : significand;
  let scaled: bigint; // value × 10^17, rounded half to even
  if (exponent >= 0) {
    scaled = (magnitude << BigInt(exponent)) * 10n ** FRACTION_DIGITS;
  } else {
    const numerator = magnitude * 10n ** FRACTION_DIGITS;
    const denominator = 1n << BigInt(-exponent);
    scaled = numerator / denominator;
    const twice = (numerator % denominator) * 2n;
    if (twice > denominator || (twice === denominator && (scaled & 1n) === 1n)) scaled++;
  }
  const digits = scaled.toString().padStart(Number(FRACTION_DIGITS) + 1, "0");
  const point = digits.length - Number(FRACTION_DIGITS);
  const fraction = digits.slice(point).replace(/0+$/, "");
  const text = digits.slice(0, point) + (fraction === "" ? "" : "." + fraction);
  return negative ? "-" + text : text;
}
