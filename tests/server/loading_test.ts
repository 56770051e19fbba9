/**
 * Serving while the WAL replays (issue 12, "listen before the replay"): a
 * client connected during a long replay gets Redis's `-LOADING` for what
 * Redis refuses while loading, its answer for what Redis allows (AUTH,
 * HELLO, INFO, SELECT, ECHO, CONFIG, CLIENT, COMMAND, MULTI/EXEC, …), INFO
 * persistence's progress fields, and once the replay is done, the data.
 *
 * The WAL is 2M seed SET records written directly with the record codec, so
 * the replay lasts long enough (seconds) to be caught in the middle.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { WalkvClient } from "../../src/client/mod.ts";
import { encodeSet, recordText } from "../../src/wal/record.ts";
import { respCall } from "../helpers/resp_reply.ts";
import {
  RawConnection,
  request,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const RECORDS = 2_000_000;
const LOADING = "-LOADING Redis is loading the dataset in memory\r\n";
const encoder = new TextEncoder();

/** Writes `count` records `SET k<i> v<i>` to `path`, in 4 MB writes; returns the byte count. */
async function writeWal(path: string, count: number): Promise<number> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  let chunk = "";
  let bytes = 0;
  const flush = async () => {
    const data = encoder.encode(chunk);
    for (let at = 0; at < data.length;) at += await file.write(data.subarray(at));
    bytes += data.length;
    chunk = "";
  };
  for (let i = 0; i < count; i++) {
    chunk += recordText(encodeSet(`k${i}`, `v${i}`));
    if (chunk.length >= 4 << 20) await flush();
  }
  await flush();
  return bytes;
}

/** Starts walkv on a WAL of `RECORDS` records, returning once it accepts (still loading). */
async function startLoading(
  walDir: string,
  args: string[] = [],
): Promise<{ server: ServerProcess; walBytes: number }> {
  const walBytes = await writeWal(`${walDir}/wal`, RECORDS);
  const server = await startServer({
    walDir,
    args,
    readyText: (port) => `accepting connections on 127.0.0.1:${port}`,
  });
  return { server, walBytes };
}

/** Sends `GET key` every 20 ms until it is not refused; returns the answer. */
async function whenLoaded(client: RawConnection, key: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const reply = await respCall(client, "GET", key);
    if (reply !== LOADING) return reply;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error("still loading after 60 s");
}

Deno.test("a client connected during the replay gets -LOADING, then its answer", async () => {
  await using dir = await tempDir();
  const { server, walBytes } = await startLoading(dir.path);
  await using _server = server;
  using client = await RawConnection.connect(server.port);
  using text = await RawConnection.connect(server.port);

  assertEquals(await respCall(client, "GET", "k1"), LOADING);
  assertEquals(await respCall(client, "SET", "new", "1"), LOADING);
  assertEquals(await respCall(client, "PING"), LOADING, "PING has no loading flag in Redis 7.0");
  assertEquals(await respCall(client, "DBSIZE"), LOADING);
  assertEquals(await request(text, "GET k1"), "-GET refused, the server is loading the WAL");
  assertEquals(await request(text, "SET a b"), "-SET refused, the server is loading the WAL");

  const info = await respCall(client, "INFO", "persistence");
  assertStringIncludes(info, "\r\nloading:1\r\n");
  const field = (name: string) => {
    const match = new RegExp(`\r\n${name}:([^\r]*)\r\n`).exec(info);
    assert(match !== null, `INFO has no ${name}: ${info}`);
    return match![1];
  };
  assertEquals(field("loading_total_bytes"), String(walBytes));
  assertEquals(field("loading_rdb_used_mem"), "0");
  const loaded = Number(field("loading_loaded_bytes"));
  assert(loaded >= 0 && loaded < walBytes, `loading_loaded_bytes ${loaded} of ${walBytes}`);
  assertMatch(field("loading_loaded_perc"), /^\d+\.\d\d$/);
  assertEquals(
    Number(field("loading_loaded_perc")),
    Math.round(loaded / (walBytes + 1) * 1e4) / 100,
  );
  assertMatch(field("loading_eta_seconds"), /^\d+$/);
  const start = Number(field("loading_start_time"));
  assert(Math.abs(start - Date.now() / 1000) < 120, `loading_start_time ${start}`);

  // Once the replay is done: every record is there, and INFO says so.
  assertEquals(await whenLoaded(client, "k1"), "$2\r\nv1\r\n");
  assertEquals(
    await respCall(client, "GET", `k${RECORDS - 1}`),
    `$8\r\nv${RECORDS - 1}\r\n`,
  );
  assertEquals(await respCall(client, "DBSIZE"), `:${RECORDS}\r\n`);
  assertEquals(await respCall(client, "PING"), "+PONG\r\n");
  assertEquals(await request(text, "GET k2"), "+OK v2");
  assertEquals(await respCall(client, "SET", "new", "1"), "+OK\r\n");
  const after = await respCall(client, "INFO", "persistence");
  assertStringIncludes(after, "\r\nloading:0\r\n");
  assert(!after.includes("loading_total_bytes"), after);
  assertStringIncludes(after, `\r\nwal_replayed_records:${RECORDS}\r\n`);

  client.close();
  text.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
  const log = server.stdoutText();
  const at = (line: string) => {
    const found = log.split("\n").find((l) => l.includes(line));
    assert(found !== undefined, `no "${line}" in the log:\n${log}`);
    return Date.parse(found!.slice(0, 24));
  };
  const replayMs = at("listening on") - at("accepting connections on");
  assert(replayMs > 0, log);
  // A replay that took over a second and a half logged its progress at least once.
  if (replayMs > 1500) {
    assertMatch(log, /loading ".*": \d+ records, [\d.]+ of [\d.]+ MB \([\d.]+%\), [\d.]+ MB\/s/);
  }
});

Deno.test("walkv's client connected during the replay waits for it, then reads the data", async () => {
  await using dir = await tempDir();
  const { server } = await startLoading(dir.path);
  try {
    {
      using probe = await RawConnection.connect(server.port);
      assertEquals(await respCall(probe, "GET", "k0"), LOADING);
    }
    // Its ready check asks INFO until loading:0, so its first command is served, not refused.
    await using client = await WalkvClient.connect({ port: server.port, connectTimeout: 60_000 });
    assertEquals(await client.get(`k${RECORDS - 1}`), `v${RECORDS - 1}`);
    assertStringIncludes(server.stdoutText(), "replayed");
  } finally {
    assertEquals((await server.stop()).code, 0, server.stderrText());
  }
});

Deno.test("during the replay AUTH, HELLO, SELECT, ECHO, CONFIG, CLIENT, COMMAND, MULTI run as in Redis", async () => {
  await using dir = await tempDir();
  const { server } = await startLoading(dir.path, ["--requirepass", "pw"]);
  await using _server = server;
  using client = await RawConnection.connect(server.port);

  // NOAUTH comes before LOADING, as in Redis's processCommand.
  assertEquals(await respCall(client, "GET", "k1"), "-NOAUTH Authentication required.\r\n");
  assertEquals(
    await respCall(client, "AUTH", "wrong"),
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
  );
  assertEquals(await respCall(client, "AUTH", "pw"), "+OK\r\n");
  assertEquals(await respCall(client, "GET", "k1"), LOADING);
  assertStringIncludes(await respCall(client, "HELLO", "2"), "$6\r\nserver\r\n");
  assertEquals(await respCall(client, "SELECT", "1"), "+OK\r\n");
  assertEquals(await respCall(client, "ECHO", "hi"), "$2\r\nhi\r\n");
  assertEquals(
    await respCall(client, "CONFIG", "GET", "maxclients"),
    "*2\r\n$10\r\nmaxclients\r\n$5\r\n10000\r\n",
  );
  assertMatch(await respCall(client, "CLIENT", "ID"), /^:\d+\r\n$/);
  assertMatch(await respCall(client, "COMMAND", "COUNT"), /^:\d+\r\n$/);
  assertMatch(await respCall(client, "TIME"), /^\*2\r\n/);
  assertEquals(await respCall(client, "PUBLISH", "ch", "m"), ":0\r\n");
  // A refused command inside MULTI aborts the transaction, as any refusal does.
  assertEquals(await respCall(client, "MULTI"), "+OK\r\n");
  assertEquals(await respCall(client, "GET", "k1"), LOADING);
  assertEquals(
    await respCall(client, "EXEC"),
    "-EXECABORT Transaction discarded because of previous errors.\r\n",
  );
  assertEquals(await respCall(client, "SELECT", "0"), "+OK\r\n");
  assertEquals(await whenLoaded(client, "k3"), "$2\r\nv3\r\n");
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("SIGTERM during the replay stops it there and exits 0, leaving the WAL whole", async () => {
  await using dir = await tempDir();
  const { server, walBytes } = await startLoading(dir.path);
  await using _server = server;
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
  assertStringIncludes(server.stdoutText(), "shut down cleanly");
  assert(!server.stdoutText().includes("listening on"), server.stdoutText());
  assertEquals((await Deno.stat(`${dir.path}/wal`)).size, walBytes);
});
