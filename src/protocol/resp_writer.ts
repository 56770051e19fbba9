import type { Reply } from "../commands/reply.ts";
import { formatDouble } from "../commands/scores.ts";
import { writeBinary } from "../io/binary.ts";
import { ReplyBuffer } from "./reply_buffer.ts";

const CRLF = "\r\n";

/**
 * Encodes RESP replies straight into the connection's {@linkcode ReplyBuffer},
 * so a connection answers a whole pipelined batch with one write and no
 * per-reply allocation. RESP2 by default; after `HELLO 3` (`protocol = 3`)
 * maps, sets, doubles, booleans, verbatim strings, null and pushes (pub/sub
 * messages) go out as RESP3's own types.
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
export class RespWriter extends ReplyBuffer implements Reply {
  protocol: 2 | 3 = 2;
  errors = 0;
  /** Called with each error reply's message (INFO errorstats counts them). */
  onError: ((message: string) => void) | null = null;

  ok(): void {
    this.#ascii("+OK\r\n");
  }

  simple(text: string): void {
    this.#ascii("+" + oneLine(text) + CRLF);
  }

  error(message: string): void {
    this.errors++;
    this.onError?.(message);
    this.appendBinary("-" + oneLine(message) + CRLF);
  }

  integer(n: number | bigint): void {
    this.#ascii(":" + n + CRLF);
  }

  bulk(value: string): void {
    this.reserve(value.length + 24);
    const buffer = this.bytes;
    buffer[this.length++] = 0x24; // $
    this.#digits(value.length);
    this.length = writeBinary(value, buffer, this.length);
    buffer[this.length++] = 0x0d;
    buffer[this.length++] = 0x0a;
  }

  bulkOrNull(value: string | undefined): void {
    if (value === undefined) this.nullBulk();
    else this.bulk(value);
  }

  nullBulk(): void {
    this.#ascii(this.protocol === 3 ? "_\r\n" : "$-1\r\n");
  }

  array(length: number): void {
    this.#ascii("*" + length + CRLF);
  }

  nullArray(): void {
    this.#ascii(this.protocol === 3 ? "_\r\n" : "*-1\r\n");
  }

  bulkArray(values: readonly (string | undefined)[]): void {
    this.array(values.length);
    for (const value of values) this.bulkOrNull(value);
  }

  push(length: number): void {
    this.#ascii((this.protocol === 3 ? ">" : "*") + length + CRLF);
  }

  map(pairs: number): void {
    this.#ascii(this.protocol === 3 ? "%" + pairs + CRLF : "*" + pairs * 2 + CRLF);
  }

  set(length: number): void {
    this.#ascii((this.protocol === 3 ? "~" : "*") + length + CRLF);
  }

  double(value: number): void {
    const text = formatDouble(value);
    if (this.protocol === 3) this.#ascii("," + text + CRLF);
    else this.bulk(text);
  }

  boolean(value: boolean): void {
    if (this.protocol === 3) this.#ascii(value ? "#t\r\n" : "#f\r\n");
    else this.#ascii(value ? ":1\r\n" : ":0\r\n");
  }

  verbatim(text: string): void {
    if (this.protocol === 2) return this.bulk(text);
    this.appendBinary("=" + (text.length + 4) + "\r\ntxt:");
    this.appendBinary(text);
    this.#ascii(CRLF);
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
