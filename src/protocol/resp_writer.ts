import { writeBinary } from "../io/binary.ts";
import { ReplyBuffer } from "./reply_buffer.ts";

const CRLF = "\r\n";

/**
 * Encodes RESP2 replies straight into the connection's {@linkcode ReplyBuffer},
 * so a connection answers a whole pipelined batch with one write and no
 * per-reply allocation.
 *
 * Values are binary strings (one character per byte) and go out byte for
 * byte. Error and status text may echo client input, so CR and LF in it
 * become spaces: a reply can never break the framing.
 *
 * @example
 * ```ts
 * const replies = new RespWriter();
 * replies.ok();
 * replies.bulk("world");
 * replies.nullBulk();
 * replies.take(); // the bytes of "+OK\r\n$5\r\nworld\r\n$-1\r\n"
 * ```
 */
export class RespWriter extends ReplyBuffer {
  /** `+OK` */
  ok(): void {
    this.#ascii("+OK\r\n");
  }

  /** A simple string, `+text`. */
  simple(text: string): void {
    this.#ascii("+" + oneLine(text) + CRLF);
  }

  /** An error, `-message`; `message` starts with its code (`ERR ...`, `WRONGTYPE ...`). */
  error(message: string): void {
    this.appendBinary("-" + oneLine(message) + CRLF);
  }

  /** An integer, `:n`. */
  integer(n: number | bigint): void {
    this.#ascii(":" + n + CRLF);
  }

  /** A bulk string holding binary string `value`. */
  bulk(value: string): void {
    this.reserve(value.length + 24);
    const buffer = this.bytes;
    buffer[this.length++] = 0x24; // $
    this.#digits(value.length);
    this.length = writeBinary(value, buffer, this.length);
    buffer[this.length++] = 0x0d;
    buffer[this.length++] = 0x0a;
  }

  /** A bulk string, or the null bulk string when `value` is `undefined`. */
  bulkOrNull(value: string | undefined): void {
    if (value === undefined) this.nullBulk();
    else this.bulk(value);
  }

  /** The null bulk string, `$-1`: a missing value. */
  nullBulk(): void {
    this.#ascii("$-1\r\n");
  }

  /** The header of an array of `length` replies, which must follow. */
  array(length: number): void {
    this.#ascii("*" + length + CRLF);
  }

  /** The null array, `*-1`. */
  nullArray(): void {
    this.#ascii("*-1\r\n");
  }

  /** An array of bulk strings. */
  bulkArray(values: readonly (string | undefined)[]): void {
    this.array(values.length);
    for (const value of values) this.bulkOrNull(value);
  }

  /** Writes non-negative integer `n` in decimal, then CRLF; room is reserved. */
  #digits(n: number): void {
    const buffer = this.bytes;
    if (n < 10) {
      buffer[this.length++] = 0x30 + n;
    } else {
      const text = String(n);
      for (let i = 0; i < text.length; i++) buffer[this.length++] = text.charCodeAt(i);
    }
    buffer[this.length++] = 0x0d;
    buffer[this.length++] = 0x0a;
  }

  /** Writes short ASCII text; a loop beats the native encoder at these sizes. */
  #ascii(text: string): void {
    this.reserve(text.length);
    const buffer = this.bytes;
    let at = this.length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.length = at;
  }
}

function oneLine(text: string): string {
  // One space per character, as Redis sanitizes its error replies.
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, " ") : text;
}
