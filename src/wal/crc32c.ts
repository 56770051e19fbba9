/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of
 * walkv's own WAL records: the one iSCSI, ext4 and many logs use, chosen for
 * its better error detection than the zlib CRC-32 on short messages.
 *
 * Two inputs, one function each: the writer checksums a record's binary
 * string pieces (one character per byte) as it builds them; replay checksums
 * the bytes it read. Both give the same value for the same bytes.
 *
 * @example
 * ```ts
 * crc32cOfBytes(new TextEncoder().encode("123456789")); // 0xe3069283, the standard check value
 * crc32cOfPieces(["1234", "56789"]); // the same
 * ```
 * @module
 */
import { writeBinary } from "../io/binary.ts";

/** Eight tables for slicing-by-8: `TABLES[k][b]` is byte `b`'s remainder shifted by `k` more bytes. */
const TABLES = makeTables();

function makeTables(): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  for (let b = 0; b < 256; b++) {
    let c = b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    tables[0][b] = c >>> 0;
  }
  for (let b = 0; b < 256; b++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[k - 1][b];
      tables[k][b] = ((previous >>> 8) ^ tables[0][previous & 0xff]) >>> 0;
    }
  }
  return tables;
}

const [T0, T1, T2, T3, T4, T5, T6, T7] = TABLES;

/** The CRC-32C of `bytes[start..end)`, continuing from `crc` (a previous result) if given. */
export function crc32cOfBytes(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  crc = 0,
): number {
  let c = ~crc >>> 0;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const low = c ^ (bytes[i] | bytes[i + 1] << 8 | bytes[i + 2] << 16 | bytes[i + 3] << 24);
    c = T7[low & 0xff] ^ T6[(low >>> 8) & 0xff] ^ T5[(low >>> 16) & 0xff] ^ T4[low >>> 24] ^
      T3[bytes[i + 4]] ^ T2[bytes[i + 5]] ^ T1[bytes[i + 6]] ^ T0[bytes[i + 7]];
  }
  for (; i < end; i++) c = (c >>> 8) ^ T0[(c ^ bytes[i]) & 0xff];
  return ~c >>> 0;
}

/** Where {@linkcode crc32cOfPieces} copies long pieces to, a chunk at a time. */
const scratch = new Uint8Array(64 * 1024);

/**
 * The CRC-32C of the bytes of binary-string `pieces`, concatenated. Long
 * pieces are copied to bytes a chunk at a time first: reading a string one
 * `charCodeAt` at a time is several times slower than the native copy.
 */
export function crc32cOfPieces(pieces: readonly string[]): number {
  let crc = 0;
  for (const piece of pieces) {
    if (piece.length <= 64) {
      let c = ~crc >>> 0;
      for (let i = 0; i < piece.length; i++) c = (c >>> 8) ^ T0[(c ^ piece.charCodeAt(i)) & 0xff];
      crc = ~c >>> 0;
      continue;
    }
    for (let at = 0; at < piece.length; at += scratch.length) {
      const chunk = piece.slice(at, at + scratch.length);
      crc = crc32cOfBytes(scratch, 0, writeBinary(chunk, scratch, 0), crc);
    }
  }
  return crc;
}
