/**
 * Binary strings: JavaScript strings holding one byte per character (codes
 * 0–255). Keys and values are kept this way so any bytes a Redis client sends
 * (NUL, CR, LF, invalid UTF-8) round-trip exactly, while still working as
 * `Map` keys. V8 stores such strings one byte per character, so they cost no
 * more memory than the bytes themselves.
 *
 * ASCII text is its own binary string, so the common case converts nothing.
 *
 * Up to 64 bytes (keys, small values: the hot path) convert through a
 * reused array of char codes, into a flat string.
 * Longer ones convert in native code, a piece at a time: ASCII through the
 * UTF-8 decoder and encoder, anything else through base64 (`toBase64` then
 * `atob`, `btoa` then `setFromBase64`), the platform's only native way from
 * any bytes to a one-byte string and back. From 1 KiB up that is 3 to 50
 * times faster than a loop of `fromCharCode`, and the long strings made are flat (one piece).
 *
 * @example
 * ```ts
 * const key = binaryFromBytes(new Uint8Array([0x68, 0xc3, 0xa9]), 0, 3); // "h\xc3\xa9"
 * binaryFromText("hé") === key; // true: the UTF-8 bytes of "hé"
 * textFromBinary(key); // "hé"
 * ```
 * @module
 */

/** The longest input converted in a plain loop. */
const SHORT = 64;
/**
 * Long inputs convert this many bytes at a time: it bounds the base64 text
 * and the work a wrong guess at ASCII wastes. Of 16 KiB to 4 MiB, 64 KiB
 * measured fastest.
 */
const PIECE = 64 * 1024;
/**
 * How many bytes, spread over a piece, decide whether to try it as ASCII: a
 * wrong guess costs a wasted native pass over the piece, a longer look costs
 * every short value (reading characters one by one is slow).
 */
const SAMPLES = 8;
/** Non-ASCII pieces shorter than this convert faster without base64. */
const BASE64_MIN = 192;
/**
 * The most `btoa` is given at once. Deno returns a longer result (over 8 KiB)
 * as an external string whose memory V8 does not count, so writing a 300 MiB
 * value in larger parts was measured to pile up ~400 MB of dead base64 text
 * before a garbage collection noticed.
 */
const BTOA_PIECE = 4 * 1024;

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

const fromCharCode = String.fromCharCode;

/**
 * One reusable array of char codes per length up to {@linkcode SHORT}: a
 * short string is made by one `fromCharCode.apply` over the array of its
 * exact length, so it is flat. Joining pieces with `+` instead makes a tree
 * of cons strings from 13 characters up, which nothing flattens while it
 * sits in a list or a map's values: measured, 80 bytes of heap for a
 * 16-byte value against 32 flat, 176 against 40 for 19 bytes.
 */
const SHORT_CODES: number[][] = Array.from({ length: SHORT + 1 }, (_, n) => new Array(n).fill(0));

/** The bytes `bytes[start..end)` as a binary string, always flat. */
export function binaryFromBytes(bytes: Uint8Array, start: number, end: number): string {
  if (end - start > SHORT) return binaryFromLongRange(bytes, start, end);
  const codes = SHORT_CODES[end - start];
  for (let i = 0; i < codes.length; i++) codes[i] = bytes[start + i];
  return fromCharCode.apply(null, codes);
}

/** {@linkcode binaryFromBytes} for more than {@linkcode SHORT} bytes: a flat string. */
function binaryFromLongRange(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= PIECE) return binaryFromPiece(bytes.subarray(start, end));
  // All ASCII, the decoder makes the string in one go: no pieces to join.
  // Checked first, since a wrong guess here would decode the whole range.
  if (isAsciiRange(bytes, start, end)) return utf8Decoder.decode(bytes.subarray(start, end));
  const pieces: string[] = [];
  for (let at = start; at < end; at += PIECE) {
    pieces.push(binaryFromPiece(bytes.subarray(at, Math.min(end, at + PIECE))));
  }
  // `join` copies the pieces into one flat string. Joined with `+` they would
  // stay a tree, which V8 copies flat on the first read (a WAL write, a GET)
  // in the same time: measured, nothing is saved by leaving it for later.
  return pieces.join("");
}

function binaryFromPiece(piece: Uint8Array): string {
  if (looksAscii(piece)) {
    const text = utf8Decoder.decode(piece);
    // One character per byte and no U+FFFD means every byte was ASCII: a
    // multi-byte sequence decodes to fewer characters, an invalid byte to
    // U+FFFD. (`includes` of U+FFFD in a one-byte string returns at once.)
    if (text.length === piece.length && !text.includes("\ufffd")) return text;
  }
  if (piece.length < BASE64_MIN) return fromCharCode.apply(null, piece as unknown as number[]);
  return atob(piece.toBase64());
}

function looksAscii(piece: Uint8Array): boolean {
  const step = (piece.length - 1) / (SAMPLES - 1);
  for (let k = 0; k < SAMPLES; k++) if (piece[Math.floor(k * step)] > 0x7f) return false;
  return true;
}

/** Whether `bytes[start..end)` is all ASCII, tested four bytes at a time (~5 GB/s). */
function isAsciiRange(bytes: Uint8Array, start: number, end: number): boolean {
  let i = start;
  for (; i < end && (bytes.byteOffset + i) % 4 !== 0; i++) if (bytes[i] > 0x7f) return false;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset + i, (end - i) >>> 2);
  let w = 0;
  for (; w + 4 <= words.length; w += 4) {
    if ((words[w] | words[w + 1] | words[w + 2] | words[w + 3]) & 0x80808080) return false;
  }
  for (; w < words.length; w++) if (words[w] & 0x80808080) return false;
  for (i += words.length * 4; i < end; i++) if (bytes[i] > 0x7f) return false;
  return true;
}

/**
 * Writes binary string `text` into `buffer` at `at`, which must have room for
 * `text.length` bytes; returns the offset after it.
 */
export function writeBinary(text: string, buffer: Uint8Array, at: number): number {
  const length = text.length;
  if (length > SHORT) {
    writeLongBinary(text, buffer.subarray(at, at + length));
    return at + length;
  }
  for (let i = 0; i < length; i++) buffer[at + i] = text.charCodeAt(i);
  return at + length;
}

/** {@linkcode writeBinary} for more than {@linkcode SHORT} characters, into `target` of exactly their length. */
function writeLongBinary(text: string, target: Uint8Array): void {
  if (text.length <= PIECE) return writePiece(text, target);
  for (let at = 0; at < text.length; at += PIECE) {
    const end = Math.min(text.length, at + PIECE);
    // A slice shares the characters of a flat string: nothing is copied
    // (a tree of pieces is made flat once, by the first slice).
    writePiece(text.slice(at, end), target.subarray(at, end));
  }
}

function writePiece(piece: string, target: Uint8Array): void {
  if (looksAsciiText(piece)) {
    // ASCII encodes to the same bytes in UTF-8; `written` tells whether it was all ASCII.
    const { read, written } = utf8Encoder.encodeInto(piece, target);
    if (read === piece.length && written === piece.length) return;
  }
  if (piece.length <= BTOA_PIECE) return writeByBase64(piece, target);
  for (let at = 0; at < piece.length; at += BTOA_PIECE) {
    const end = Math.min(piece.length, at + BTOA_PIECE);
    writeByBase64(piece.slice(at, end), target.subarray(at, end));
  }
}

function writeByBase64(part: string, target: Uint8Array): void {
  if (part.length >= BASE64_MIN) {
    try {
      target.setFromBase64(btoa(part));
      return;
    } catch (error: unknown) {
      // A character above 0xFF: not a binary string. The loop below keeps
      // what writing one always did, its low byte.
      if (!(error instanceof DOMException)) throw error;
    }
  }
  for (let i = 0; i < part.length; i++) target[i] = part.charCodeAt(i);
}

function looksAsciiText(piece: string): boolean {
  const step = (piece.length - 1) / (SAMPLES - 1);
  for (let k = 0; k < SAMPLES; k++) if (piece.charCodeAt(Math.floor(k * step)) > 0x7f) return false;
  return true;
}

/** Binary string `text` as a new byte array. */
export function bytesFromBinary(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  writeBinary(text, bytes, 0);
  return bytes;
}

/** The UTF-8 bytes of `text` as a binary string; ASCII comes back unchanged. */
export function binaryFromText(text: string): string {
  if (isAscii(text)) return text;
  const bytes = utf8Encoder.encode(text);
  return binaryFromBytes(bytes, 0, bytes.length);
}

/** Binary string `binary` decoded as UTF-8 (invalid bytes become U+FFFD). */
export function textFromBinary(binary: string): string {
  return isAscii(binary) ? binary : utf8Decoder.decode(bytesFromBinary(binary));
}

function isAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0x7f) return false;
  return true;
}
