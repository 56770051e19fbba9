/** One NUL byte: what a string grows by, as Redis's `sdsgrowzero` pads. */
const ZERO = "\0";

/**
 * Binary string `value` with `patch` written over it from byte `offset` on,
 * growing it with zero bytes first when `offset` is past its end: what
 * SETRANGE, SETBIT and BITFIELD do to a stored string.
 *
 * Strings are immutable, so this makes a new one, but not a copy of the
 * whole value: V8 keeps the result as the unchanged parts of `value` (sliced,
 * which shares its characters) joined to `patch`, and copies it flat only
 * when it is first read whole (its WAL record, a GET). A change in the middle
 * of a 1 MB value so costs one 1 MB copy, not several.
 *
 * @example
 * ```ts
 * patchBinary("hello", 1, "EL"); // "hELlo"
 * patchBinary("ab", 4, "z");     // "ab\0\0z"
 * ```
 */
export function patchBinary(value: string, offset: number, patch: string): string {
  const end = offset + patch.length;
  if (offset >= value.length) {
    return value + ZERO.repeat(offset - value.length) + patch;
  }
  if (end >= value.length) return value.slice(0, offset) + patch;
  return value.slice(0, offset) + patch + value.slice(end);
}
