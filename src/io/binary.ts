/**
 * Binary strings: JavaScript strings holding one byte per character (codes
 * 0–255). Keys and values are kept this way so any bytes a Redis client sends
 * (NUL, CR, LF, invalid UTF-8) round-trip exactly, while still working as
 * `Map` keys. V8 stores such strings one byte per character, so they cost no
 * more memory than the bytes themselves.
 *
 * ASCII text is its own binary string, so the common case converts nothing.
 *
 * @example
 * ```ts
 * const key = binaryFromBytes(new Uint8Array([0x68, 0xc3, 0xa9]), 0, 3); // "h\xc3\xa9"
 * binaryFromText("hé") === key; // true: the UTF-8 bytes of "hé"
 * textFromBinary(key); // "hé"
 * ```
 */

const CHUNK = 8192;
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

const fromCharCode = String.fromCharCode;

/** The bytes `bytes[start..end)` as a binary string. */
export function binaryFromBytes(bytes: Uint8Array, start: number, end: number): string {
  if (end - start <= 64) {
    // Short keys and values are the hot path: eight bytes per call, without
    // the typed-array view `apply` needs, is the fastest measured way.
    let text = "";
    let i = start;
    for (; i + 8 <= end; i += 8) {
      text += fromCharCode(
        bytes[i],
        bytes[i + 1],
        bytes[i + 2],
        bytes[i + 3],
        bytes[i + 4],
        bytes[i + 5],
        bytes[i + 6],
        bytes[i + 7],
      );
    }
    for (; i < end; i++) text += fromCharCode(bytes[i]);
    return text;
  }
  if (end - start <= CHUNK) {
    return String.fromCharCode.apply(null, bytes.subarray(start, end) as unknown as number[]);
  }
  let text = "";
  for (let at = start; at < end; at += CHUNK) {
    const part = bytes.subarray(at, Math.min(end, at + CHUNK));
    text += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return text;
}

/** Reused by {@linkcode flatBinaryFromBytes}: `fromCharCode.apply` takes a plain array without a copy. */
const scratch: number[] = [];

/**
 * The bytes `bytes[start..end)` as a binary string stored flat, in one piece.
 *
 * Why: {@linkcode binaryFromBytes} builds a short string from 8-byte pieces,
 * the fastest way to get a string that is used once (a key to look up), but
 * V8 keeps such a string as a tree of its pieces. A string that is kept (a
 * key or value replayed into the store) costs about three times the memory
 * that way, and the garbage collector walks every piece.
 */
export function flatBinaryFromBytes(bytes: Uint8Array, start: number, end: number): string {
  const length = end - start;
  if (length > 64) return binaryFromBytes(bytes, start, end);
  scratch.length = length;
  for (let i = 0; i < length; i++) scratch[i] = bytes[start + i];
  return fromCharCode.apply(null, scratch);
}

/**
 * Writes binary string `text` into `buffer` at `at`, which must have room for
 * `text.length` bytes; returns the offset after it.
 */
export function writeBinary(text: string, buffer: Uint8Array, at: number): number {
  if (text.length <= 64) {
    for (let i = 0; i < text.length; i++) buffer[at + i] = text.charCodeAt(i);
    return at + text.length;
  }
  // ASCII encodes to the same bytes in UTF-8, and the native encoder is far
  // faster than a loop; `written` tells whether the text was all ASCII.
  const { read, written } = utf8Encoder.encodeInto(text, buffer.subarray(at, at + text.length));
  if (read === text.length && written === text.length) return at + written;
  for (let i = 0; i < text.length; i++) buffer[at + i] = text.charCodeAt(i);
  return at + text.length;
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
