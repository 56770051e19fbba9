/**
 * DJB2 over the UTF-8 bytes of `key` (h = 5381; h = h·33 + byte, as uint32):
 * the seed's shard hash, so a key lands in the same shard number as there.
 *
 * The bytes are produced from the UTF-16 string on the fly rather than with a
 * `TextEncoder`, so hashing allocates nothing.
 *
 * @example
 * ```ts
 * djb2("a"); // 177670 (5381 * 33 + 97)
 * ```
 */
export function djb2(key: string): number {
  let h = 5381;
  for (let i = 0; i < key.length; i++) {
    let c = key.charCodeAt(i);
    if (c < 0x80) {
      h = (Math.imul(h, 33) + c) >>> 0;
      continue;
    }
    if (c < 0x800) {
      h = (Math.imul(h, 33) + (0xc0 | (c >> 6))) >>> 0;
      h = (Math.imul(h, 33) + (0x80 | (c & 0x3f))) >>> 0;
      continue;
    }
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < key.length) {
      const low = key.charCodeAt(i + 1);
      if (low >= 0xdc00 && low < 0xe000) {
        i++;
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        h = (Math.imul(h, 33) + (0xf0 | (c >> 18))) >>> 0;
        h = (Math.imul(h, 33) + (0x80 | ((c >> 12) & 0x3f))) >>> 0;
        h = (Math.imul(h, 33) + (0x80 | ((c >> 6) & 0x3f))) >>> 0;
        h = (Math.imul(h, 33) + (0x80 | (c & 0x3f))) >>> 0;
        continue;
      }
    }
    // A lone surrogate encodes as U+FFFD, as TextEncoder would.
    if (c >= 0xd800 && c < 0xe000) c = 0xfffd;
    h = (Math.imul(h, 33) + (0xe0 | (c >> 12))) >>> 0;
    h = (Math.imul(h, 33) + (0x80 | ((c >> 6) & 0x3f))) >>> 0;
    h = (Math.imul(h, 33) + (0x80 | (c & 0x3f))) >>> 0;
  }
  return h;
}
