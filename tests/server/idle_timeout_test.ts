/**
 * `--timeout SECONDS` (Redis's `timeout`): a connection that moves no bytes
 * for longer is closed, on both protocols, checked about once a second; a
 * client sending requests, trickling one, or taking its replies is not
 * idle; 0 never closes. Each test drives a real walkv on loopback.
 */
import { assert, assertEquals } from "@std/assert";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** How long an idle client may take to be closed under `--timeout 1`: 1 s, the check, and slack. */
const CLOSED_WITHIN_MS = 6000;
/** Longer than an idle client survives under `--timeout 1` (about 2 s at most). */
const ACTIVE_FOR_MS = 3000;
/** How often an active client sends. */
const SEND_EVERY_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits for the server to close `connection` and returns how long that took;
 * fails if it does not within {@linkcode CLOSED_WITHIN_MS}. Anything still
 * arriving (a reply in flight) is read and dropped.
 */
async function msUntilClosed(connection: RawConnection): Promise<number> {
  const start = performance.now();
  await connection.readToEnd(CLOSED_WITHIN_MS);
  return performance.now() - start;
}

Deno.test("idle timeout closes text, RESP and silent clients idle past --timeout 1", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--timeout", "1"] });
  using text = await RawConnection.connect(server.port);
  using resp = await RawConnection.connect(server.port);
  using silent = await RawConnection.connect(server.port);
  assertEquals(await request(text, "SET k v"), "+OK");
  assertEquals(
    await respCall(resp, "CONFIG", "GET", "timeout"),
    "*2\r\n$7\r\ntimeout\r\n$1\r\n1\r\n",
  );

  const [textMs, respMs, silentMs] = await Promise.all(
    [text, resp, silent].map((connection) => msUntilClosed(connection)),
  );
  // Never before the timeout: each was idle for more than 1 s when closed.
  for (const [who, ms] of [["text", textMs], ["RESP", respMs], ["silent", silentMs]] as const) {
    assert(ms >= 900, `the ${who} client was closed ${ms.toFixed(0)} ms after its last request`);
  }
  // The server goes on serving new clients.
  using after = await RawConnection.connect(server.port);
  assertEquals(await request(after, "GET k"), "+OK v");
  after.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("idle timeout spares clients that keep sending, until they stop", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--timeout", "1"] });
  using text = await RawConnection.connect(server.port);
  using resp = await RawConnection.connect(server.port);
  const start = performance.now();
  for (let i = 0; performance.now() - start < ACTIVE_FOR_MS; i++) {
    assertEquals(await request(text, `SET k${i} v${i}`), "+OK");
    assertEquals(await respCall(resp, "GET", `k${i}`), `$${`v${i}`.length}\r\nv${i}\r\n`);
    await sleep(SEND_EVERY_MS);
  }
  await msUntilClosed(text);
  await msUntilClosed(resp);
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("idle timeout spares a client trickling one long request", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--timeout", "1"] });
  using client = await RawConnection.connect(server.port);
  const request = frame("SET", "slow", "x".repeat(1000));
  const chunks = Math.ceil(ACTIVE_FOR_MS / SEND_EVERY_MS);
  const chunkBytes = Math.ceil(request.length / chunks);
  for (let at = 0; at < request.length; at += chunkBytes) {
    await client.send(request.subarray(at, at + chunkBytes));
    await sleep(SEND_EVERY_MS);
  }
  assertEquals(new TextDecoder().decode(await client.readReplies(1)), "+OK\r\n");
  assertEquals(await respCall(client, "STRLEN", "slow"), ":1000\r\n");
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

/** Far more than the socket buffers hold, so a client that does not read stalls the write. */
const LARGE_VALUE_BYTES = 16 * 1024 * 1024;

Deno.test("idle timeout closes a client that stops taking a large reply", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    args: ["--timeout", "1", "--no-persist"],
  });
  using client = await RawConnection.connect(server.port);
  assertEquals(await respCall(client, "SET", "big", "x".repeat(LARGE_VALUE_BYTES)), "+OK\r\n");
  await client.send(frame("GET", "big"));
  // Not reading: the server's write stalls, which is no progress.
  await sleep(ACTIVE_FOR_MS);
  const received = (await client.readToEnd(CLOSED_WITHIN_MS)).length;
  assert(
    received < LARGE_VALUE_BYTES,
    `the whole ${received}-byte reply came: the stalled connection was kept open`,
  );
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("idle timeout 0 never closes an idle client", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--timeout", "0"] });
  using text = await RawConnection.connect(server.port);
  using resp = await RawConnection.connect(server.port);
  assertEquals(await request(text, "SET k v"), "+OK");
  assertEquals(await respCall(resp, "PING"), "+PONG\r\n");
  await sleep(ACTIVE_FOR_MS);
  assertEquals(await request(text, "GET k"), "+OK v");
  assertEquals(
    await respCall(resp, "CONFIG", "GET", "timeout"),
    "*2\r\n$7\r\ntimeout\r\n$1\r\n0\r\n",
  );
  text.close();
  resp.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
