import { TextLineStream } from "@std/streams/text-line-stream";
import { binaryFromBytes, binaryFromText } from "../io/binary.ts";
import { splitFields } from "../protocol/split_fields.ts";
import { TextReplyWriter } from "../protocol/text_reply_writer.ts";
import { UNAUTHENTICATED_MAX_BULK } from "../protocol/resp_parser.ts";
import type { Context } from "../commands/command_spec.ts";
import type { TextReply } from "../commands/reply.ts";
import { TEXT_DIALECT } from "../commands/text.ts";
import type { SessionConnection } from "./session_connection.ts";
import { ReplyBarrier } from "./reply_barrier.ts";

const NEWLINE = 0x0a;
/** The start size of the buffer for a line that spans reads. */
const PARTIAL_LINE_BYTES = 4096;

/**
 * The bytes of a line that has not ended yet, kept until its newline comes.
 * Fed to the line splitter piece by piece, a line trickled in tiny reads
 * would be searched again from its start at every read (quadratic); kept
 * here, it grows by doubling and is handed over once, whole.
 */
class PartialLine {
  #bytes = new Uint8Array(PARTIAL_LINE_BYTES);
  #length = 0;

  /** Appends `bytes`. */
  add(bytes: Uint8Array): void {
    if (this.#length + bytes.length > this.#bytes.length) {
      let size = this.#bytes.length * 2;
      while (size < this.#length + bytes.length) size *= 2;
      const larger = new Uint8Array(size);
      larger.set(this.#bytes.subarray(0, this.#length));
      this.#bytes = larger;
    }
    this.#bytes.set(bytes, this.#length);
    this.#length += bytes.length;
  }

  /** The kept bytes as a binary string; empty afterwards, its memory given back if large. */
  take(): string {
    const text = this.#length === 0 ? "" : binaryFromBytes(this.#bytes, 0, this.#length);
    this.#length = 0;
    if (this.#bytes.length > PARTIAL_LINE_BYTES) this.#bytes = new Uint8Array(PARTIAL_LINE_BYTES);
    return text;
  }
}

/**
 * Serves the seed's text protocol on `connection`, starting with the `n`
 * bytes already read into `buffer` (which is reused for every read).
 *
 * The shape, and why: the lines each read completes become a binary string
 * at once (one char per byte, so any bytes survive) and are fed to a
 * `TextLineStream`; the start of a line still in progress waits as bytes
 * until its newline arrives. Newlines are counted in the raw bytes, so the
 * session knows how many lines that read completed, takes exactly those from
 * the stream, runs them, and then writes all their replies in one `write`.
 * That is one write per read, however deep the client pipelines, instead of
 * one per reply.
 *
 * Replies go out through the connection's {@linkcode ReplyBarrier}: a batch
 * waits until the WAL records its replies could depend on are durable, so a
 * `+OK` for a SET is never sent early and no client (this one or another) is
 * shown a value that a crash could still take back; replies that depended on
 * a write that was rolled back become error lines. Once the replies reach the
 * barrier's bound they are sent before more lines run.
 *
 * Fields are therefore binary strings, the form keys and values take in the
 * store, so a key set here is the same key over RESP, byte for byte.
 *
 * @example
 * ```ts
 * const n = await connection.read(buffer);
 * if (n !== null && buffer[0] !== 0x2a) await serveText(connection, buffer, n);
 * ```
 */
export async function serveText(connection: SessionConnection, buffer: Uint8Array, n: number) {
  const { gate, text, server } = connection.options;
  const client = connection.client;
  /**
   * The longest line accepted now: until the client authenticates, Redis's
   * limit for an unauthenticated bulk, so a stranger cannot make the server
   * buffer a long line.
   */
  const lineLimit = () =>
    client.authenticated ? connection.options.maxLineBytes : UNAUTHENTICATED_MAX_BULK;
  const databases = server.databases;
  const replies = new TextReplyWriter();
  replies.onError = (message) => server.countError(message);
  // Text connections always use database 0.
  const context: Context<TextReply> = {
    db: databases.get(0),
    reply: replies,
    client: connection.client,
    server,
    commands: text,
    gate,
    atomic: false,
  };
  const barrier = new ReplyBarrier(databases, replies, {
    write: (bytes) => connection.write(bytes),
    rolledBack: (error) => binaryFromText(error.message),
  });
  const splitter: TransformStream<string, string> = new TextLineStream();
  const feed = splitter.writable.getWriter();
  const lines = splitter.readable.getReader();
  /** Bytes of the line in progress, counted across reads. */
  let lineBytes = 0;
  /** The start of the line in progress, from earlier reads. */
  const partial = new PartialLine();

  /** Runs one line; a promise only while CLIENT PAUSE holds it. */
  const runLine = (line: string): void | Promise<void> => {
    const fields = splitFields(line);
    if (fields.length === 0) return;
    const mark = replies.length;
    const running = gate.execute(text, TEXT_DIALECT, fields, context);
    if (running) return running.then(() => barrier.replied(mark));
    barrier.replied(mark);
  };
  client.protocol = 0;
  client.buffers = () => ({
    queryBytes: lineBytes,
    queryFree: buffer.length - Math.min(lineBytes, buffer.length),
    readBufferBytes: buffer.length,
    readBufferPeak: buffer.length,
    heldBytes: replies.length,
    unsentBytes: barrier.unsentBytes,
    writing: barrier.unsentBytes > replies.length,
  });

  /**
   * Counts the lines the first `n` bytes complete and checks each against the
   * line limit. `lineEnd` is where the last complete line ends; `tooLong`
   * says a line broke the limit, which ends the connection after the lines
   * before it are answered.
   */
  const scan = (n: number): { complete: number; lineEnd: number; tooLong: boolean } => {
    // Complete lines are in hand already (one read's worth at most); the
    // limit that matters before AUTH is on the line left waiting for more.
    const maxLineBytes = connection.options.maxLineBytes;
    const bytes = buffer.subarray(0, n);
    let complete = 0;
    let lineStart = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) {
      if (lineBytes + i - lineStart > maxLineBytes) {
        return { complete, lineEnd: lineStart, tooLong: true };
      }
      lineBytes = 0;
      lineStart = i + 1;
      complete++;
    }
    lineBytes += n - lineStart;
    return { complete, lineEnd: lineStart, tooLong: lineBytes > lineLimit() };
  };

  try {
    for (let read: number | null = n; read !== null; read = await connection.read(buffer)) {
      const scanned = scan(read);
      const { complete, lineEnd } = scanned;
      let tooLong = scanned.tooLong;
      if (complete > 0) {
        // The write settles only once its lines are read below; not awaited.
        const text = partial.take() + binaryFromBytes(buffer, 0, lineEnd);
        feed.write(text).catch(() => {});
      }
      if (!tooLong) partial.add(buffer.subarray(lineEnd, read));
      for (let i = 0; i < complete; i++) {
        const { value } = await lines.read();
        // Before AUTH, a line past Redis's unauthenticated limit ends it.
        if ((value as string).length > lineLimit()) {
          tooLong = true;
          break;
        }
        // While CLIENT PAUSE may hold this line, the replies before it go out first.
        if (server.pause.mode !== null && replies.length > 0) await barrier.flush();
        const running = runLine(value as string);
        if (running) await running;
        // A client that does not read its replies is not served more.
        if (barrier.full) await barrier.flush();
      }
      if (tooLong) {
        replies.error(`line too long: more than ${lineLimit()} bytes without a newline; closing`);
        await barrier.flush();
        return await barrier.drain();
      }
      await barrier.flush();
      barrier.idle();
    }
    if (connection.stopping) return await barrier.drain();
    // The client hung up: answer a final line it sent without a newline.
    const rest = partial.take();
    if (rest.length > 0) feed.write(rest).catch(() => {});
    const closing = feed.close().catch(() => {});
    for (let r = await lines.read(); !r.done; r = await lines.read()) await runLine(r.value);
    await closing;
    await barrier.flush();
    await barrier.drain();
  } finally {
    lines.releaseLock();
    feed.releaseLock();
  }
}
