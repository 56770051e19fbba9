/**
 * RESP3, byte for byte against a real redis-server: a connection sends
 * `HELLO 3` to each server and then the same commands, and every reply's
 * bytes must be equal: RESP3's null (`_`) for a missing value, a map (`%`)
 * for CONFIG GET and HELLO, sets (`~`) inside COMMAND INFO, a verbatim string
 * (`=`) for INFO and CLIENT INFO, and everything that stays as in RESP2
 * (bulk strings, integers, errors). HELLO 2 goes back to RESP2, HELLO 4 and
 * `HELLO abc` are refused, and a client that never sends HELLO stays on
 * RESP2 while another is on RESP3. RESP3 clients (redis-py 5, node-redis 5,
 * Lettuce) decode by these type bytes, so a wrong one breaks them. The
 * scenario runs against redis-server first, so its half is checked even
 * while walkv lacks the feature.
 */
import { assert, assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";

/**
 * A normaliser for replies whose content differs between servers (clock,
 * addresses, ids, build details): `<shape ok>` when the reply matches
 * `shape`, else the reply itself, so a wrong shape shows in the comparison.
 */
function shape(pattern: RegExp): (reply: string) => string {
  return (reply) => pattern.test(reply) ? "<shape ok>" : reply;
}

/**
 * COMMAND DOCS with its prose masked: walkv writes its own one-line
 * summaries and gives no `complexity`, so the summary's text and Redis's
 * complexity pair are left out; every other byte (the map types, since,
 * group, the argument maps) is compared.
 */
function docsProse(reply: string): string {
  let out = reply.replace(
    /\$7\r\nsummary\r\n\$\d+\r\n[^\r]*\r\n/g,
    "$7\r\nsummary\r\n<summary>\r\n",
  );
  const complexity = /\$10\r\ncomplexity\r\n\$\d+\r\n[^\r]*\r\n/;
  if (complexity.test(out)) {
    out = out.replace(complexity, "").replace(
      /^(%1\r\n\$\d+\r\n[^\r]*\r\n%)(\d+)/,
      (_all, head: string, n: string) => head + (Number(n) - 1),
    );
  }
  return out;
}

/** TIME: two bulk strings of digits (seconds, microseconds), in RESP3 as in RESP2. */
const TIME_SHAPE = /^\*2\r\n\$\d+\r\n\d+\r\n\$\d+\r\n\d+\r\n$/;
/** CLIENT INFO in RESP3: a verbatim text string of one client line, ending in LF, with resp=3. */
const CLIENT_INFO_SHAPE = /^=\d+\r\ntxt:id=\d+ addr=127\.0\.0\.1:\d+ [^\r\n]* resp=3\n\r\n$/;
/** INFO in RESP3: a verbatim string whose format is `txt`; its fields are each server's own. */
const INFO_SHAPE = /^=\d+\r\ntxt:/;

/** The same requests on a RESP3 connection, a RESP2 one and one that switches back. */
async function resp3Scenario(port: number): Promise<string[]> {
  const log = new Transcript();
  using resp3 = await RawConnection.connect(port);
  using resp2 = await RawConnection.connect(port);
  using watcher = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(resp3, args);

  await log.call(resp3, ["HELLO", "3"], normaliseHello);
  await call("GET", "missing");
  await call("SET", "k", "v");
  await call("GET", "k");
  await call("MGET", "k", "missing");
  await call("SET", "k", "w", "NX");
  await call("SET", "k", "w", "NX", "GET");
  await call("SET", "nokey", "w", "XX", "GET");
  await call("GETDEL", "nokey");
  await call("GETEX", "nokey");
  await call("SET", "f", "1.5");
  // INCRBYFLOAT answers a bulk string in RESP3 too, not a double.
  await call("INCRBYFLOAT", "f", "0.1");
  await call("TTL", "k");
  await call("TTL", "missing");
  await call("EXPIRE", "k", "100");
  await call("TTL", "k");
  await call("PERSIST", "k");
  await call("EXISTS", "k", "missing");
  await call("TYPE", "k");
  await call("TYPE", "missing");
  await call("ECHO", "hi");
  await call("PING");
  await call("PING", "msg");
  await log.call(resp3, ["TIME"], shape(TIME_SHAPE));
  await call("CONFIG", "GET", "maxmemory");
  await call("CONFIG", "GET", "timeout");
  await call("CONFIG", "GET", "no-such-parameter");
  await call("COMMAND", "INFO", "get");
  await log.call(resp3, ["COMMAND", "DOCS", "get"], docsProse);
  await log.call(resp3, ["SCAN", "0"], sortedScan);
  await log.call(resp3, ["KEYS", "*"], sortedArray);
  await call("DBSIZE");
  await call("DEL", "f", "missing");
  await call("DEL", "k");
  await call("RANDOMKEY");
  await call("KEYS", "*");
  await call("SCAN", "0");
  await call("DBSIZE");

  // Errors are spelled as in RESP2.
  await call("GET");
  await call("NOPE", "x");
  await call("SET", "k", "v", "EX", "abc");
  await call("SET", "s", "text");
  await call("INCR", "s");
  await call("INCRBYFLOAT", "s", "abc");
  await call("RENAME", "missing", "x");

  // Transactions: EXEC's array holds RESP3 replies; an aborted EXEC is RESP3's null.
  await call("MULTI");
  await call("SET", "a", "1");
  await call("GET", "a");
  await call("INCR", "a");
  await call("GET", "missing");
  await call("CONFIG", "GET", "maxmemory");
  await call("EXEC");
  await call("WATCH", "w");
  await log.call(watcher, ["SET", "w", "changed"]);
  await call("MULTI");
  await call("GET", "w");
  await call("EXEC");
  await call("MULTI");
  await call("NOPE");
  await call("EXEC");
  await call("EXEC");

  await log.call(resp3, ["CLIENT", "INFO"], shape(CLIENT_INFO_SHAPE));
  await log.call(resp3, ["INFO", "server"], shape(INFO_SHAPE));
  await log.call(resp3, ["HELLO"], normaliseHello);

  // A refused HELLO leaves the protocol as it was.
  await call("HELLO", "4");
  await call("HELLO", "abc");
  await call("GET", "missing");

  // HELLO 2 goes back to RESP2.
  await log.call(resp3, ["HELLO", "2"], normaliseHello);
  await call("GET", "missing");
  await call("MGET", "a", "missing");
  await call("CONFIG", "GET", "maxmemory");
  await call("SET", "a", "2", "NX");
  await call("WATCH", "w");
  await log.call(watcher, ["SET", "w", "again"]);
  await call("MULTI");
  await call("GET", "w");
  await call("EXEC");

  // A client that never sent HELLO is on RESP2 all along.
  await log.call(resp2, ["GET", "missing"]);
  await log.call(resp2, ["MGET", "a", "missing"]);
  await log.call(resp2, ["CONFIG", "GET", "maxmemory"]);
  await log.call(resp2, ["HELLO"], normaliseHello);
  return log.lines;
}

/** Asserts that a log line for `request` is there with `reply`, so the reference is what we think. */
function assertStep(lines: string[], request: string, reply: string): void {
  const line = `${request} -> ${JSON.stringify(reply)}`;
  assert(lines.includes(line), `expected ${line} in\n${lines.join("\n")}`);
}

Deno.test("resp3: replies after HELLO 3 match redis-server byte for byte", async () => {
  await using redis = await startRedisServer();
  const expected = await resp3Scenario(redis.port);
  assertStep(expected, "GET missing", "_\r\n");
  assertStep(expected, "GET missing", "$-1\r\n");
  assertStep(expected, "CONFIG GET maxmemory", "%1\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n");
  assertStep(expected, "HELLO 4", "-NOPROTO unsupported protocol version\r\n");
  assertStep(expected, "EXEC", "_\r\n");
  for (const request of ["TIME", "CLIENT INFO", "INFO server"]) {
    assertStep(expected, request, "<shape ok>");
  }

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await resp3Scenario(walkv.port), expected);
});
