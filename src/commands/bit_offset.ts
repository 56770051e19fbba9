import { parseInt64 } from "./arguments.ts";

/** Redis's reply to a bit offset {@linkcode parseBitOffset} refuses. */
export const BIT_OFFSET_ERROR = "ERR bit offset is not an integer or out of range";

/**
 * Reads a bit offset as Redis's `getBitOffsetFromArgument` does (SETBIT,
 * GETBIT, BITFIELD): a 64-bit integer from 0 whose byte, `offset / 8`, is
 * below `maxBytes` (the longest string there may be: walkv's `--max-bulk`,
 * as Redis's `proto-max-bulk-len`). With `fieldBits` (BITFIELD's field
 * width), `#n` means the n-th field of that width, bit `n * fieldBits`; the
 * product wraps around 64 bits, as it does in Redis. `null` for anything
 * else, which callers answer with {@linkcode BIT_OFFSET_ERROR}.
 *
 * @example
 * ```ts
 * parseBitOffset("17", 1024); // 17
 * parseBitOffset("#2", 1024, 8); // 16
 * parseBitOffset("-1", 1024); // null
 * ```
 */
export function parseBitOffset(text: string, maxBytes: number, fieldBits = 0): number | null {
  const byField = fieldBits > 0 && text.startsWith("#");
  let offset = parseInt64(byField ? text.slice(1) : text);
  if (offset === null) return null;
  if (byField) offset = BigInt.asIntN(64, offset * BigInt(fieldBits));
  if (offset < 0n || offset >> 3n >= BigInt(maxBytes)) return null;
  return Number(offset);
}
