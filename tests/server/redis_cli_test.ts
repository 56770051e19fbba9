/**
 * walkv against a real redis-server, through Redis's own `redis-cli`: one
 * scripted session fed to both on stdin must print the same thing, byte for
 * byte, once the few answers Redis leaves unordered or time-dependent are
 * normalised. Then `--no-raw` quoting, `-x` and `--pipe` with binary values,
 * and `--scan` to completion.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { runRedisTool, startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/**
 * How one command's output is made comparable: `sort` for replies whose
 * order Redis leaves to its hash table (KEYS), `round` for millisecond TTLs
 * (to the nearest second), `digits` for ids and counters that differ
 * between two servers (every digit run becomes `N`).
 */
type Normalise = "exact" | "sort" | "round" | "digits";

/** One line of the session: the command as typed at redis-cli, and its normalisation. */
interface Step {
  line: string;
  normalise: Normalise;
}

function step(line: string, normalise: Normalise = "exact"): Step {
  return { line, normalise };
}

/**
 * The scripted session. redis-cli splits each line as its prompt does, so
 * "a\x00b\r\n" in double quotes is the bytes a, NUL, b, CR, LF. The real
 * redis-server runs with `--databases 1`, so `SELECT 1` fails on both.
 */
const SESSION: Step[] = [
  step("FLUSHALL"),
  step("DBSIZE"),
  // Connection commands.
  step("PING"),
  step('PING "hello world"'),
  step("ECHO"),
  step('ECHO "a\\x00b"'),
  step("SELECT 0"),
  step("SELECT 1"),
  step("SELECT abc"),
  step("CLIENT SETNAME walkv-test"),
  step("CLIENT GETNAME"),
  step('CLIENT SETNAME "has space"'),
  step("CLIENT ID", "digits"),
  step("HELLO 2", "digits"),
  step("HELLO 2 SETNAME renamed", "digits"),
  step("CLIENT GETNAME"),
  // SET and GET, binary values included.
  step("SET plain value"),
  step("GET plain"),
  step("GET missing"),
  step('SET bin "a\\x00b\\r\\n"'),
  step("GET bin"),
  step("STRLEN bin"),
  step('SET "key with\\x00nul" "\\xff\\xfe\\x80"'),
  step('GET "key with\\x00nul"'),
  step("SET plain other GET"),
  step("SET plain again NX"),
  step("SET plain again XX"),
  step("GET plain"),
  step("SET fresh v XX"),
  step("SET fresh v NX GET"),
  step("SET k v NX XX"),
  step("SET k v EX"),
  step("SET k v EX abc"),
  step("SET k v EX 0"),
  step("SET k v PX -1"),
  step("SET k v EX 10 PX 10000"),
  step("SET k v BOGUS"),
  step("SET k"),
  step("GET"),
  step("GET a b"),
  // Setters with their own names.
  step("SETNX sn 1"),
  step("SETNX sn 2"),
  step("GET sn"),
  step("SETEX se 100 v"),
  step("TTL se"),
  step("SETEX se 0 v"),
  step("SETEX se -1 v"),
  step("SETEX se abc v"),
  step("PSETEX pse 100000 v"),
  step("TTL pse"),
  step("PSETEX pse 0 v"),
  step("GETSET sn 3"),
  step("GETSET nothing 1"),
  step("GET sn"),
  step("GETDEL sn"),
  step("GETDEL sn"),
  step("EXISTS sn"),
  // The INCR family.
  step("INCR counter"),
  step("INCR counter"),
  step("INCRBY counter 10"),
  step("DECR counter"),
  step("DECRBY counter 5"),
  step("INCRBY counter -3"),
  step("DECRBY counter -100"),
  step("GET counter"),
  step("TYPE counter"),
  step("INCRBY counter abc"),
  step("INCRBY counter 1.5"),
  step("INCR plain"),
  step('SET spaced " 1"'),
  step("INCR spaced"),
  step("SET zeros 007"),
  step("INCR zeros"),
  step("SET negzero -0"),
  step("INCR negzero"),
  step("SET plus +5"),
  step("INCR plus"),
  step("INCR"),
  step("INCRBY counter"),
  step("INCRBYFLOAT fl 1.5"),
  step("INCRBYFLOAT fl 0.1"),
  step("INCRBYFLOAT fl -1.6"),
  step("INCRBYFLOAT fl 1e3"),
  step("INCRBYFLOAT fl 5.0e-1"),
  step("GET fl"),
  step("INCRBYFLOAT fl abc"),
  step("INCRBYFLOAT fl inf"),
  step("INCRBYFLOAT plain 1"),
  step("INCRBYFLOAT counter 2.5"),
  // APPEND and STRLEN.
  step("APPEND app hello"),
  step('APPEND app " \\x00world"'),
  step("GET app"),
  step("STRLEN app"),
  step("STRLEN missing"),
  step("APPEND counter 0"),
  step("INCR counter"),
  // MSET, MGET, MSETNX.
  step("MSET m1 one m2 two m3 three"),
  step("MGET m1 missing m2 m3 bin"),
  step("MSET m1"),
  step("MSET m1 a m2"),
  step("MSETNX m1 x new1 y"),
  step("GET new1"),
  step("MSETNX new1 x new2 y"),
  step("MGET new1 new2"),
  step("MSET dup 1 dup 2"),
  step("GET dup"),
  step("MGET"),
  // EXISTS, DEL, UNLINK, TYPE.
  step("EXISTS m1 m2 missing m1"),
  step("DEL m1 missing m2"),
  step("EXISTS m1 m2"),
  step("UNLINK m3 new1 new2 nothing"),
  step("TYPE plain"),
  step("TYPE missing"),
  step("DEL"),
  // TTLs, where the answer does not depend on the clock.
  step("SET t1 v EX 100"),
  step("TTL t1"),
  step("PTTL t1", "round"),
  step("SET t2 v PX 50000"),
  step("TTL t2"),
  step("EXPIRE t2 200"),
  step("TTL t2"),
  step("PEXPIRE t2 300000"),
  step("TTL t2"),
  step("PTTL t2", "round"),
  step("PERSIST t2"),
  step("TTL t2"),
  step("PTTL t2"),
  step("PERSIST t2"),
  step("PERSIST missing"),
  step("TTL missing"),
  step("PTTL missing"),
  step("EXPIRE missing 100"),
  step("EXPIRE t2 abc"),
  step("EXPIRE t2"),
  step("SET t3 v KEEPTTL"),
  step("TTL t3"),
  step("EXPIRE t3 100"),
  step("SET t3 w KEEPTTL"),
  step("TTL t3"),
  step("SET t3 x"),
  step("TTL t3"),
  step("EXPIRE t3 100 NX"),
  step("EXPIRE t3 100 NX"),
  step("EXPIRE t3 200 XX"),
  step("TTL t3"),
  step("EXPIRE t3 50 GT"),
  step("EXPIRE t3 500 GT"),
  step("TTL t3"),
  step("EXPIRE t3 50 LT"),
  step("TTL t3"),
  step("EXPIRE t3 50 NX XX"),
  step("EXPIRE t3 50 GT LT"),
  step("EXPIRE t3 50 BOGUS"),
  step("EXPIRE t1 0"),
  step("EXISTS t1"),
  step("SET t4 v"),
  step("EXPIRE t4 -5"),
  step("GET t4"),
  step("SET t5 v"),
  step("EXPIREAT t5 1"),
  step("EXISTS t5"),
  step("SET t6 v"),
  step("PEXPIREAT t6 1000"),
  step("EXISTS t6"),
  step("SET t7 v"),
  step("EXPIREAT t7 4102444800"),
  step("TYPE t7"),
  step("PEXPIREAT t7 4102444800000"),
  step("SET t8 v EXAT 4102444800"),
  step("SET t9 v PXAT 4102444800000"),
  step("SET t10 v EXAT 1"),
  step("EXISTS t8 t9 t10"),
  step("GETEX t9"),
  step("GETEX t9 EX 100"),
  step("TTL t9"),
  step("GETEX t9 PX 200000"),
  step("TTL t9"),
  step("GETEX t9 PERSIST"),
  step("TTL t9"),
  step("GETEX t9 EXAT 4102444800"),
  step("GETEX missing EX 100"),
  step("GETEX t9 EX 0"),
  step("GETEX t9 EX 10 PX 100"),
  step("GETEX t9 BOGUS"),
  // RENAME and RENAMENX, TTL included.
  step("SET r1 v EX 100"),
  step("RENAME r1 r2"),
  step("TTL r2"),
  step("EXISTS r1"),
  step("RENAME r1 r3"),
  step("RENAME r2 r2"),
  step("SET r4 w"),
  step("RENAMENX r2 r4"),
  step("RENAMENX r2 r5"),
  step("MGET r2 r4 r5"),
  step("RENAMENX missing r6"),
  step("RENAME r5"),
  // KEYS, whose order is the hash table's.
  step("FLUSHALL"),
  step("MSET hello 1 hallo 2 hxllo 3 hllo 4 heeello 5 h*llo 6 other 7"),
  step("KEYS *", "sort"),
  step("KEYS h?llo", "sort"),
  step("KEYS h*llo", "sort"),
  step("KEYS h[ae]llo", "sort"),
  step("KEYS h[^e]llo", "sort"),
  step("KEYS h[a-b]llo", "sort"),
  step("KEYS h\\*llo", "sort"),
  step("KEYS nomatch*"),
  step("DBSIZE"),
  // SCAN on one key is deterministic; --scan below runs it to completion.
  step("FLUSHDB"),
  step("SET only 1"),
  step("SCAN 0"),
  step("SCAN 0 MATCH o*"),
  step("SCAN 0 MATCH x*"),
  step("SCAN 0 COUNT 100 TYPE string"),
  step("SCAN 0 TYPE list"),
  step("SCAN abc"),
  step("SCAN 0 COUNT 0"),
  step("SCAN 0 COUNT abc"),
  step("SCAN 0 BOGUS"),
  step("SCAN"),
  // Server introspection, where the answers do not depend on the server's history.
  step("INFO keyspace", "digits"),
  step("CONFIG GET databases"),
  step("CONFIG GET maxmemory"),
  step("CONFIG GET maxmemory-policy"),
  step("CONFIG GET save"),
  step("CONFIG GET timeout"),
  step("CONFIG GET no-such-parameter"),
  step("CONFIG RESETSTAT"),
  step("CONFIG"),
  step("CONFIG NOSUCH"),
  step("CLIENT NOSUCH"),
  step("COMMAND COUNT", "digits"),
  step("TIME extra"),
  // Errors that name the command, and the unknown.
  step("FOOBAR"),
  step("FOOBAR a b"),
  step('FOOBAR "a\\r\\nb"'),
  step("ECHO a b"),
  step("PING a b"),
  step("DBSIZE extra"),
  step("FLUSHALL bogus"),
  step("FLUSHALL SYNC"),
  step("DBSIZE"),
];

/** The marker redis-cli prints before the output of step `i`. */
function marker(i: number): string {
  return `@@ step ${i}`;
}

/** The session as redis-cli reads it: each step preceded by an ECHO of its marker. */
function script(session: Step[]): string {
  return session.map((s, i) => `ECHO "${marker(i)}"\n${s.line}\n`).join("");
}

/**
 * Splits redis-cli's raw output at the markers and normalises each step's
 * lines, labelling them with the command so a difference reads as
 * `SET k v EX 0 | ERR invalid expire time in 'set' command`.
 */
function normalise(output: string, session: Step[]): string[] {
  const lines = output.split("\n");
  const result: string[] = [];
  let current = -1;
  let block: string[] = [];
  const flush = () => {
    if (current === -1) {
      for (const line of block) result.push(`(before the first step) | ${line}`);
    } else {
      const { line: command, normalise: how } = session[current];
      let shown = block;
      if (how === "sort") shown = block.filter((line) => line !== "").sort();
      if (how === "round") {
        shown = block.map((line) =>
          /^\d+$/.test(line) ? String(Math.round(Number(line) / 1000) * 1000) : line
        );
      }
      if (how === "digits") shown = block.map((line) => line.replace(/\d+/g, "N"));
      for (const line of shown) result.push(`${command} | ${line}`);
    }
    block = [];
  };
  for (const line of lines) {
    const match = /^@@ step (\d+)$/.exec(line);
    if (match) {
      flush();
      current = Number(match[1]);
    } else {
      block.push(line);
    }
  }
  flush();
  return result;
}

/** redis-cli's stdout as a binary string, so every byte survives the comparison. */
async function cli(port: number, args: string[], stdin?: string | Uint8Array): Promise<string> {
  const result = await runRedisTool("redis-cli", ["-p", String(port), ...args], { stdin });
  assertEquals(result.code, 0, `redis-cli ${args.join(" ")} failed: ${result.stderr}`);
  return binaryFromBytes(result.stdout, 0, result.stdout.length);
}

/**
 * Feeds `session` to redis-cli against walkv and against a real
 * redis-server (with one database, like walkv) and compares the outputs.
 */
async function compareSessions(session: Step[]): Promise<void> {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer({ args: ["--databases", "1"] });
  const input = script(session);
  const [fromWalkv, fromRedis] = await Promise.all([
    cli(walkv.port, [], input),
    cli(redis.port, [], input),
  ]);
  // Every step ran on Redis (a marker for each), so the script itself is sound.
  assertEquals(
    fromRedis.split("\n").filter((line) => line.startsWith("@@ step ")).length,
    session.length,
  );
  assertEquals(normalise(fromWalkv, session), normalise(fromRedis, session));
}

Deno.test("redis-cli session prints the same on walkv as on redis-server", async () => {
  await compareSessions(SESSION);
});

Deno.test("redis-cli INCR family agrees with redis-server at the 64-bit limits", async () => {
  await compareSessions([
    step("SET big 9223372036854775806"),
    step("INCR big"),
    step("INCR big"),
    step("GET big"),
    step("SET small -9223372036854775807"),
    step("DECR small"),
    step("DECR small"),
    step("DECRBY small 9223372036854775808"),
    step("INCRBY n 9223372036854775807"),
    step("INCRBY n 1"),
    step("DECRBY m -9223372036854775808"),
    step("SET unsafe 9007199254740993"),
    step("INCR unsafe"),
    step("INCRBY unsafe -9007199254740993"),
  ]);
});

Deno.test("redis-cli --no-raw quotes binary values the same on walkv as on redis-server", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  const input = [
    'SET bin "a\\x00b\\r\\n\\xff"',
    "GET bin",
    "MGET bin missing",
    "GET missing",
    "INCR n",
    "SET k v NX XX",
    "STRLEN bin",
    "KEYS bin",
    "",
  ].join("\n");
  const fromWalkv = await cli(walkv.port, ["--no-raw"], input);
  const fromRedis = await cli(redis.port, ["--no-raw"], input);
  assertEquals(fromWalkv.split("\n"), fromRedis.split("\n"));
  assertStringIncludes(fromWalkv, '"a\\x00b\\r\\n\\xff"\n');
  assertStringIncludes(fromWalkv, '1) "a\\x00b\\r\\n\\xff"\n2) (nil)\n');
  assertStringIncludes(fromWalkv, "(integer) 1\n");
  assertStringIncludes(fromWalkv, "(error) ERR syntax error\n");
});

Deno.test("redis-cli -x stores stdin with NUL, CR and LF bytes exactly", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const value = new Uint8Array([0x78, 0x00, 0x79, 0x0d, 0x0a, 0x7a, 0xff, 0x0a]);
  assertEquals(await cli(walkv.port, ["-x", "SET", "xkey"], value), "OK\n");
  assertEquals(await cli(walkv.port, ["--no-raw", "GET", "xkey"]), '"x\\x00y\\r\\nz\\xff\\n"\n');
  assertEquals(await cli(walkv.port, ["STRLEN", "xkey"]), "8\n");
  // Raw output is the bytes themselves, then redis-cli's newline.
  assertEquals(
    await cli(walkv.port, ["GET", "xkey"]),
    binaryFromBytes(value, 0, value.length) + "\n",
  );
});

Deno.test("redis-cli --pipe loads a RESP stream with binary values into walkv", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const count = 500;
  const valueOf = (i: number) => new Uint8Array([i & 0xff, 0x00, 0x0d, 0x0a, 0x2a, i >> 8]);
  for (let i = 0; i < count; i++) {
    const key = `pipe:${i}`;
    const value = valueOf(i);
    chunks.push(
      encoder.encode(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n`),
    );
    chunks.push(value, encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode("*2\r\n$4\r\nINCR\r\n$7\r\npipe:n0\r\n"));
  chunks.push(encoder.encode("*2\r\n$4\r\nINCR\r\n$6\r\npipe:0\r\n"));
  const stream = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    stream.set(chunk, at);
    at += chunk.length;
  }
  const result = await runRedisTool("redis-cli", ["-p", String(walkv.port), "--pipe"], {
    stdin: stream,
  });
  // The last INCR hits a binary value: one error, and --pipe exits 1 for it.
  assertEquals(result.code, 1, result.stderr + result.stdoutText);
  assertStringIncludes(result.stdoutText, `errors: 1, replies: ${count + 2}`);
  assertStringIncludes(result.stderr, "ERR value is not an integer or out of range");
  for (const i of [0, 1, 255, 256, count - 1]) {
    const value = valueOf(i);
    assertEquals(
      await cli(walkv.port, ["GET", `pipe:${i}`]),
      binaryFromBytes(value, 0, value.length) + "\n",
    );
  }
  assertEquals(await cli(walkv.port, ["GET", "pipe:n0"]), "1\n");
  assertEquals(await cli(walkv.port, ["DBSIZE"]), `${count + 1}\n`);
});

Deno.test("redis-cli --scan walks every key on walkv as on redis-server", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  // 2 500 keys: many SCAN calls, with cursors that differ between the two.
  const lines: string[] = [];
  for (let i = 0; i < 2500; i += 100) {
    const pairs: string[] = [];
    for (let j = i; j < i + 100; j++) pairs.push(j % 3 === 0 ? `user:${j}` : `item:${j}`, `${j}`);
    lines.push(`MSET ${pairs.join(" ")}`);
  }
  const load = lines.join("\n") + "\n";
  await Promise.all([cli(walkv.port, [], load), cli(redis.port, [], load)]);
  for (
    const args of [["--scan"], ["--scan", "--pattern", "user:1*"], [
      "--scan",
      "--pattern",
      "item:*9",
    ]]
  ) {
    const [fromWalkv, fromRedis] = await Promise.all([
      cli(walkv.port, args),
      cli(redis.port, args),
    ]);
    const sorted = (text: string) => text.split("\n").filter((line) => line !== "").sort();
    // SCAN may repeat a key, never miss one; redis-cli prints what it gets.
    assertEquals([...new Set(sorted(fromWalkv))], sorted(fromRedis), args.join(" "));
  }
  assertEquals(await cli(walkv.port, ["DBSIZE"]), "2500\n");
});

Deno.test("redis-cli reads walkv's clock, INFO, RANDOMKEY and QUIT", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const port = walkv.port;
  const [seconds, micros] = (await cli(port, ["TIME"])).trim().split("\n");
  assertMatch(seconds, /^\d+$/);
  assertMatch(micros, /^\d{1,6}$/);
  assert(Math.abs(Number(seconds) - Date.now() / 1000) < 60, `TIME said ${seconds}`);
  const info = await cli(port, ["INFO"]);
  assertStringIncludes(info, "redis_version:");
  assertEquals(await cli(port, ["RANDOMKEY"]), "\n");
  await cli(port, ["MSET", "a", "1", "b", "2"]);
  assert(["a\n", "b\n"].includes(await cli(port, ["RANDOMKEY"])));
  assertEquals(await cli(port, ["QUIT"]), "OK\n");
  assertEquals(await cli(port, ["PING"]), "PONG\n");
});
