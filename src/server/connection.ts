import { TextLineStream } from "@std/streams/text-line-stream";
import type { Dispatcher } from "../commands/dispatcher.ts";
import { splitFields } from "../protocol/split_fields.ts";
import { TextReplyWriter } from "../protocol/text_reply_writer.ts";
import { closeQuietly } from "../io/close_quietly.ts";
import { writeAll } from "../io/write_all.ts";

/** Options for a {@linkcode Connection}. */
export interface ConnectionOptions {
  /** The longest line accepted, in bytes; a longer one closes the connection. */
  maxLineBytes: number;
}

const READ_BUFFER_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
const encoder = new TextEncoder();

/**
 * One client: owns its socket, turns bytes into lines and lines into
 * commands, and writes replies back in order, batched.
 *
 * The shape, and why: bytes come from a `conn.read()` loop into one reused
 * buffer, each read decoded to text at once and fed to a `TextLineStream`.
 * Newlines are counted in the raw bytes, so the connection knows how many
 * lines that read completed, takes exactly those from the stream, runs them,
 * and then writes all their replies in one `write`. That is one write per
 * read, however deep the client pipelines, instead of one per reply.
 *
 * Before writing, the batch waits until every WAL record appended so far is
 * durable: a `+OK` for a SET is never sent early, and no client (this one or
 * another) is shown a value that a crash could still take back.
 *
 * @example
 * ```ts
 * const connection = new Connection(conn, dispatcher, { maxLineBytes: 1 << 20 });
 * await connection.serve();
 * ```
 */
export class Connection {
  readonly #conn: Deno.TcpConn;
  readonly #dispatcher: Dispatcher;
  readonly #maxLineBytes: number;
  readonly #replies = new TextReplyWriter();
  readonly #decoder = new TextDecoder();
  #readBuffer = new Uint8Array(READ_BUFFER_BYTES);
  #writeBuffer = new Uint8Array(READ_BUFFER_BYTES);
  /** Bytes of the line in progress, counted across reads. */
  #lineBytes = 0;
  #busy = false;
  #stopping = false;
  #closed = false;

  constructor(conn: Deno.TcpConn, dispatcher: Dispatcher, options: ConnectionOptions) {
    this.#conn = conn;
    this.#dispatcher = dispatcher;
    this.#maxLineBytes = options.maxLineBytes;
  }

  /** Serves the client until it hangs up, breaks the rules, or `stop` is called. */
  async serve(): Promise<void> {
    const splitter: TransformStream<string, string> = new TextLineStream();
    const feed = splitter.writable.getWriter();
    const lines = splitter.readable.getReader();
    try {
      while (!this.#stopping) {
        this.#busy = false;
        const n = await this.#read();
        this.#busy = true;
        if (n === null) {
          await this.#finish(feed, lines);
          break;
        }
        const { complete, fedBytes } = this.#scan(n);
        const text = this.#decoder.decode(this.#readBuffer.subarray(0, fedBytes), {
          stream: true,
        });
        // The write settles only once its lines are read below; not awaited.
        if (text.length > 0) feed.write(text).catch(() => {});
        for (let i = 0; i < complete; i++) {
          const { value } = await lines.read();
          this.#runLine(value as string);
        }
        if (fedBytes < n) {
          this.#replies.error(
            `line too long: more than ${this.#maxLineBytes} bytes without a newline; closing`,
          );
          await this.#flush();
          break;
        }
        if (this.#replies.count > 0) await this.#flush();
      }
    } catch (error: unknown) {
      if (!isDisconnect(error)) throw error;
    } finally {
      lines.releaseLock();
      feed.releaseLock();
      this.#close();
    }
  }

  /**
   * Asks the connection to stop: an idle one (waiting for the client) closes
   * now; a busy one first answers the commands it has received.
   */
  stop(): void {
    this.#stopping = true;
    if (!this.#busy) this.#close();
  }

  async #read(): Promise<number | null> {
    try {
      return await this.#conn.read(this.#readBuffer);
    } catch (error: unknown) {
      // `stop` closed the socket under a pending read.
      if (this.#stopping && error instanceof Deno.errors.BadResource) return null;
      if (this.#stopping && error instanceof Deno.errors.Interrupted) return null;
      throw error;
    }
  }

  /**
   * Counts the lines the first `n` bytes complete and checks each against the
   * line limit. `fedBytes` is how much may be decoded: all of it, or, when a
   * line is too long, only the lines before it.
   */
  #scan(n: number): { complete: number; fedBytes: number } {
    const bytes = this.#readBuffer.subarray(0, n);
    let complete = 0;
    let lineStart = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) {
      if (this.#lineBytes + i - lineStart > this.#maxLineBytes) {
        return { complete, fedBytes: lineStart };
      }
      this.#lineBytes = 0;
      lineStart = i + 1;
      complete++;
    }
    this.#lineBytes += n - lineStart;
    if (this.#lineBytes > this.#maxLineBytes) return { complete, fedBytes: lineStart };
    return { complete, fedBytes: n };
  }

  #runLine(line: string): void {
    const fields = splitFields(line);
    if (fields.length > 0) this.#dispatcher.dispatch(fields, this.#replies);
  }

  /** Answers a final line the client sent without a newline before hanging up. */
  async #finish(
    feed: WritableStreamDefaultWriter<string>,
    lines: ReadableStreamDefaultReader<string>,
  ): Promise<void> {
    const rest = this.#decoder.decode();
    if (rest.length > 0) feed.write(rest).catch(() => {});
    const closing = feed.close().catch(() => {});
    for (let r = await lines.read(); !r.done; r = await lines.read()) this.#runLine(r.value);
    await closing;
    if (this.#replies.count > 0) await this.#flush();
  }

  /** Waits until the batch's effects are durable, then writes it in one go. */
  async #flush(): Promise<void> {
    const pending = this.#dispatcher.settled();
    if (pending) {
      try {
        await pending;
      } catch (error: unknown) {
        this.#replies.failAll(error instanceof Error ? error.message : String(error));
      }
    }
    const text = this.#replies.take();
    if (text.length * 3 > this.#writeBuffer.length) {
      this.#writeBuffer = new Uint8Array(text.length * 3);
    }
    const { written } = encoder.encodeInto(text, this.#writeBuffer);
    await writeAll(this.#conn, this.#writeBuffer.subarray(0, written));
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }
}

/** Errors that only mean the client went away. */
function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}
