/**
 * A {@linkcode Transcript} for replies that hold arbitrary bytes (bitmaps,
 * BITOP results, SETRANGE over bytes ≥ 0x80): each reply is read as its
 * exact bytes and logged one character per byte, so two replies that differ
 * in any byte differ in the log too (a UTF-8 decoding would turn every
 * invalid byte into the same U+FFFD).
 *
 * @module
 */
import { frame } from "./resp_frames.ts";
import type { RawConnection } from "./server_process.ts";

/** Types whose whole reply is their header line. */
const LINE_TYPES = new Set(["+", "-", ":", "_", "#", ",", "("]);
/** Types whose header gives a byte length. */
const BLOB_TYPES = new Set(["$", "!", "="]);
/** Aggregate types and how many replies each counted element holds. */
const AGGREGATE_WIDTH = new Map([["*", 1], ["~", 1], [">", 1], ["%", 2]]);

/** `bytes` one character per byte. */
function binary(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

/**
 * Reads exactly one RESP2 or RESP3 reply and returns its bytes, one
 * character per byte.
 *
 * @throws {SyntaxError} when the bytes are not a RESP reply, quoting them.
 */
export async function readReplyBytes(
  connection: RawConnection,
  timeoutMs = 5_000,
): Promise<string> {
  const header = binary(await connection.readReplies(1, timeoutMs));
  const type = header[0];
  if (LINE_TYPES.has(type)) return header;
  const count = Number(header.slice(1, -2));
  if (!header.endsWith("\r\n") || !Number.isInteger(count)) {
    throw new SyntaxError(`Expected a RESP reply header, found ${JSON.stringify(header)}`);
  }
  if (BLOB_TYPES.has(type)) {
    if (count < 0) return header;
    // The body ends in CRLF, so reading whole lines lands exactly on its end.
    let body = "";
    while (body.length < count + 2) {
      body += binary(await connection.readReplies(1, timeoutMs));
    }
    return header + body;
  }
  const width = AGGREGATE_WIDTH.get(type);
  if (width === undefined) {
    throw new SyntaxError(`Expected a RESP reply, found ${JSON.stringify(header)}`);
  }
  let reply = header;
  for (let i = 0; i < Math.max(count, 0) * width; i++) {
    reply += await readReplyBytes(connection, timeoutMs);
  }
  return reply;
}

/** A scenario's log: one line per request, its reply as exact bytes. */
export class ByteTranscript {
  readonly lines: string[] = [];

  /**
   * Sends one request (text arguments as UTF-8, byte arrays as they are)
   * and logs its reply, normalised by `normalise`.
   *
   * @example
   * ```ts
   * await log.call(connection, ["SET", "k", new Uint8Array([0xff])]); // logs `SET k <ff> -> "+OK\r\n"`
   * ```
   */
  async call(
    connection: RawConnection,
    args: (string | Uint8Array)[],
    normalise: (reply: string) => string = (reply) => reply,
  ): Promise<string> {
    await connection.send(frame(...args));
    const reply = await readReplyBytes(connection);
    const label = args.map((arg) => typeof arg === "string" ? arg : `<${hex(arg)}>`).join(" ");
    this.lines.push(`${label} -> ${JSON.stringify(normalise(reply))}`);
    return reply;
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}
