/**
 * The middle of `values` once sorted; for an even count, the mean of the two
 * in the middle. The benchmark reports medians of its rounds because one
 * lucky or unlucky round on a shared machine moves a median least.
 *
 * @throws {RangeError} when `values` is empty.
 * @example
 * ```ts
 * median([30, 10, 20]); // 20
 * median([4, 1, 3, 2]); // 2.5
 * ```
 */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("Median of no values requested");
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
