import type { Context } from "../commands/command_spec.ts";
import { RESP_DIALECT } from "../commands/gate.ts";
import { binaryFromText } from "../io/binary.ts";
import { INCOMPLETE, PROTOCOL_ERROR, RespParser } from "../protocol/resp_parser.ts";
import { RespWriter } from "../protocol/resp_writer.ts";
import { log } from "./log.ts";
import { PUSHED, PushQueue } from "./push_queue.ts";
import type { SessionConnection } from "./session_connection.ts";
import { ReplyBarrier } from "./reply_barrier.ts";

/** The read buffer a session starts with and returns to after a large request. */
const BUFFER_BYTES = 64 * 1024;
/** What a blocked client may send ahead before the session stops reading it. */
const BLOCKED_AHEAD_BYTES = 1024 * 1024;

/**
 * Serves RESP on `connection` (RESP2, or RESP3 after `HELLO 3`), starting
 * with the `n` bytes already read into `buffer`. Every request goes through
 * the one {@linkcode CommandGate}.
 *
 * Requests are parsed from bytes in place: each read lands after any
 * partial request left from the last one, every complete request in the
 * buffer is run, and their replies go out through the connection's
 * {@linkcode ReplyBarrier}: in one write once the batch is durable, and
 * early once they reach its bound, when no more requests run until they are
 * written (a client that does not read its replies stops being served, and
 * costs bounded memory). A request split across reads at any byte just waits
 * for the rest; the buffer grows only when one request outgrows it, so
 * memory tracks what the client has actually sent. A protocol error is
 * answered (after the replies before it) and ends the connection, as in Redis.
 *
 * Pub/sub messages for this client wait in its {@linkcode PushQueue} and
 * go out behind the replies it owes: moved behind each command's reply, and
 * while the session waits for the client, sent as they arrive (through the
 * same barrier, so after the records pending when they were queued are
 * durable, as Redis writes its AOF before any client's output).
 *
 * @example
 * ```ts
 * const n = await connection.read(buffer);
 * if (n !== null && buffer[0] === 0x2a) await serveResp(connection, buffer, n);
 * ```
 */
export async function serveResp(
  connection: SessionConnection,
  first: Uint8Array,
  n: number,
): Promise<void> {
  const { gate, resp, server, maxBulkBytes } = connection.options;
  const databases = server.databases;
  const parser = new RespParser({ maxBulkBytes });
  const reply = new RespWriter();
  reply.onError = (message) => server.countError(message);
  const client = connection.client;
  const context: Context = {
    db: databases.get(0),
    reply,
    client,
    server,
    commands: resp,
    gate,
    atomic: false,
  };
  const barrier = new ReplyBarrier(databases, reply, {
    write: (bytes) => connection.write(bytes),
    rolledBack: (error) => `MISCONF ${binaryFromText(error.message)}`,
  });
  const pushes = new PushQueue({
    replies: reply,
    atomic: () => context.atomic,
    unsentBytes: () => barrier.unsentBytes,
    onOverflow(reason, unsentBytes) {
      log.warn(
        `client id=${client.id} addr=${client.address} name=${client.name} scheduled to be ` +
          `closed ASAP for overcoming of output buffer limits (pubsub ${reason}; ` +
          `${unsentBytes} bytes unsent)`,
      );
      connection.abort();
    },
  });
  client.sink = pushes;
  /** Moves the queued messages behind the replies so far. */
  const forward = () => {
    pushes.moveTo(reply);
    barrier.pushed();
  };
  /**
   * Waits for a read of the client's next bytes. A subscriber's messages that
   * arrive meanwhile are sent at once, the read staying pending.
   */
  const settle = async (reading: Promise<number | null>): Promise<number | null> => {
    if (client.subscriptions === 0 && !client.monitoring && pushes.length === 0) {
      return await reading;
    }
    while (true) {
      const woke = await Promise.race([reading, pushes.arrival()]);
      if (woke !== PUSHED) return woke;
      forward();
      await barrier.flush();
      barrier.idle();
    }
  };
  let buffer = first;
  let start = 0;
  let end = n;
  let peak = n;
  client.buffers = () => ({
    queryBytes: end - start,
    queryFree: buffer.length - end,
    readBufferBytes: buffer.length,
    readBufferPeak: peak,
    heldBytes: reply.length,
    unsentBytes: barrier.unsentBytes,
    writing: barrier.unsentBytes > reply.length,
  });
  /**
   * While a command blocks (BLPOP…), the session reads on into `spare`, so a
   * hang-up is seen and the client taken off its keys; bytes that arrive are
   * queued after the others. A read still in flight when the command ends is
   * the next read.
   */
  const spare = new Uint8Array(16 * 1024);
  let spareRead: Promise<number | null> | null = null;
  /** Appends `count` bytes of `spare` after the unparsed ones, growing the buffer if need be. */
  const keep = (count: number) => {
    if (end + count > buffer.length) {
      const larger = new Uint8Array(Math.max(buffer.length * 2, end - start + count));
      larger.set(buffer.subarray(start, end));
      buffer = larger;
      end -= start;
      start = 0;
    }
    buffer.set(spare.subarray(0, count), end);
    end += count;
  };
  /** Waits for a blocked command; true when the client hung up meanwhile. */
  const whileBlocked = async (running: Promise<void>): Promise<boolean> => {
    const done = running.then(() => "done" as const);
    while (end - start <= BLOCKED_AHEAD_BYTES) {
      spareRead ??= connection.read(spare);
      const winner = await Promise.race([done, spareRead]);
      if (winner === "done") return false;
      spareRead = null;
      if (winner === null) {
        client.blocked?.cancel();
        await running;
        return true;
      }
      keep(winner);
    }
    await running;
    return false;
  };

  /** Redis's answer to a client past `client-query-buffer-limit`: a log line and no reply. */
  const overLimit = async () => {
    log.warn(
      `closing client id=${client.id} addr=${client.address} that reached max query buffer ` +
        `length (qbuf=${end - start}, limit ${server.queryBufferLimit})`,
    );
    await barrier.drain();
    connection.abort();
  };

  while (true) {
    let broken = false;
    while (start < end && !client.closing && !barrier.full) {
      parser.authenticated = client.authenticated;
      const next = parser.parse(buffer, start, end);
      if (next === INCOMPLETE) break;
      if (next === PROTOCOL_ERROR) {
        broken = true;
        break;
      }
      start = next;
      if (parser.fields.length === 0) continue;
      // While CLIENT PAUSE may hold this request, the replies before it go out first.
      if (server.pause.mode !== null && reply.length > 0) await barrier.flush();
      const mark = reply.length;
      pushes.direct = true;
      const running = gate.execute(resp, RESP_DIALECT, parser.fields, context);
      pushes.direct = false;
      if (running) {
        if (client.blocked === null) await running;
        else if (await whileBlocked(running)) return await barrier.drain();
      }
      barrier.replied(mark);
      if (pushes.length !== 0) forward();
    }
    if (broken) reply.error(`ERR ${parser.error}`);
    // Replies filled up before the requests ran out: send them, then go on.
    const full = barrier.full;
    await barrier.flush();
    if (broken || client.closing) return await barrier.drain();
    if (full) continue;

    if (start === end) {
      start = end = 0;
      if (buffer.length > BUFFER_BYTES) {
        // After a large request: let go of its bytes, and of its strings.
        buffer = new Uint8Array(BUFFER_BYTES);
        parser.reset();
      }
      barrier.idle();
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
    if (spareRead !== null) {
      const reading = spareRead;
      spareRead = null;
      const count = await settle(reading);
      if (count === null) return await barrier.drain();
      keep(count);
      if (end - start > server.queryBufferLimit) return await overLimit();
      continue;
    }
    const count = await settle(connection.read(buffer.subarray(end)));
    if (count === null) return await barrier.drain();
    end += count;
    if (end - start > server.queryBufferLimit) return await overLimit();
    if (end - start > peak) peak = end - start;
  }
}
