/**
 * DJB2 over the bytes of binary-string `key` (h = 5381; h = h·33 + byte, as
 * uint32): the seed's shard hash, so a key lands in the same shard number as
 * there. Keys are binary strings (one byte per character), so the character
 * codes are the bytes.
 *
 * @example
 * ```ts
 * djb2("a"); // 177670 (5381 * 33 + 97)
 * djb2(binaryFromText("é")); // DJB2 of the bytes C3 A9
 * ```
 */
export function djb2(key: string): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) h = (Math.imul(h, 33) + key.charCodeAt(i)) >>> 0;
  return h;
}

/**
 * {@linkcode djb2} of `bytes[start..end)`: the same number as for the binary
 * string of those bytes, for keys that are still bytes (WAL replay, arenas).
 *
 * @example
 * ```ts
 * djb2Bytes(new Uint8Array([97]), 0, 1) === djb2("a"); // true
 * ```
 */
export function djb2Bytes(bytes: Uint8Array, start: number, end: number): number {
  let h = 5381;
  for (let i = start; i < end; i++) h = (Math.imul(h, 33) + bytes[i]) >>> 0;
  return h;
}
