/**
 * Reading whole RESP2 replies off a {@linkcode RawConnection}, for tests that
 * talk RESP to a real walkv without a client library: each reply comes back
 * as its exact text (`"+OK\r\n"`, `"$5\r\nhello\r\n"`, `":1\r\n"`), so a test
 * compares what went over the wire, not what a parser made of it.
 *
 * @module
 */
import { type RawConnection } from "./server_process.ts";
import { frame } from "./resp_frames.ts";

const decoder = new TextDecoder();

/**
 * Reads exactly one RESP2 reply (nested arrays included) and returns its
 * bytes as text. A bulk string may hold newlines: its declared length, not
 * its lines, says where it ends.
 *
 * @example
 * ```ts
 * await connection.send(frame("GET", "k"));
 * await readRespReply(connection); // "$1\r\nv\r\n" or "$-1\r\n"
 * ```
 */
export async function readRespReply(
  connection: RawConnection,
  timeoutMs = 10_000,
): Promise<string> {
  const header = await connection.readText(1, timeoutMs);
  const type = header[0];
  if (type === "+" || type === "-" || type === ":") return header;
  const count = Number(header.slice(1, -2));
  if (!Number.isInteger(count) || !header.endsWith("\r\n")) {
    throw new SyntaxError(`Expected a RESP reply header, found ${JSON.stringify(header)}`);
  }
  if (type === "$") {
    if (count < 0) return header;
    // The body ends with CRLF at byte count + 1, which is a line end, so
    // reading whole lines lands exactly on it.
    let body = "";
    let received = 0;
    while (received < count + 2) {
      const line = await connection.readReplies(1, timeoutMs);
      received += line.length;
      body += decoder.decode(line);
    }
    return header + body;
  }
  if (type === "*") {
    let reply = header;
    for (let i = 0; i < count; i++) reply += await readRespReply(connection, timeoutMs);
    return reply;
  }
  throw new SyntaxError(`Expected a RESP reply, found ${JSON.stringify(header)}`);
}

/**
 * Sends one RESP request and returns its reply's text.
 *
 * @example
 * ```ts
 * await respCall(connection, "SET", "k", "v", "PX", "60000"); // "+OK\r\n"
 * ```
 */
export async function respCall(
  connection: RawConnection,
  ...args: (string | Uint8Array)[]
): Promise<string> {
  await connection.send(frame(...args));
  return await readRespReply(connection);
}
