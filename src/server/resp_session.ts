import { errorMessage } from "../io/error_message.ts";
import type { CommandContext } from "../commands/resp/resp_command.ts";
import { binaryFromText } from "../io/binary.ts";
import { INCOMPLETE, PROTOCOL_ERROR, RespParser } from "../protocol/resp_parser.ts";
import { RespWriter } from "../protocol/resp_writer.ts";
import type { Connection } from "./connection.ts";

/**
 * Replies are sent once they reach this size even if more requests are
 * waiting, so a pipeline of large GETs cannot pile up replies without bound.
 */
const FLUSH_BYTES = 1024 * 1024;
/** The read buffer a session starts with and returns to after a large request. */
const BUFFER_BYTES = 64 * 1024;

/**
 * Serves RESP2 on `connection`, starting with the `n` bytes already read
 * into `buffer`.
 *
 * Requests are parsed from bytes in place: each read lands after any
 * partial request left from the last one, every complete request in the
 * buffer is run, and all their replies go out in one write once the batch
 * is durable. A request split across reads at any byte just waits for the
 * rest; the buffer grows only when one request outgrows it, so memory
 * tracks what the client has actually sent. A protocol error is answered
 * (after the replies before it) and ends the connection, as in Redis.
 *
 * @example
 * ```ts
 * const n = await connection.read(buffer);
 * if (n !== null && buffer[0] === 0x2a) await serveResp(connection, buffer, n);
 * ```
 */
export async function serveResp(
  connection: Connection,
  first: Uint8Array,
  n: number,
): Promise<void> {
  const { db, resp, server, maxBulkBytes } = connection.options;
  const parser = new RespParser({ maxBulkBytes });
  const reply = new RespWriter();
  const client = connection.client;
  const context: CommandContext = { db, reply, client, server, commands: resp.table };
  let buffer = first;
  let start = 0;
  let end = n;
  let writing: Promise<void> = Promise.resolve();

  while (true) {
    let answered = 0;
    let broken = false;
    while (start < end && !client.closing && reply.length < FLUSH_BYTES) {
      const next = parser.parse(buffer, start, end);
      if (next === INCOMPLETE) break;
      if (next === PROTOCOL_ERROR) {
        broken = true;
        break;
      }
      start = next;
      if (parser.fields.length === 0) continue;
      resp.dispatch(parser.fields, context);
      answered++;
    }
    if (answered > 0) {
      const pending = db.settled();
      if (pending) {
        try {
          await pending;
        } catch (error: unknown) {
          // Nothing in the batch may be shown: its writes were rolled back.
          const message = binaryFromText(errorMessage(error));
          reply.rewind(0);
          for (let i = 0; i < answered; i++) reply.error(`MISCONF ${message}`);
        }
      }
    }
    const full = reply.length >= FLUSH_BYTES;
    if (broken) reply.error(`ERR ${parser.error}`);
    if (reply.length > 0) {
      // One write in flight at a time, in order; it overlaps the next read.
      await writing;
      writing = connection.write(reply.take());
      writing.catch(() => {}); // its error surfaces at the next await
    }
    if (broken || client.closing) return await writing;
    // Replies filled up before the requests ran out: go on with the rest.
    if (full) continue;

    if (start === end) {
      start = end = 0;
      if (buffer.length > BUFFER_BYTES) buffer = new Uint8Array(BUFFER_BYTES);
    } else if (end === buffer.length) {
      // A partial request fills the buffer: move it to the front, or grow.
      if (start > 0) {
        buffer.copyWithin(0, start, end);
      } else {
        const larger = new Uint8Array(buffer.length * 2);
        larger.set(buffer);
        buffer = larger;
      }
      end -= start;
      start = 0;
    }
    const read = await connection.read(buffer.subarray(end));
    if (read === null) return await writing;
    end += read;
  }
}
