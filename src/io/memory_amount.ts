/** Redis's memory units: `k` and `m` and `g` are powers of 1000, `kb`, `mb`, `gb` of 1024. */
const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 ** 2,
  mb: 1024 ** 2,
  g: 1000 ** 3,
  gb: 1024 ** 3,
};

/**
 * Bytes written as Redis writes a memory setting (`memtoull`): digits with
 * an optional unit in any case. `null` for anything else, or past 2^53.
 *
 * @example
 * ```ts
 * parseMemoryAmount("64mb"); // 67108864
 * parseMemoryAmount("1k"); // 1000
 * parseMemoryAmount("1.5gb"); // null
 * ```
 */
export function parseMemoryAmount(value: string): number | null {
  const match = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(value);
  if (match === null) return null;
  const bytes = Number(match[1]) * UNITS[(match[2] ?? "b").toLowerCase()];
  return Number.isSafeInteger(bytes) ? bytes : null;
}
