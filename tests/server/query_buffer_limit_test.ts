/**
 * `client-query-buffer-limit`, walkv beside a real redis-server: a client
 * whose unparsed input passes the limit is closed without a reply (Redis
 * logs it), one under it is served, and CONFIG GET/SET of the setting
 * answer as Redis's do. Run with the smallest limit Redis allows, 1 MiB.
 */
import { RawConnection } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";

const LIMIT = ["--client-query-buffer-limit", "1mb"];
const decoder = new TextDecoder();

/** Sends `bytes`, half-closes, and returns all the server sends back. */
async function exchange(port: number, bytes: Uint8Array): Promise<string> {
  using connection = await RawConnection.connect(port);
  // The server may close while we write: what it answered is what counts.
  await connection.send(bytes).catch(() => {});
  await connection.conn.closeWrite().catch(() => {});
  return decoder.decode(await connection.readToEnd(10_000)).slice(0, 200);
}

async function scenario(port: number): Promise<string[]> {
  const transcript: string[] = [];
  using neighbour = await RawConnection.connect(port);
  // 900 kB: under the limit, answered.
  transcript.push(await exchange(port, frame("STRLEN", "x".repeat(900_000))));
  // A 2 MB bulk passes 1 MiB before it is whole: the client is closed, unanswered.
  transcript.push(await exchange(port, frame("ECHO", "y".repeat(2_000_000))));
  // Its neighbour is served on.
  transcript.push(await respCall(neighbour, "PING"));
  for (const value of ["100", "2mb", "1048575", "1gb", "abc"]) {
    transcript.push(await respCall(neighbour, "CONFIG", "SET", "client-query-buffer-limit", value));
    transcript.push(await respCall(neighbour, "CONFIG", "GET", "client-query-buffer-limit"));
  }
  return transcript;
}

Deno.test("client-query-buffer-limit closes a client past it, unanswered, as Redis does", async () => {
  await assertSameAsRedis(scenario, { redisArgs: LIMIT, walkvArgs: LIMIT });
});
