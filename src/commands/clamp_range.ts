/**
 * Redis's reading of a `start end` pair over something `length` long
 * (GETRANGE, BITCOUNT and BITPOS, in bytes or bits): a negative index counts
 * from the end, then both are clamped into the value, `end` to its last
 * position. The result may be empty: `start > end`, always so for a length
 * of 0 (`end` is then -1). Callers add their own special cases before it.
 *
 * The indexes are 64-bit, as Redis's `long long`, so they stay exact however
 * large; the positions returned are within the value, so they are numbers.
 *
 * @example
 * ```ts
 * clampRange(1n, -2n, 5); // [1, 3]
 * clampRange(-100n, 100n, 5); // [0, 4]
 * clampRange(3n, 1n, 5); // [3, 1]: empty
 * ```
 */
export function clampRange(start: bigint, end: bigint, length: number): [number, number] {
  const total = BigInt(length);
  if (start < 0n) start += total;
  if (end < 0n) end += total;
  if (start < 0n) start = 0n;
  if (end < 0n) end = 0n;
  if (end >= total) end = total - 1n;
  // `start` may still be past the end; any such value means "empty".
  return [start > total ? length : Number(start), Number(end)];
}
