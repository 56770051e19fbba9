import { errorMessage } from "../io/error_message.ts";
import { TextLineStream } from "@std/streams/text-line-stream";
import { binaryFromBytes, binaryFromText, writeBinary } from "../io/binary.ts";
import { splitFields } from "../protocol/split_fields.ts";
import { TextReplyWriter } from "../protocol/text_reply_writer.ts";
import type { Connection } from "./connection.ts";

const NEWLINE = 0x0a;
const utf8 = new TextDecoder();

/**
 * The first `n` bytes of `buffer` as a binary string. ASCII, the usual
 * case, is its own binary string, and the native UTF-8 decoder makes it ~70x
 * faster than {@linkcode binaryFromBytes} for a full 64 KiB read. The decoded
 * text is all ASCII exactly when it has one char per byte and no U+FFFD: a
 * valid multi-byte sequence decodes to fewer chars, an invalid one to U+FFFD.
 */
function binaryFromRead(buffer: Uint8Array, n: number): string {
  if (n > 64) {
    const text = utf8.decode(buffer.subarray(0, n));
    if (text.length === n && !text.includes("\ufffd")) return text;
  }
  return binaryFromBytes(buffer, 0, n);
}

/**
 * Serves the seed's text protocol on `connection`, starting with the `n`
 * bytes already read into `buffer` (which is reused for every read).
 *
 * The shape, and why: each read becomes a binary string at once (one char
 * per byte, so any bytes survive) and is fed to a `TextLineStream`.
 * Newlines are counted in the raw bytes, so the session knows how many lines
 * that read completed, takes exactly those from the stream, runs them, and
 * then writes all their replies in one `write`. That is one write per read,
 * however deep the client pipelines, instead of one per reply.
 *
 * Before writing, the batch waits until every WAL record appended so far is
 * durable: a `+OK` for a SET is never sent early, and no client (this one or
 * another) is shown a value that a crash could still take back.
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
export async function serveText(connection: Connection, buffer: Uint8Array, n: number) {
  const { text: dispatcher, maxLineBytes, server } = connection.options;
  const replies = new TextReplyWriter();
  const splitter: TransformStream<string, string> = new TextLineStream();
  const feed = splitter.writable.getWriter();
  const lines = splitter.readable.getReader();
  let writeBuffer = new Uint8Array(buffer.length);
  /** Bytes of the line in progress, counted across reads. */
  let lineBytes = 0;

  const runLine = (line: string): void => {
    const fields = splitFields(line);
    if (fields.length === 0) return;
    server.commandsProcessed++;
    dispatcher.dispatch(fields, replies);
  };

  /** Waits until the batch's effects are durable, then writes it in one go. */
  const flush = async (): Promise<void> => {
    const pending = dispatcher.settled();
    if (pending) {
      try {
        await pending;
      } catch (error: unknown) {
        replies.failAll(binaryFromText(errorMessage(error)));
      }
    }
    const text = replies.take();
    if (text.length > writeBuffer.length) writeBuffer = new Uint8Array(text.length);
    await connection.write(writeBuffer.subarray(0, writeBinary(text, writeBuffer, 0)));
  };

  /**
   * Counts the lines the first `n` bytes complete and checks each against the
   * line limit. `fedBytes` is how much may be decoded: all of it, or, when a
   * line is too long, only the lines before it.
   */
  const scan = (n: number): { complete: number; fedBytes: number } => {
    const bytes = buffer.subarray(0, n);
    let complete = 0;
    let lineStart = 0;
    for (let i = bytes.indexOf(NEWLINE); i !== -1; i = bytes.indexOf(NEWLINE, i + 1)) {
      if (lineBytes + i - lineStart > maxLineBytes) return { complete, fedBytes: lineStart };
      lineBytes = 0;
      lineStart = i + 1;
      complete++;
    }
    lineBytes += n - lineStart;
    if (lineBytes > maxLineBytes) return { complete, fedBytes: lineStart };
    return { complete, fedBytes: n };
  };

  try {
    for (let read: number | null = n; read !== null; read = await connection.read(buffer)) {
      const { complete, fedBytes } = scan(read);
      const text = binaryFromRead(buffer, fedBytes);
      // The write settles only once its lines are read below; not awaited.
      if (text.length > 0) feed.write(text).catch(() => {});
      for (let i = 0; i < complete; i++) {
        const { value } = await lines.read();
        runLine(value as string);
      }
      if (fedBytes < read) {
        replies.error(`line too long: more than ${maxLineBytes} bytes without a newline; closing`);
        await flush();
        return;
      }
      if (replies.count > 0) await flush();
    }
    if (connection.stopping) return;
    // The client hung up: answer a final line it sent without a newline
    // (every byte was fed already; a binary string holds nothing back).
    const closing = feed.close().catch(() => {});
    for (let r = await lines.read(); !r.done; r = await lines.read()) runLine(r.value);
    await closing;
    if (replies.count > 0) await flush();
  } finally {
    lines.releaseLock();
    feed.releaseLock();
  }
}
