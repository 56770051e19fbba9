/**
 * Reading whole RESP replies off a {@linkcode RawConnection}, for tests that
 * talk RESP to a real walkv (or redis-server) without a client library: each
 * reply comes back as its exact text (`"+OK\r\n"`, `"$5\r\nhello\r\n"`,
 * `":1\r\n"`, `"%1\r\n+a\r\n:1\r\n"`), so a test compares what went over the
 * wire, not what a parser made of it.
 *
 * Both RESP2 and RESP3 replies are read: after `HELLO 3` a server may answer
 * with RESP3's null, booleans, doubles, big numbers, blob errors, verbatim
 * strings, maps, sets, attributes and pushes.
 *
 * @module
 */
import { type RawConnection } from "./server_process.ts";
import { frame } from "./resp_frames.ts";

const decoder = new TextDecoder();

/** Types whose whole reply is their header line: `+`, `-`, `:` and RESP3's `_ # , (`. */
const LINE_TYPES = new Set(["+", "-", ":", "_", "#", ",", "("]);
/** Types whose header gives a byte length, then that many bytes and CRLF: `$ ! =`. */
const BLOB_TYPES = new Set(["$", "!", "="]);
/**
 * Types whose header gives an element count, and how many replies follow
 * per counted element: an array, set or push holds `count` replies, a map
 * or attribute `2 × count` (keys and values).
 */
const AGGREGATE_WIDTH = new Map([["*", 1], ["~", 1], [">", 1], ["%", 2], ["|", 2]]);

/**
 * Reads exactly one RESP2 or RESP3 reply (nested aggregates included) and
 * returns its bytes as text. A bulk string, blob error or verbatim string may
 * hold newlines: its declared length, not its lines, says where it ends. An
 * attribute (`|`) is not a reply by itself but annotates the one after it,
 * so the text returned is the attribute followed by that reply.
 *
 * @throws {SyntaxError} when the bytes are not a RESP reply, quoting them.
 * @example
 * ```ts
 * await connection.send(frame("GET", "k"));
 * await readRespReply(connection); // "$1\r\nv\r\n", "$-1\r\n", or after HELLO 3 "_\r\n"
 * ```
 */
export async function readRespReply(
  connection: RawConnection,
  timeoutMs = 10_000,
): Promise<string> {
  const header = await connection.readText(1, timeoutMs);
  const type = header[0];
  if (LINE_TYPES.has(type)) {
    if (!header.endsWith("\r\n") || !isWellFormedLine(type, header.slice(1, -2))) {
      throw new SyntaxError(`Expected a RESP ${type} reply, found ${JSON.stringify(header)}`);
    }
    return header;
  }
  const digits = header.slice(1, -2);
  const count = Number(digits);
  if (!header.endsWith("\r\n") || !/^-?\d+$/.test(digits)) {
    throw new SyntaxError(`Expected a RESP reply header, found ${JSON.stringify(header)}`);
  }
  if (BLOB_TYPES.has(type)) {
    // Only RESP2's null bulk ("$-1") has a negative length.
    if (type === "$" && count === -1) return header;
    if (count < 0) throw new SyntaxError(`Negative length in ${JSON.stringify(header)}`);
    return header + await readBlobBody(connection, count, timeoutMs);
  }
  const width = AGGREGATE_WIDTH.get(type);
  if (width !== undefined) {
    // Only RESP2's null array ("*-1") has a negative count.
    if (type === "*" && count === -1) return header;
    if (count < 0) throw new SyntaxError(`Negative count in ${JSON.stringify(header)}`);
    let reply = header;
    for (let i = 0; i < count * width; i++) reply += await readRespReply(connection, timeoutMs);
    if (type === "|") reply += await readRespReply(connection, timeoutMs);
    return reply;
  }
  throw new SyntaxError(`Expected a RESP reply, found ${JSON.stringify(header)}`);
}

/** Whether a one-line reply's payload (without type and CRLF) has its type's form. */
function isWellFormedLine(type: string, payload: string): boolean {
  switch (type) {
    case "_":
      return payload === "";
    case "#":
      return payload === "t" || payload === "f";
    case ":":
    case "(":
      return /^[-+]?\d+$/.test(payload);
    case ",":
      return /^([-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?|[-+]?inf|nan)$/.test(payload);
    default:
      return true;
  }
}

/**
 * Reads a blob's `length` bytes and its closing CRLF. The body ends with
 * CRLF at byte length + 1, which is a line end, so reading whole lines lands
 * exactly on it.
 */
async function readBlobBody(
  connection: RawConnection,
  length: number,
  timeoutMs: number,
): Promise<string> {
  let body = "";
  let received = 0;
  while (received < length + 2) {
    const line = await connection.readReplies(1, timeoutMs);
    received += line.length;
    body += decoder.decode(line);
  }
  if (received !== length + 2 || !body.endsWith("\r\n")) {
    throw new SyntaxError(
      `Expected ${length} bytes and CRLF, found ${JSON.stringify(body)}`,
    );
  }
  return body;
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
