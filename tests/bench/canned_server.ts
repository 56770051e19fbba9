/**
 * Deno's socket floor, for `deno task bench --only floor`: a server that
 * answers every RESP request with the same canned 16-byte bulk reply and
 * parses nothing (it counts requests by their `*` bytes, which the bench's
 * keys and values never hold). What it serves per second is what any Deno
 * server on one thread can, with nothing of walkv's own in the way.
 *
 * @example
 * ```sh
 * deno run --allow-net=127.0.0.1 tests/bench/canned_server.ts --port 6400
 * ```
 *
 * @module
 */
import { writeAll } from "../../src/io/write_all.ts";

const REPLY = new TextEncoder().encode("$16\r\nxxxxxxxxxxxxxxxx\r\n");
const STAR = 0x2a;

/** `count` canned replies back to back, from a buffer grown on demand. */
let replies = repeatReply(1024);
function repeatReply(count: number): Uint8Array {
  const bytes = new Uint8Array(count * REPLY.length);
  for (let i = 0; i < count; i++) bytes.set(REPLY, i * REPLY.length);
  return bytes;
}

async function serve(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64 * 1024);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      let count = 0;
      for (let i = 0; i < n; i++) if (buffer[i] === STAR) count++;
      if (count === 0) continue;
      if (count * REPLY.length > replies.length) replies = repeatReply(count);
      await writeAll(conn, replies.subarray(0, count * REPLY.length));
    }
  } catch {
    // A client that went away; nothing to clean up but the socket.
  } finally {
    try {
      conn.close();
    } catch { /* closed already */ }
  }
}

const at = Deno.args.indexOf("--port");
const port = at === -1 ? NaN : Number(Deno.args[at + 1]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  console.error(`canned_server: --port must be 1-65535, found "${Deno.args[at + 1]}"`);
  Deno.exit(2);
}
const listener = Deno.listen({ hostname: "127.0.0.1", port });
console.log(`listening on 127.0.0.1:${port}`);
for await (const conn of listener) {
  conn.setNoDelay(true);
  serve(conn);
}
