import { writeBinary } from "../io/binary.ts";

const INITIAL_BYTES = 16 * 1024;
/**
 * Buffers larger than this are given back by {@linkcode ReplyBuffer.release}.
 * A batch is flushed at about 1 MiB (see the sessions), so pipelined batches
 * of ordinary replies fit in 2 MiB and keep their buffer; what a single huge
 * reply grew is not kept by an idle connection.
 */
const RETAIN_BYTES = 2 * 1024 * 1024;

/**
 * The bytes of a connection's replies, built in place and handed to the
 * socket a batch at a time: the part both protocols' writers share
 * ({@linkcode RespWriter}, {@linkcode TextReplyWriter}).
 *
 * Two buffers alternate, so one batch can be on its way to the socket while
 * the next is built: the bytes {@linkcode ReplyBuffer.take} returns stay
 * valid until the `take` after next.
 *
 * @example
 * ```ts
 * const replies = new ReplyBuffer();
 * replies.appendBinary("+OK\r\n");
 * const bytes = replies.take(); // 5 bytes; replies.length is 0 again
 * replies.release(); // before an idle wait: drop buffers a huge reply grew
 * ```
 */
export class ReplyBuffer {
  /** The buffer being filled; bytes `[0, length)` are replies. */
  bytes: Uint8Array<ArrayBuffer> = new Uint8Array(INITIAL_BYTES);
  /** Bytes waiting to be taken. */
  length = 0;
  /** The buffer the last `take` handed out; filled again only after the next `take`. */
  #spare: Uint8Array<ArrayBuffer> | null = null;

  /** Makes room for `extra` more bytes after `length`. */
  reserve(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < needed) size *= 2;
    const larger = new Uint8Array(size);
    larger.set(this.bytes.subarray(0, this.length));
    this.bytes = larger;
  }

  /** Appends binary string `text` (one character per byte). */
  appendBinary(text: string): void {
    this.reserve(text.length);
    this.length = writeBinary(text, this.bytes, this.length);
  }

  /** Appends a copy of `bytes`. */
  appendBytes(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.length);
    this.length += bytes.length;
  }

  /** Drops everything written since `mark` (a {@linkcode ReplyBuffer.length}). */
  rewind(mark: number): void {
    this.length = mark;
  }

  /** The waiting bytes; the buffer is empty afterwards. */
  take(): Uint8Array {
    const taken = this.bytes.subarray(0, this.length);
    const next = this.#spare ?? new Uint8Array(INITIAL_BYTES);
    this.#spare = this.bytes;
    this.bytes = next;
    this.length = 0;
    return taken;
  }

  /**
   * Gives back buffers larger than a pipelined batch needs, for a connection
   * about to wait for its client. Bytes already taken stay valid: a write in
   * flight holds its own view of them.
   */
  release(): void {
    if (this.#spare !== null && this.#spare.length > RETAIN_BYTES) this.#spare = null;
    if (this.length === 0 && this.bytes.length > RETAIN_BYTES) {
      this.bytes = new Uint8Array(INITIAL_BYTES);
    }
  }
}
