/**
 * The server commands against a real redis-server: SLOWLOG, CONFIG SET of
 * every setting walkv can change at run time, SAVE/BGSAVE/LASTSAVE, WAIT,
 * LATENCY, SHUTDOWN's refusals and its closing the connection, OBJECT and
 * MEMORY. Replies are compared byte for byte, except where a value differs
 * by nature (times, durations, ports, memory sizes): there the reply's
 * shape is compared with the value masked. Each scenario runs against
 * redis-server first.
 *
 * Then INFO: every field walkv shows that Redis also shows must have
 * Redis's format, the sections come in Redis's order, and walkv's extra
 * fields are exactly its documented own; and walkv alone: SHUTDOWN stops
 * the server as SIGTERM does, BGSAVE/SAVE compact the WAL, CONFIG SET
 * appendfsync and slowlog-* take effect, OBJECT IDLETIME counts real time.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { frame } from "../helpers/resp_frames.ts";
import { RawConnection, serverPermissions, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();

async function call(connection: RawConnection, ...args: string[]): Promise<string> {
  await connection.send(frame(...args));
  return await readRespReply(connection, 5_000);
}

/** A log that keeps each request with its reply, masked by `mask` if given. */
class Log {
  readonly lines: string[] = [];
  constructor(readonly connection: RawConnection) {}

  async call(args: string[], mask: (reply: string) => string = (reply) => reply) {
    const reply = await call(this.connection, ...args);
    const shown = args.map((arg) => arg.length > 30 ? `<${arg.length} bytes>` : arg).join(" ");
    this.lines.push(`${shown} -> ${JSON.stringify(mask(reply))}`);
    return reply;
  }
}

/** SLOWLOG GET with each entry's time, duration and client port masked. */
function maskSlowlog(reply: string): string {
  return reply
    .replace(/\*6\r\n:(\d+)\r\n:\d+\r\n:\d+\r\n/g, "*6\r\n:$1\r\n:<time>\r\n:<usec>\r\n")
    .replace(/\$\d+\r\n127\.0\.0\.1:\d+\r\n/g, "<addr>");
}

/** Only the reply's type and, for an integer, that it is one. */
function typeOnly(reply: string): string {
  if (/^:\d+\r\n$/.test(reply)) return ":<n>";
  return reply[0];
}

async function slowlogScenario(port: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const log = new Log(connection);
  await log.call(["CLIENT", "SETNAME", "slowpoke"]);
  await log.call(["CONFIG", "SET", "slowlog-log-slower-than", "0"]);
  await log.call(["SLOWLOG", "RESET"]);
  await log.call(["SET", "a", "1"]);
  await log.call(["GET", "a"]);
  await log.call(["ECHO", "x".repeat(200)]);
  await log.call(["DEL", ...Array.from({ length: 40 }, (_, i) => `key${i}`)]);
  await log.call(["AUTH", "secret"]);
  await log.call(["MULTI"]);
  await log.call(["INCR", "a"]);
  await log.call(["EXEC"]);
  await log.call(["SLOWLOG", "LEN"]);
  await log.call(["SLOWLOG", "GET"], maskSlowlog);
  await log.call(["SLOWLOG", "GET", "2"], maskSlowlog);
  await log.call(["SLOWLOG", "GET", "0"], maskSlowlog);
  await log.call(["CONFIG", "SET", "slowlog-max-len", "3"]);
  await log.call(["SLOWLOG", "GET", "-1"], maskSlowlog);
  await log.call(["CONFIG", "GET", "slowlog-max-len"]);
  await log.call(["CONFIG", "GET", "slowlog-log-slower-than"]);
  await log.call(["CONFIG", "SET", "slowlog-log-slower-than", "-1"]);
  await log.call(["SLOWLOG", "RESET"]);
  await log.call(["PING"]);
  await log.call(["SLOWLOG", "LEN"]);
  for (
    const args of [
      ["SLOWLOG", "GET", "x"],
      ["SLOWLOG", "GET", "-2"],
      ["SLOWLOG", "GET", "1", "2"],
      ["SLOWLOG", "LEN", "x"],
      ["SLOWLOG", "RESET", "x"],
      ["SLOWLOG", "FOO"],
      ["SLOWLOG"],
    ]
  ) await log.call(args);
  return log.lines;
}

async function configScenario(port: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const log = new Log(connection);
  const settings: [string, string, string][] = [
    ["appendfsync", "everysec", "always"],
    ["auto-aof-rewrite-min-size", "1mb", "67108864"],
    ["auto-aof-rewrite-percentage", "150", "100"],
    ["slowlog-log-slower-than", "5000", "10000"],
    ["slowlog-max-len", "64", "128"],
    ["maxclients", "100", "10000"],
    ["timeout", "300", "0"],
    ["protected-mode", "no", "yes"],
    ["requirepass", "pw", ""],
  ];
  for (const [name, value, back] of settings) {
    await log.call(["CONFIG", "SET", name, value]);
    await log.call(["CONFIG", "GET", name]);
    await log.call(["CONFIG", "SET", name, back]);
    await log.call(["CONFIG", "GET", name]);
  }
  await log.call(["CONFIG", "SET", "timeout", "7", "slowlog-max-len", "9"]);
  await log.call(["CONFIG", "GET", "timeout"]);
  await log.call(["CONFIG", "GET", "slowlog-max-len"]);
  await log.call(["CONFIG", "SET", "timeout", "8", "maxclients", "0"]);
  await log.call(["CONFIG", "GET", "timeout"]);
  await log.call(["CONFIG", "SET", "auto-aof-rewrite-percentage", "0"]);
  await log.call(["CONFIG", "GET", "auto-aof-rewrite-percentage"]);
  for (
    const args of [
      ["appendfsync", "maybe"],
      ["auto-aof-rewrite-min-size", "x"],
      ["auto-aof-rewrite-min-size", "-1"],
      ["auto-aof-rewrite-percentage", "x"],
      ["auto-aof-rewrite-percentage", "-1"],
      ["slowlog-log-slower-than", "x"],
      ["slowlog-log-slower-than", "-5"],
      ["slowlog-max-len", "-1"],
      ["slowlog-max-len", "x"],
      ["maxclients", "0"],
      ["maxclients", "x"],
      ["timeout", "-1"],
      ["timeout", "x"],
      ["protected-mode", "maybe"],
      ["databases", "3"],
      ["nosuch", "1"],
      ["timeout", "0", "timeout", "1"],
      ["requirepass"],
    ]
  ) await log.call(["CONFIG", "SET", ...args]);
  await log.call(["SET", "k", "v"]);
  await log.call(["GET", "k"]);
  await log.call(["GET", "nothing"]);
  await log.call(["CONFIG", "RESETSTAT"]);
  const stats = await call(connection, "INFO", "stats");
  for (
    const field of ["keyspace_hits", "keyspace_misses", "expired_keys", "rejected_connections"]
  ) {
    log.lines.push(
      `after RESETSTAT ${/\r\n([a-z_]+:\d+)/.exec(stats.slice(stats.indexOf(field) - 2))![1]}`,
    );
  }
  return log.lines;
}

async function persistenceScenario(port: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const log = new Log(connection);
  await log.call(["SET", "k", "v"]);
  const before = Number((await call(connection, "LASTSAVE")).slice(1));
  await log.call(["LASTSAVE"], typeOnly);
  await log.call(["SAVE"]);
  await log.call(["BGSAVE"]);
  for (let i = 0; i < 100; i++) {
    if ((await call(connection, "INFO", "persistence")).includes("rdb_bgsave_in_progress:0")) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const after = Number((await call(connection, "LASTSAVE")).slice(1));
  log.lines.push(`LASTSAVE moved forward or stayed: ${after >= before}`);
  for (
    const args of [
      ["SAVE", "x"],
      ["BGSAVE", "x"],
      ["BGSAVE", "SCHEDULE", "x"],
      ["LASTSAVE", "x"],
      ["WAIT", "0", "0"],
      ["WAIT", "0", "100"],
      ["WAIT", "-1", "0"],
      ["WAIT", "a", "0"],
      ["WAIT", "0", "a"],
      ["WAIT", "0", "-1"],
      ["WAIT", "0"],
      ["LATENCY", "LATEST"],
      ["LATENCY", "HISTORY", "command"],
      ["LATENCY", "HISTORY"],
      ["LATENCY", "RESET"],
      ["LATENCY", "RESET", "a", "b"],
      ["LATENCY", "DOCTOR", "x"],
      ["LATENCY", "FOO"],
      ["SHUTDOWN", "foo"],
      ["SHUTDOWN", "ABORT"],
      ["SHUTDOWN", "NOSAVE", "SAVE"],
      ["SHUTDOWN", "ABORT", "NOW"],
      ["MULTI"],
      ["SAVE"],
      ["SHUTDOWN"],
      ["PING"],
      ["EXEC"],
    ]
  ) await log.call(args);
  await log.call(["LATENCY", "DOCTOR"], typeOnly);
  await connection.send(frame("SHUTDOWN", "NOSAVE"));
  let outcome: string;
  try {
    outcome = `${JSON.stringify(decoder.decode(await connection.readToEnd(5_000)))} closed`;
  } catch (error: unknown) {
    outcome = `still open: ${(error as Error).message}`;
  }
  log.lines.push(`SHUTDOWN NOSAVE -> ${outcome}`);
  return log.lines;
}

async function objectScenario(port: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const log = new Log(connection);
  await log.call(["SET", "n", "100"]);
  await log.call(["SET", "big", "12345"]);
  await log.call(["SET", "s", "hello"]);
  await log.call(["RPUSH", "l", "a", "b"]);
  await log.call(["HSET", "h", "f", "v"]);
  for (const key of ["n", "big", "s", "l", "h", "missing"]) {
    await log.call(["OBJECT", "REFCOUNT", key]);
    await log.call(["OBJECT", "IDLETIME", key]);
    await log.call(["OBJECT", "FREQ", key]);
    await log.call(["OBJECT", "ENCODING", key]);
    await log.call(["MEMORY", "USAGE", key], typeOnly);
  }
  for (
    const args of [
      ["OBJECT", "HELP"],
      ["OBJECT", "IDLETIME"],
      ["OBJECT", "REFCOUNT", "a", "b"],
      ["OBJECT", "FOO", "s"],
      ["MEMORY", "USAGE", "s", "SAMPLES", "x"],
      ["MEMORY", "USAGE", "s", "SAMPLES", "-1"],
      ["MEMORY", "USAGE", "s", "FOO"],
      ["MEMORY", "USAGE", "s", "SAMPLES"],
      ["MEMORY", "USAGE"],
      ["MEMORY", "FOO"],
      ["MEMORY", "STATS", "x"],
      ["MEMORY", "DOCTOR", "x"],
    ]
  ) await log.call(args);
  await log.call(["MEMORY", "USAGE", "s", "SAMPLES", "0"], typeOnly);
  await log.call(["MEMORY", "USAGE", "l", "SAMPLES", "5", "SAMPLES", "1"], typeOnly);
  await log.call(["MEMORY", "STATS"], (reply) => reply.slice(0, 1));
  await log.call(["MEMORY", "DOCTOR"], typeOnly);
  return log.lines;
}

Deno.test("SLOWLOG GET/LEN/RESET and its CONFIG settings, as redis-server", async () => {
  await assertSameAsRedis(slowlogScenario);
});

Deno.test("CONFIG SET of every run-time setting, its errors, and RESETSTAT, as redis-server", async () => {
  await assertSameAsRedis(configScenario);
});

Deno.test("SAVE, BGSAVE, LASTSAVE, WAIT, LATENCY and SHUTDOWN, as redis-server", async () => {
  await assertSameAsRedis(persistenceScenario);
});

Deno.test("OBJECT REFCOUNT/IDLETIME/FREQ and MEMORY, as redis-server", async () => {
  await assertSameAsRedis(objectScenario);
});

/** INFO's text as `section -> field -> value`, sections in order. */
function parseInfo(reply: string): Map<string, Map<string, string>> {
  const body = reply.slice(reply.indexOf("\r\n") + 2);
  const sections = new Map<string, Map<string, string>>();
  let current = new Map<string, string>();
  for (const line of body.split("\r\n")) {
    if (line.startsWith("# ")) sections.set(line.slice(2), current = new Map());
    else if (line.includes(":")) {
      current.set(line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 1));
    }
  }
  return sections;
}

/** The kind of an INFO value: what a parser of it relies on. */
function format(value: string): string {
  if (/^-?\d+$/.test(value)) return "integer";
  if (/^-?\d+\.\d+$/.test(value)) return "decimal";
  if (/^\d+(\.\d+)?[BKMGTP]$/.test(value)) return "human bytes";
  if (/^\d+\.\d+%$/.test(value)) return "percent";
  if (/^[a-z_]+=/.test(value)) return `fields ${value.replace(/=[^,]*/g, "=")}`;
  return "text";
}

/** The fields walkv has that Redis 7.0.15 does not: its own facts. */
const WALKV_FIELDS = [
  "walkv_version",
  "deno_version",
  "heap_total",
  "heap_external",
  "wal_fsync",
  "wal_records",
  "wal_replayed_records",
  "wal_syncs",
  "wal_records_written",
  "wal_compaction",
];

Deno.test("INFO: Redis's sections in its order, each shared field in Redis's format", async () => {
  // With its AOF on, as walkv's WAL is, Redis shows its aof_* fields.
  await using redis = await startRedisServer({ args: ["--appendonly", "yes"] });
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const infos = [];
  for (const port of [redis.port, walkv.port]) {
    using connection = await RawConnection.connect(port);
    await call(connection, "SET", "k", "v", "EX", "100");
    await call(connection, "GET", "k");
    await call(connection, "GET", "missing");
    await call(connection, "NOSUCH");
    await call(connection, "SET", "gone", "v", "PX", "1");
    await new Promise((resolve) => setTimeout(resolve, 20));
    await call(connection, "GET", "gone"); // expired: found so now, or by the sweep before
    await call(connection, "CLIENT", "INFO");
    infos.push(parseInfo(await call(connection, "INFO", "everything")));
  }
  const [theirs, ours] = infos;
  const redisOrder = [...theirs.keys()].filter((name) => ours.has(name));
  assertEquals([...ours.keys()], redisOrder, "walkv's sections, in Redis's order");
  const extra: string[] = [];
  for (const [section, fields] of ours) {
    const reference = theirs.get(section)!;
    for (const [name, value] of fields) {
      const expected = reference.get(name);
      if (expected === undefined) {
        if (!name.startsWith("cmdstat_") && !name.startsWith("errorstat_")) extra.push(name);
        continue;
      }
      assertEquals(format(value), format(expected), `${section}.${name}: ${value} vs ${expected}`);
    }
  }
  assertEquals(extra, WALKV_FIELDS);
  // Redis 7 counts a container's subcommands apiece, and not the container.
  assertEquals(ours.get("Commandstats")!.has("cmdstat_client"), false);
  for (const shared of ["cmdstat_get", "cmdstat_set", "cmdstat_client|info", "errorstat_ERR"]) {
    assertEquals(
      format(ours.get(shared.startsWith("cmd") ? "Commandstats" : "Errorstats")!.get(shared)!),
      format(theirs.get(shared.startsWith("cmd") ? "Commandstats" : "Errorstats")!.get(shared)!),
      shared,
    );
  }
  // The values both must agree on.
  for (
    const [section, name] of [
      ["Stats", "keyspace_hits"],
      ["Stats", "keyspace_misses"],
      ["Stats", "expired_keys"],
      ["Keyspace", "db0"],
      ["Errorstats", "errorstat_ERR"],
    ]
  ) {
    const value = (info: typeof ours) => info.get(section)!.get(name)!.replace(/avg_ttl=\d+/, "");
    assertEquals(value(ours), value(theirs), `${section}.${name}`);
  }
  assertEquals(ours.get("Server")!.get("walkv_version"), "0.12.0");
  assertMatch(ours.get("Server")!.get("executable")!, /deno$/);
});

Deno.test("INFO's instantaneous ops/s and kbps follow the load; its avg_ttl the TTLs", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(walkv.port);
  const field = (text: string, name: string) =>
    Number(new RegExp(`${name}[:=]([\\d.]+)`).exec(text)![1]);
  await call(connection, "SET", "t", "v", "EX", "1000");
  const deadline = Date.now() + 1_000;
  let sent = 0;
  while (Date.now() < deadline) {
    const batch = new Array(100).fill(frame("PING")).flatMap((bytes) => [...bytes]);
    await connection.send(new Uint8Array(batch));
    await connection.readReplies(100);
    sent += 100;
  }
  const busy = await call(connection, "INFO", "stats");
  assert(field(busy, "instantaneous_ops_per_sec") > 0, busy);
  assert(field(busy, "instantaneous_input_kbps") > 0, busy);
  assert(field(busy, "instantaneous_output_kbps") > 0, busy);
  assert(field(busy, "total_commands_processed") >= sent, busy);
  await new Promise((resolve) => setTimeout(resolve, 2_000)); // 16 samples of nothing
  const idle = await call(connection, "INFO", "stats");
  assert(field(idle, "instantaneous_ops_per_sec") <= 1, idle);
  const keyspace = await call(connection, "INFO", "keyspace");
  const ttl = field(keyspace, "avg_ttl");
  assert(ttl > 990_000 && ttl <= 1_000_000, keyspace);
});

Deno.test("SHUTDOWN stops walkv cleanly, without a reply, keeping every write", async () => {
  await using dir = await tempDir();
  const first = await startServer({ walDir: dir.path });
  {
    using connection = await RawConnection.connect(first.port);
    assertEquals(await call(connection, "SET", "kept", "yes"), "+OK\r\n");
    await connection.send(frame("SHUTDOWN", "SAVE"));
    assertEquals(decoder.decode(await connection.readToEnd(10_000)), "");
  }
  const status = await first.exited();
  assertEquals(status.code, 0, first.stderrText());
  assertMatch(first.stdoutText() + first.stderrText(), /compaction started \(SHUTDOWN SAVE\)/);
  assertMatch(first.stdoutText() + first.stderrText(), /shut down cleanly/);
  await using second = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(second.port);
  assertEquals(await call(connection, "GET", "kept"), "$3\r\nyes\r\n");
});

Deno.test("BGSAVE and SAVE compact the WAL; LASTSAVE follows; CONFIG SET appendfsync applies", async () => {
  await using dir = await tempDir();
  // One key per snapshot slice, ~1 ms apart: a compaction of 300 keys lasts long enough to meet.
  await using walkv = await startServer({
    walDir: dir.path,
    entry: "tests/helpers/walkv_with_hooks.ts",
    permissions: [...serverPermissions(dir.path), "--allow-env"],
    env: { WALKV_TEST_COMPACTION_SLICE_KEYS: "1" },
  });
  using connection = await RawConnection.connect(walkv.port);
  for (let i = 0; i < 300; i++) await call(connection, "SET", `key${i}`, "v");
  for (let i = 0; i < 50; i++) await call(connection, "SET", "same", String(i));
  const size = async () =>
    Number(/aof_current_size:(\d+)/.exec(await call(connection, "INFO"))![1]);
  const before = await size();
  assertEquals(await call(connection, "BGSAVE"), "+Background saving started\r\n");
  assertEquals(await call(connection, "BGSAVE"), "-ERR Background save already in progress\r\n");
  assertEquals(await call(connection, "SAVE"), "-ERR Background save already in progress\r\n");
  for (
    let i = 0;
    i < 100 && (await call(connection, "INFO")).includes("rdb_bgsave_in_progress:1");
    i++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert(await size() < before, `${await size()} < ${before}`);
  assertEquals(
    await call(connection, "BGREWRITEAOF"),
    "+Background append only file rewriting started\r\n",
  );
  assertMatch(await call(connection, "BGSAVE"), /^-ERR Another child process is active/);
  assertEquals(await call(connection, "BGSAVE", "SCHEDULE"), "+Background saving scheduled\r\n");
  assertEquals(await call(connection, "SAVE"), "+OK\r\n");
  const lastsave = Number((await call(connection, "LASTSAVE")).slice(1));
  assert(Math.abs(lastsave - Date.now() / 1000) < 5, String(lastsave));
  assertEquals(await call(connection, "CONFIG", "SET", "appendfsync", "no"), "+OK\r\n");
  assertMatch(await call(connection, "INFO", "persistence"), /wal_fsync:no\r\n/);
  assertEquals(await call(connection, "SET", "after", "1"), "+OK\r\n");
  assertEquals(await call(connection, "CONFIG", "SET", "appendfsync", "always"), "+OK\r\n");
  assertEquals(await call(connection, "SET", "after", "2"), "+OK\r\n");
  await walkv.kill();
  await using again = await startServer({ walDir: dir.path });
  using second = await RawConnection.connect(again.port);
  assertEquals(await call(second, "GET", "after"), "$1\r\n2\r\n");
});

Deno.test("OBJECT IDLETIME counts the seconds since the last access", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(walkv.port);
  await call(connection, "SET", "old", "1");
  await call(connection, "SET", "fresh", "1");
  await new Promise((resolve) => setTimeout(resolve, 2_200));
  assertEquals(await call(connection, "GET", "fresh"), "$1\r\n1\r\n");
  assertEquals(await call(connection, "OBJECT", "IDLETIME", "old"), ":2\r\n");
  assertEquals(await call(connection, "OBJECT", "IDLETIME", "fresh"), ":0\r\n");
  assertEquals(
    await call(connection, "OBJECT", "IDLETIME", "old"),
    ":2\r\n",
    "OBJECT does not touch",
  );
  assertMatch(await call(connection, "MEMORY", "USAGE", "old"), /^:\d+\r\n$/);
});
