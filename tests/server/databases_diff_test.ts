/**
 * Numbered databases, byte for byte against a real redis-server: both run
 * with 16 databases and get the same requests on raw sockets: SELECT in and
 * out of range (a failed SELECT leaves the connection where it was), keys
 * kept apart per database (GET, EXISTS, DBSIZE, KEYS, SCAN, RANDOMKEY), MOVE,
 * SWAPDB, FLUSHDB and FLUSHALL, INFO keyspace and CONFIG GET databases; then
 * both with `--databases 1`, and both with the default. Each scenario runs
 * against redis-server first, so its half is checked even while walkv lacks
 * the feature.
 *
 * Then walkv alone: every database comes back after a SIGKILL as it was
 * (keys written with SET, MOVE, SWAPDB, FLUSHDB and FLUSHALL replay into the
 * right databases), and the seed's text protocol, which has no SELECT, works
 * on database 0 only.
 */
import { assert, assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { frame } from "../helpers/resp_frames.ts";

const decoder = new TextDecoder();

/**
 * INFO keyspace as its section header and `dbN:` lines, with `avg_ttl`
 * masked: Redis computes it by sampling in its cron, so its value depends on
 * timing. The bulk length depends on that value's digits, so it goes too.
 */
function keyspaceLines(reply: string): string {
  return reply.split("\r\n")
    .filter((line) => line.startsWith("# ") || /^db\d+:/.test(line))
    .map((line) => line.replace(/avg_ttl=\d+/, "avg_ttl=N"))
    .join("\n");
}

/** Everything 16 databases should do, on one server. */
async function databasesScenario(port: number): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(connection, args);

  // Every index 0..15 selects, and a key in each tells them apart.
  for (let db = 0; db < 16; db++) {
    await call("SELECT", String(db));
    await call("SET", "where", `db${db}`);
  }
  await call("SELECT", "5");
  for (const bad of ["16", "99", "-1", "abc", "3.0", "+3", " 3"]) await call("SELECT", bad);
  await call("SELECT");
  await call("SELECT", "1", "2");
  // A failed SELECT leaves the connection in its database.
  await call("GET", "where");

  // Keys per database.
  await call("SELECT", "3");
  await call("SET", "a", "x");
  await call("SET", "b", "y");
  await call("SELECT", "0");
  await call("GET", "a");
  await call("EXISTS", "a", "b", "where");
  await call("DBSIZE");
  await log.call(connection, ["KEYS", "*"], sortedArray);
  await call("RANDOMKEY");
  await call("SELECT", "3");
  await call("GET", "a");
  await call("EXISTS", "a", "b", "where");
  await call("DBSIZE");
  await log.call(connection, ["KEYS", "*"], sortedArray);
  await log.call(connection, ["SCAN", "0"], sortedScan);
  await log.call(connection, ["SCAN", "0", "MATCH", "a*"], sortedScan);
  // Another connection has a database of its own.
  await log.call(other, ["GET", "a"]);
  await log.call(other, ["DBSIZE"]);
  await call("SELECT", "9");
  await call("FLUSHDB");
  await call("RANDOMKEY");
  await call("DBSIZE");
  await log.call(connection, ["SCAN", "0"], sortedScan);

  // MOVE.
  await call("SELECT", "0");
  await call("SET", "m", "v0");
  await call("MOVE", "m", "3");
  await call("EXISTS", "m");
  await call("SET", "n", "v0");
  await call("SET", "ttl", "v", "PX", "100000");
  await call("MOVE", "ttl", "4");
  await call("SELECT", "3");
  await call("GET", "m");
  await call("SET", "n", "v3");
  await call("SELECT", "0");
  // The key exists in the target: nothing moves.
  await call("MOVE", "n", "3");
  await call("GET", "n");
  await call("MOVE", "nope", "3");
  await call("MOVE", "n", "0");
  await call("MOVE", "nope", "0");
  for (const bad of ["16", "99", "-1", "abc"]) await call("MOVE", "n", bad);
  await call("MOVE", "n");
  await call("SELECT", "4");
  // A moved key keeps its TTL.
  await call("TTL", "ttl");
  await call("SELECT", "3");
  await call("GET", "n");

  // SWAPDB: the connections stay at their indexes and see the swapped data.
  await call("SELECT", "0");
  await log.call(other, ["SELECT", "1"]);
  await call("SWAPDB", "0", "1");
  await call("GET", "where");
  await call("GET", "n");
  await log.call(other, ["GET", "where"]);
  await log.call(other, ["GET", "n"]);
  await call("SWAPDB", "0", "99");
  await call("SWAPDB", "0", "-1");
  await call("SWAPDB", "16", "0");
  await call("SWAPDB", "a", "1");
  await call("SWAPDB", "0", "a");
  await call("SWAPDB", "0");
  await call("SWAPDB", "5", "5");
  await call("SWAPDB", "1", "0");
  await call("GET", "where");
  await log.call(connection, ["INFO", "keyspace"], keyspaceLines);

  // FLUSHDB empties the current database only.
  await call("SELECT", "2");
  await call("FLUSHDB");
  await call("DBSIZE");
  await call("SELECT", "3");
  await call("DBSIZE");
  await log.call(connection, ["INFO", "keyspace"], keyspaceLines);
  await call("CONFIG", "GET", "databases");

  // FLUSHALL empties them all.
  await call("FLUSHALL");
  for (let db = 0; db < 16; db++) {
    await call("SELECT", String(db));
    await call("DBSIZE");
  }
  await log.call(connection, ["INFO", "keyspace"], keyspaceLines);
  return log.lines;
}

/** A server with one database: index 0 only. */
async function oneDatabaseScenario(port: number): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (
    const args of [
      ["SET", "k", "v"],
      ["SELECT", "0"],
      ["SELECT", "1"],
      ["SELECT", "15"],
      ["MOVE", "k", "1"],
      ["MOVE", "k", "0"],
      ["SWAPDB", "0", "1"],
      ["SWAPDB", "0", "0"],
      ["GET", "k"],
      ["CONFIG", "GET", "databases"],
    ]
  ) {
    await log.call(connection, args);
  }
  await log.call(connection, ["INFO", "keyspace"], keyspaceLines);
  return log.lines;
}

/** What a server started without a databases setting has. */
async function defaultDatabasesScenario(port: number): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (const args of [["CONFIG", "GET", "databases"], ["SELECT", "15"], ["SELECT", "16"]]) {
    await log.call(connection, args);
  }
  return log.lines;
}

/** Asserts that a log line for `request` is there with `reply`, so the reference is what we think. */
function assertStep(lines: string[], request: string, reply: string): void {
  const line = `${request} -> ${JSON.stringify(reply)}`;
  assert(lines.includes(line), `expected ${line} in\n${lines.join("\n")}`);
}

Deno.test("databases: 16 databases answer as redis-server's, byte for byte", async () => {
  await using redis = await startRedisServer({ args: ["--databases", "16"] });
  const expected = await databasesScenario(redis.port);
  assertStep(expected, "SELECT 16", "-ERR DB index is out of range\r\n");
  assertStep(expected, "SELECT abc", "-ERR value is not an integer or out of range\r\n");
  assertStep(expected, "GET where", "$3\r\ndb5\r\n");
  assertStep(expected, "MOVE n 0", "-ERR source and destination objects are the same\r\n");
  assertStep(expected, "SWAPDB a 1", "-ERR invalid first DB index\r\n");
  assertStep(expected, "INFO keyspace", "# Keyspace");

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--databases", "16"] });
  assertEquals(await databasesScenario(walkv.port), expected);
});

Deno.test("databases: --databases 1 refuses SELECT 1 as redis-server does", async () => {
  await using redis = await startRedisServer({ args: ["--databases", "1"] });
  const expected = await oneDatabaseScenario(redis.port);
  assertStep(expected, "SELECT 1", "-ERR DB index is out of range\r\n");

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--databases", "1"] });
  assertEquals(await oneDatabaseScenario(walkv.port), expected);
});

Deno.test("databases: without the flag there are 16, as in redis-server", async () => {
  await using redis = await startRedisServer();
  const expected = await defaultDatabasesScenario(redis.port);
  assertStep(expected, "SELECT 15", "+OK\r\n");

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await defaultDatabasesScenario(walkv.port), expected);
});

/** Sends one RESP request and returns its reply's text. */
async function call(connection: RawConnection, ...args: string[]): Promise<string> {
  await connection.send(frame(...args));
  return await readRespReply(connection, 5_000);
}

/** Every database's keys and values, as `db:key=value` lines (KEYS, then GET each). */
async function contents(connection: RawConnection, databases: number): Promise<string[]> {
  const lines: string[] = [];
  for (let db = 0; db < databases; db++) {
    assertEquals(await call(connection, "SELECT", String(db)), "+OK\r\n");
    const keys = [...(await call(connection, "KEYS", "*")).matchAll(/\$\d+\r\n([^\r\n]*)\r\n/g)]
      .map((match) => match[1]);
    for (const key of keys.sort()) {
      const value = await call(connection, "GET", key);
      lines.push(`${db}:${key}=${value.split("\r\n")[1]}`);
    }
  }
  return lines;
}

Deno.test("databases: keys come back in their databases after a SIGKILL", async () => {
  await using dir = await tempDir();
  const args = ["--databases", "16"];
  const before = [
    "0:keep0=v0",
    "1:s2=v2", // swapped in from database 2
    "2:s1=v1",
    "3:a3=v3",
    "3:moved=vm", // moved from database 0
    "3:ttl3=vt",
    "5:f5=v5",
  ];
  {
    await using walkv = await startServer({ walDir: dir.path, args });
    using connection = await RawConnection.connect(walkv.port);
    const steps: [string[], string][] = [
      [["SET", "keep0", "v0"], "+OK\r\n"],
      [["SET", "moved", "vm"], "+OK\r\n"],
      [["MOVE", "moved", "3"], ":1\r\n"],
      [["SELECT", "3"], "+OK\r\n"],
      [["SET", "a3", "v3"], "+OK\r\n"],
      [["SET", "ttl3", "vt", "EX", "1000"], "+OK\r\n"],
      [["SELECT", "1"], "+OK\r\n"],
      [["SET", "s1", "v1"], "+OK\r\n"],
      [["SELECT", "2"], "+OK\r\n"],
      [["SET", "s2", "v2"], "+OK\r\n"],
      [["SWAPDB", "1", "2"], "+OK\r\n"],
      [["SELECT", "4"], "+OK\r\n"],
      [["SET", "f4", "gone"], "+OK\r\n"],
      [["FLUSHDB"], "+OK\r\n"],
      [["SELECT", "5"], "+OK\r\n"],
      [["SET", "f5", "v5"], "+OK\r\n"],
    ];
    for (const [request, reply] of steps) {
      assertEquals(await call(connection, ...request), reply, request.join(" "));
    }
    assertEquals(await contents(connection, 16), before);
    connection.close();
    await walkv.kill();
  }
  {
    await using walkv = await startServer({ walDir: dir.path, args });
    using connection = await RawConnection.connect(walkv.port);
    assertEquals(await contents(connection, 16), before);
    assertEquals(await call(connection, "SELECT", "3"), "+OK\r\n");
    const ttl = await call(connection, "TTL", "ttl3");
    assert(/^:(99\d|1000)\r\n$/.test(ttl), `TTL in database 3 after replay: ${ttl}`);
    assertEquals(await call(connection, "SELECT", "0"), "+OK\r\n");
    assertEquals(await call(connection, "TTL", "keep0"), ":-1\r\n");
    assertEquals(await call(connection, "FLUSHALL"), "+OK\r\n");
    connection.close();
    await walkv.kill();
  }
  {
    await using walkv = await startServer({ walDir: dir.path, args });
    using connection = await RawConnection.connect(walkv.port);
    assertEquals(await contents(connection, 16), []);
  }
});

Deno.test("databases: the text protocol reads and writes database 0 only", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--databases", "16"] });
  using text = await RawConnection.connect(walkv.port);
  using resp = await RawConnection.connect(walkv.port);
  const line = async (request: string) => {
    await text.send(request + "\n");
    return decoder.decode(await text.readReplies(1, 5_000));
  };
  assertEquals(await line("SET a b"), "+OK\n");
  assertEquals(await call(resp, "GET", "a"), "$1\r\nb\r\n");
  assertEquals(await call(resp, "SELECT", "3"), "+OK\r\n");
  assertEquals(await call(resp, "GET", "a"), "$-1\r\n");
  assertEquals(await call(resp, "SET", "c", "in3"), "+OK\r\n");
  assertEquals(await line("GET c"), "-GET could not find c in store\n");
  assertEquals(await call(resp, "SET", "a", "three"), "+OK\r\n");
  assertEquals(await line("GET a"), "+OK b\n");
  assertEquals(await line("DEL a"), "+OK\n");
  assertEquals(await call(resp, "GET", "a"), "$5\r\nthree\r\n");
  assertEquals(await call(resp, "SELECT", "0"), "+OK\r\n");
  assertEquals(await call(resp, "GET", "a"), "$-1\r\n");
  // After a SWAPDB the text protocol sees what is now database 0.
  assertEquals(await call(resp, "SWAPDB", "0", "3"), "+OK\r\n");
  assertEquals(await line("GET c"), "+OK in3\n");
});
