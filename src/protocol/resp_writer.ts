import { writeBinary } from "../io/binary.ts";

const CRLF = "\r\n";
const INITIAL_BYTES = 16 * 1024;
const SHRINK_ABOVE_BYTES = 4 * 1024 * 1024;

/**
 * Encodes RESP2 replies straight into one growing byte buffer, so a
 * connection answers a whole pipelined batch with one write and no
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
export class RespWriter {
  #buffer = new Uint8Array(INITIAL_BYTES);
  /** The buffer the last `take` handed out; written into again only after the next `take`. */
  #spare = new Uint8Array(INITIAL_BYTES);
  #length = 0;

  /** Bytes waiting. */
  get length(): number {
    return this.#length;
  }

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
    const line = "-" + oneLine(message) + CRLF;
    this.#reserve(line.length);
    this.#length = writeBinary(line, this.#buffer, this.#length);
  }

  /** An integer, `:n`. */
  integer(n: number | bigint): void {
    this.#ascii(":" + n + CRLF);
  }

  /** A bulk string holding binary string `value`. */
  bulk(value: string): void {
    this.#reserve(value.length + 24);
    const buffer = this.#buffer;
    buffer[this.#length++] = 0x24; // $
    this.#digits(value.length);
    this.#length = writeBinary(value, buffer, this.#length);
    buffer[this.#length++] = 0x0d;
    buffer[this.#length++] = 0x0a;
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
    const buffer = this.#buffer;
    if (n < 10) {
      buffer[this.#length++] = 0x30 + n;
    } else {
      const text = String(n);
      for (let i = 0; i < text.length; i++) buffer[this.#length++] = text.charCodeAt(i);
    }
    buffer[this.#length++] = 0x0d;
    buffer[this.#length++] = 0x0a;
  }

  /** Drops everything written since `mark` (a {@linkcode RespWriter.length}). */
  rewind(mark: number): void {
    this.#length = mark;
  }

  /**
   * The waiting bytes; the writer is empty afterwards. The bytes stay valid
   * until the `take` after next: the writer alternates between two buffers,
   * so one batch can be on its way to the socket while the next is built.
   */
  take(): Uint8Array {
    const bytes = this.#buffer.subarray(0, this.#length);
    this.#length = 0;
    // After one huge reply, give the memory back (the view keeps it alive until written).
    const next = this.#spare.length > SHRINK_ABOVE_BYTES
      ? new Uint8Array(INITIAL_BYTES)
      : this.#spare;
    this.#spare = this.#buffer;
    this.#buffer = next;
    return bytes;
  }

  /** Writes short ASCII text; a loop beats the native encoder at these sizes. */
  #ascii(text: string): void {
    this.#reserve(text.length);
    const buffer = this.#buffer;
    let at = this.#length;
    for (let i = 0; i < text.length; i++) buffer[at++] = text.charCodeAt(i);
    this.#length = at;
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buffer.length) return;
    let size = this.#buffer.length * 2;
    while (size < this.#length + bytes) size *= 2;
    const larger = new Uint8Array(size);
    larger.set(this.#buffer.subarray(0, this.#length));
    this.#buffer = larger;
  }
}

function oneLine(text: string): string {
  // One space per character, as Redis sanitizes its error replies.
  return /[\r\n]/.test(text) ? text.replace(/[\r\n]/g, " ") : text;
}
