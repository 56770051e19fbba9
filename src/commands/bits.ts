import { binaryFromBytes, bytesFromBinary } from "../io/binary.ts";
import { patchBinary } from "../io/patch_binary.ts";
import { NOT_AN_INTEGER, parseInt64, SYNTAX_ERROR } from "./arguments.ts";
import { BIT_OFFSET_ERROR, parseBitOffset } from "./bit_offset.ts";
import type { Context } from "./command_spec.ts";
import { clampRange } from "./clamp_range.ts";

/*
 * Redis's bitmaps are plain strings read as bits, the first bit of a string
 * being the most significant bit of its first byte. Values are binary
 * strings, so a byte is `charCodeAt` and any byte, 0x80 and up included,
 * reads as itself.
 */

/** SETBIT's reply to a bit value other than 0 or 1. */
const BIT_VALUE_ERROR = "ERR bit is not an integer or out of range";

/** The bit at `position` of binary string `value` (0 past its end). */
function bitAt(value: string, position: number): number {
  const byte = position >>> 3;
  return byte < value.length ? (value.charCodeAt(byte) >> (7 - (position & 7))) & 1 : 0;
}

/**
 * `GETBIT key offset` → the bit at `offset`: 0 past the end of the string,
 * or for a missing key.
 *
 * @example
 * ```ts
 * getbit(["GETBIT", "flags", "7"], context); // ":1\r\n" when flags is "\x01"
 * ```
 */
export function getbit(args: string[], { db, reply, server }: Context): void {
  const offset = parseBitOffset(args[2], server.config.maxBulkBytes);
  if (offset === null) return reply.error(BIT_OFFSET_ERROR);
  reply.integer(bitAt(db.get(args[1]) ?? "", offset));
}

/**
 * `SETBIT key offset 0|1` → the bit's previous value, after setting it. A
 * missing key, or a string too short, is padded with zero bytes up to the
 * byte `offset` is in; the expiry is kept. A bit set to what it was on a
 * string long enough changes nothing and logs nothing.
 *
 * @example
 * ```ts
 * setbit(["SETBIT", "flags", "7", "1"], context); // ":0\r\n"; flags is now "\x01"
 * ```
 */
export function setbit(args: string[], { db, reply, server }: Context): void {
  const offset = parseBitOffset(args[2], server.config.maxBulkBytes);
  if (offset === null) return reply.error(BIT_OFFSET_ERROR);
  const on = parseInt64(args[3]);
  if (on !== 0n && on !== 1n) return reply.error(BIT_VALUE_ERROR);
  const key = args[1];
  const old = db.get(key) ?? "";
  const previous = bitAt(old, offset);
  const byte = offset >>> 3;
  if (previous !== Number(on) || byte >= old.length) {
    const mask = 1 << (7 - (offset & 7));
    const current = byte < old.length ? old.charCodeAt(byte) : 0;
    const updated = on === 1n ? current | mask : current & ~mask;
    db.set(
      key,
      patchBinary(old, byte, String.fromCharCode(updated)),
      Math.max(db.expiresAt(key), 0),
    );
  }
  reply.integer(previous);
}

/** Set bits in each byte value. */
const BITS_IN_BYTE = new Uint8Array(256);
for (let i = 1; i < 256; i++) BITS_IN_BYTE[i] = (i & 1) + BITS_IN_BYTE[i >> 1];

/** Set bits in a 32-bit word (the classic SWAR count). */
function bitsInWord(word: number): number {
  word -= (word >>> 1) & 0x55555555;
  word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
  return (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** Below this many bytes, counting character by character beats converting to bytes first. */
const COUNT_WORDS_FROM = 256;

/** Set bits in bytes `first` to `last` (both included) of `value`. */
function countBits(value: string, first: number, last: number): number {
  let count = 0;
  if (last - first < COUNT_WORDS_FROM) {
    for (let i = first; i <= last; i++) count += BITS_IN_BYTE[value.charCodeAt(i)];
    return count;
  }
  // A slice shares `value`'s characters; the conversion is native and fast.
  const bytes = bytesFromBinary(value.slice(first, last + 1));
  const words = new Uint32Array(bytes.buffer, 0, bytes.length >>> 2);
  for (let i = 0; i < words.length; i++) count += bitsInWord(words[i]);
  for (let i = words.length * 4; i < bytes.length; i++) count += BITS_IN_BYTE[bytes[i]];
  return count;
}

/** BITCOUNT's and BITPOS's unit word: whether the indexes count bits (`BIT`) or bytes. */
function readUnit(word: string): boolean | null {
  const unit = word.toUpperCase();
  return unit === "BIT" ? true : unit === "BYTE" ? false : null;
}

/**
 * `BITCOUNT key [start end [BYTE | BIT]]` → how many bits are set, in the
 * whole string or in the range from `start` to `end` (included; bytes by
 * default, bits with BIT; negative counts from the end). A missing key is 0,
 * whatever follows it, as Redis looks the key up first.
 *
 * @example
 * ```ts
 * bitcount(["BITCOUNT", "flags"], context); // ":2\r\n" for "\x03"
 * bitcount(["BITCOUNT", "flags", "6", "6", "BIT"], context); // ":1\r\n"
 * ```
 */
export function bitcount(args: string[], { db, reply }: Context): void {
  const value = db.get(args[1]);
  if (value === undefined) return reply.integer(0);
  if (args.length === 2) {
    return reply.integer(value.length === 0 ? 0 : countBits(value, 0, value.length - 1));
  }
  if (args.length !== 4 && args.length !== 5) return reply.error(SYNTAX_ERROR);
  const start = parseInt64(args[2]);
  const end = parseInt64(args[3]);
  if (start === null || end === null) return reply.error(NOT_AN_INTEGER);
  // As GETRANGE: both from the end and the wrong way round is empty, before the unit is read.
  if (start < 0n && end < 0n && start > end) return reply.integer(0);
  const inBits = args.length === 5 ? readUnit(args[4]) : false;
  if (inBits === null) return reply.error(SYNTAX_ERROR);
  const [first, last] = clampRange(start, end, inBits ? value.length * 8 : value.length);
  if (first > last) return reply.integer(0);
  if (!inBits) return reply.integer(countBits(value, first, last));
  // Whole bytes, less the bits before `first` and after `last` in the end bytes.
  const firstByte = first >>> 3;
  const lastByte = last >>> 3;
  const before = (0xff00 >> (first & 7)) & 0xff;
  const after = (1 << (7 - (last & 7))) - 1;
  reply.integer(
    countBits(value, firstByte, lastByte) -
      BITS_IN_BYTE[value.charCodeAt(firstByte) & before] -
      BITS_IN_BYTE[value.charCodeAt(lastByte) & after],
  );
}

/** The first byte that is not 0, and the first that is not 0xff, from a given index. */
// deno-lint-ignore no-control-regex -- the NUL byte is what a bitmap of zeros is made of
const NOT_ZERO = /[^\x00]/g;
const NOT_FULL = /[^\xff]/g;

/**
 * The position of the first bit equal to `bit` from bit `first` to bit
 * `last` (both included, within `value`), or -1. Whole bytes that cannot
 * hold it are skipped by a regular expression, natively.
 */
function findBit(value: string, bit: 0 | 1, first: number, last: number): number {
  let position = first;
  for (; position <= last && (position & 7) !== 0; position++) {
    if (bitAt(value, position) === bit) return position;
  }
  if (position > last) return -1;
  const skip = bit === 1 ? NOT_ZERO : NOT_FULL;
  skip.lastIndex = position >>> 3;
  const found = skip.exec(value);
  // The byte found holds such a bit, but perhaps only after `last`.
  for (position = (found?.index ?? value.length) * 8; position <= last; position++) {
    if (bitAt(value, position) === bit) return position;
  }
  return -1;
}

/**
 * `BITPOS key bit [start [end [BYTE | BIT]]]` → the position of the first
 * bit equal to `bit` (0 or 1) in the string, or in a range of it as
 * BITCOUNT's, or -1 when there is none. A missing key is all zeros: 0 for
 * `bit` 0, -1 for 1. Looking for a 0 in a string of ones with no `end`
 * given answers the first position past the string, as if it went on with
 * zeros; with an `end`, the range is all there is, and the answer -1.
 *
 * @example
 * ```ts
 * bitpos(["BITPOS", "flags", "1"], context); // ":6\r\n" for "\x03"
 * bitpos(["BITPOS", "flags", "0"], context); // ":8\r\n" for "\xff"
 * ```
 */
export function bitpos(args: string[], { db, reply }: Context): void {
  const bit = parseInt64(args[2]);
  if (bit === null) return reply.error(NOT_AN_INTEGER);
  if (bit !== 0n && bit !== 1n) return reply.error("ERR The bit argument must be 1 or 0.");
  const value = db.get(args[1]);
  if (value === undefined) return reply.integer(bit === 1n ? -1 : 0);
  if (args.length > 6) return reply.error(SYNTAX_ERROR);
  let first = 0;
  let last = value.length * 8 - 1;
  const endGiven = args.length >= 5;
  if (args.length >= 4) {
    const start = parseInt64(args[3]);
    if (start === null) return reply.error(NOT_AN_INTEGER);
    const inBits = args.length === 6 ? readUnit(args[5]) : false;
    if (inBits === null) return reply.error(SYNTAX_ERROR);
    const end = endGiven ? parseInt64(args[4]) : -1n;
    if (end === null) return reply.error(NOT_AN_INTEGER);
    const [from, to] = clampRange(start, end, inBits ? value.length * 8 : value.length);
    if (from > to) return reply.integer(-1);
    first = inBits ? from : from * 8;
    last = inBits ? to : to * 8 + 7;
  } else if (value.length === 0) {
    return reply.integer(-1);
  }
  const found = findBit(value, bit === 1n ? 1 : 0, first, last);
  // A 0 past the string's end counts only when the range was left open.
  if (found === -1 && bit === 0n && !endGiven) return reply.integer(value.length * 8);
  reply.integer(found);
}

/**
 * `BITOP AND | OR | XOR | NOT destkey key [key ...]` → the length of the
 * result, stored in `destkey` (with no expiry): the keys combined byte by
 * byte, a shorter string (or a missing key) read as zero bytes up to the
 * longest one's length. NOT takes exactly one key. A result of length 0
 * (every key missing or empty) deletes `destkey`.
 *
 * @example
 * ```ts
 * bitop(["BITOP", "OR", "both", "a", "b"], context); // ":1\r\n" for "\x01" and "\x02"; both is "\x03"
 * ```
 */
export function bitop(args: string[], { db, reply }: Context): void {
  const op = args[1].toUpperCase();
  if (op !== "AND" && op !== "OR" && op !== "XOR" && op !== "NOT") {
    return reply.error(SYNTAX_ERROR);
  }
  if (op === "NOT" && args.length !== 4) {
    return reply.error("ERR BITOP NOT must be called with a single source key.");
  }
  const sources: string[] = [];
  let length = 0;
  for (let i = 3; i < args.length; i++) {
    const value = db.get(args[i]) ?? "";
    sources.push(value);
    length = Math.max(length, value.length);
  }
  const destination = args[2];
  if (length === 0) {
    db.delete(destination);
    return reply.integer(0);
  }
  const result = new Uint8Array(length);
  result.set(bytesFromBinary(sources[0]));
  if (op === "NOT") {
    for (let i = 0; i < length; i++) result[i] = ~result[i];
  }
  for (let k = 1; k < sources.length; k++) {
    const source = bytesFromBinary(sources[k]);
    if (op === "AND") {
      for (let i = 0; i < length; i++) result[i] &= i < source.length ? source[i] : 0;
    } else if (op === "OR") {
      for (let i = 0; i < source.length; i++) result[i] |= source[i];
    } else {
      for (let i = 0; i < source.length; i++) result[i] ^= source[i];
    }
  }
  db.set(destination, binaryFromBytes(result, 0, length));
  reply.integer(length);
}
