/**
 * Sets, byte for byte against a real redis-server: every set command with its
 * edge cases (wrong types, wrong arity, bad counts, missing keys), over RESP2
 * and again after `HELLO 3`. A set of integers that Redis keeps as an intset
 * is listed in numeric order by both; a larger or non-integer set is in
 * Redis's table order, so those replies are compared sorted; random picks
 * (SPOP, SRANDMEMBER) are compared by count, and by what they leave behind.
 *
 * Then walkv alone: sets come back after a SIGKILL, and after a compaction
 * and a SIGKILL.
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";

/** The header of an array or set reply alone: for random picks, only the count must agree. */
function countOnly(reply: string): string {
  if (reply.startsWith("$")) return "a bulk string"; // one random pick: any length
  return reply.slice(0, reply.indexOf("\r\n") + 2);
}

/** A set reply (`~` in RESP3) with its members sorted. */
function sortedSet(reply: string): string {
  if (reply.startsWith("~")) return "~" + sortedArray("*" + reply.slice(1)).slice(1);
  return sortedArray(reply);
}

/** Every SSCAN page of `key` until the cursor is 0 again, as one sorted list. */
async function scanAll(connection: RawConnection, log: Transcript, key: string): Promise<void> {
  const items = new Set<string>();
  let cursor = "0";
  const scratch = new Transcript();
  do {
    const reply = await scratch.call(connection, ["SSCAN", key, cursor, "COUNT", "13"]);
    const match = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*\d+\r\n(.*)$/s.exec(reply);
    if (match === null) throw new Error(`not an SSCAN reply: ${JSON.stringify(reply)}`);
    cursor = match[1];
    for (const item of match[2].match(/\$\d+\r\n[^\r\n]*\r\n/g) ?? []) items.add(item);
  } while (cursor !== "0");
  log.lines.push(`SSCAN ${key} (all pages) -> ${JSON.stringify([...items].sort())}`);
}

/** Everything the set commands do, on one server, over RESP `protocol`. */
async function setScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(connection, args);
  const sorted = (...args: string[]) => log.call(connection, args, sortedSet);
  const counted = (...args: string[]) => log.call(connection, args, countOnly);
  if (protocol === 3) await log.call(connection, ["HELLO", "3"], normaliseHello);
  await call("FLUSHALL");

  // An intset: integers, listed in numeric order.
  await call("SADD", "ints", "3", "1", "2", "-5", "100", "2");
  await call("SMEMBERS", "ints");
  await call("SSCAN", "ints", "0");
  await call("SSCAN", "ints", "0", "MATCH", "1*");
  await call("SADD", "ints", "9223372036854775807", "-9223372036854775808");
  await call("SMEMBERS", "ints");
  // Not integers in Redis's sense: the set leaves its intset.
  await call("SADD", "notint", "1", "01", "+1", "-0", "1.0", " 2", "9223372036854775808");
  await sorted("SMEMBERS", "notint");
  await call("SCARD", "notint");

  // Words.
  await call("SADD", "a", "x", "y", "z");
  await call("SADD", "a", "x");
  await call("SADD", "a");
  await call("SADD", "b", "y", "z", "w");
  await call("SADD", "c", "z", "q");
  await call("SISMEMBER", "a", "x");
  await call("SISMEMBER", "a", "nope");
  await call("SISMEMBER", "missing", "x");
  await call("SMISMEMBER", "a", "x", "nope", "z");
  await call("SMISMEMBER", "missing", "x");
  await call("SMISMEMBER", "a");
  await call("SCARD", "a");
  await call("SCARD", "missing");
  await sorted("SMEMBERS", "a");
  await call("SMEMBERS", "missing");
  await call("SREM", "a", "x", "nope", "x");
  await call("SREM", "missing", "x");
  await call("SREM", "a");
  await sorted("SMEMBERS", "a");

  // Binary members.
  await call("SADD", "bin", "\r\n", "\x00", "", "\xff");
  await call("SISMEMBER", "bin", "");
  await call("SISMEMBER", "bin", "\x00");
  await call("SCARD", "bin");

  // Wrong types.
  await call("SET", "s", "text");
  await call("HSET", "h", "f", "v");
  for (const command of ["SADD", "SREM", "SISMEMBER", "SMISMEMBER"]) await call(command, "s", "x");
  await call("SMEMBERS", "s");
  await call("SCARD", "h");
  await call("SPOP", "s");
  await call("SRANDMEMBER", "h");
  await call("SSCAN", "s", "0");
  await call("SINTER", "a", "s");
  await call("SUNION", "h", "a");
  await call("SDIFF", "a", "s");
  await call("SINTERSTORE", "dst", "a", "s");
  await call("SMOVE", "a", "s", "y");
  await call("SMOVE", "s", "a", "y");
  await call("SMOVE", "missing", "s", "y");
  await call("GET", "a");
  await call("HGET", "a", "x");
  await call("TYPE", "a");
  await call("TYPE", "ints");

  // SMOVE.
  await call("SMOVE", "a", "b", "y");
  await call("SMOVE", "a", "b", "nope");
  await call("SMOVE", "a", "a", "z");
  await call("SMOVE", "a", "new", "z");
  await call("EXISTS", "a");
  await sorted("SMEMBERS", "b");
  await call("SMEMBERS", "new");

  // Algebra.
  await call("SADD", "a", "x", "y", "z", "p");
  await sorted("SINTER", "a", "b");
  await sorted("SINTER", "a", "b", "c");
  await call("SINTER", "a", "missing");
  await call("SINTER", "ints", "ints");
  await sorted("SUNION", "a", "b", "c", "missing");
  await call("SUNION", "ints", "missing");
  await sorted("SDIFF", "a", "b");
  await sorted("SDIFF", "a", "missing");
  await call("SDIFF", "missing", "a");
  await call("SDIFF", "ints", "notint");
  await call("SINTERSTORE", "i", "a", "b");
  await sorted("SMEMBERS", "i");
  await call("SUNIONSTORE", "u", "a", "b", "c");
  await call("SCARD", "u");
  await call("SDIFFSTORE", "d", "a", "b");
  await sorted("SMEMBERS", "d");
  await call("SINTERSTORE", "i", "a", "missing");
  await call("EXISTS", "i");
  await call("SUNIONSTORE", "s", "a");
  await call("TYPE", "s");
  await call("SDIFFSTORE", "a", "a", "a");
  await call("EXISTS", "a");
  await call("SADD", "a", "x", "y", "z", "p");
  await call("SINTERCARD", "2", "a", "b");
  await call("SINTERCARD", "3", "a", "b", "c");
  await call("SINTERCARD", "2", "a", "b", "LIMIT", "1");
  await call("SINTERCARD", "2", "a", "b", "LIMIT", "0");
  await call("SINTERCARD", "1", "missing");
  await call("SINTERCARD", "0", "a");
  await call("SINTERCARD", "-1", "a");
  await call("SINTERCARD", "x", "a");
  await call("SINTERCARD", "3", "a", "b");
  await call("SINTERCARD", "2", "a", "b", "LIMIT", "-1");
  await call("SINTERCARD", "2", "a", "b", "LIMIT");
  await call("SINTERCARD", "2", "a", "b", "NOPE", "1");
  await call("SINTERCARD", "2", "a", "h");

  // SPOP and SRANDMEMBER: exact where Redis is, counted where it is random.
  await call("SPOP", "missing");
  await call("SPOP", "missing", "2");
  await call("SPOP", "a", "0");
  await call("SPOP", "a", "-1");
  await call("SPOP", "a", "x");
  await call("SPOP", "a", "1", "2");
  await counted("SPOP", "a");
  await call("SCARD", "a");
  await counted("SPOP", "a", "2");
  await call("SCARD", "a");
  await call("SADD", "pop", "1", "2", "3");
  await call("SPOP", "pop", "10");
  await call("EXISTS", "pop");
  await call("SRANDMEMBER", "missing");
  await call("SRANDMEMBER", "missing", "5");
  await call("SRANDMEMBER", "ints", "0");
  await call("SRANDMEMBER", "ints", "100");
  await call("SRANDMEMBER", "ints", "x");
  await call("SRANDMEMBER", "ints", "1", "2");
  await counted("SRANDMEMBER", "ints");
  await counted("SRANDMEMBER", "ints", "3");
  await counted("SRANDMEMBER", "ints", "-20");
  await call("SCARD", "ints");

  // A set past 512 members, and SSCAN's pages of it.
  const many: string[] = [];
  for (let i = 0; i < 700; i++) many.push(String(i * 7));
  await call("SADD", "big", ...many);
  await call("SCARD", "big");
  await sorted("SMEMBERS", "big");
  await scanAll(connection, log, "big");
  await call("SSCAN", "big", "0", "COUNT", "0");
  await call("SSCAN", "missing", "0");
  await call("SSCAN", "big", "x");

  await call("OBJECT", "ENCODING", "ints");
  await call("OBJECT", "ENCODING", "notint");
  await call("OBJECT", "ENCODING", "big");

  // Keys of any type, and transactions.
  await call("EXPIRE", "b", "100");
  await call("RENAME", "b", "b2");
  await call("TTL", "b2");
  await sorted("SMEMBERS", "b2");
  await log.call(connection, ["SCAN", "0", "TYPE", "set", "COUNT", "1000"], sortedScan);
  await call("MULTI");
  await call("SADD", "tx", "1");
  await call("SADD", "s", "1");
  await call("SMEMBERS", "tx");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["SREM", "tx", "1"]);
  await call("MULTI");
  await call("SCARD", "tx");
  await call("EXEC");
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`sets: every command answers as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await setScenario(redis.port, protocol);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await setScenario(walkv.port, protocol), expected);
  });
}

/** SMEMBERS of each key, sorted, and its TTL. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["SMEMBERS", key], sortedSet);
    // Seconds tick on between the two reads: a TTL is compared as set or not.
    await log.call(connection, ["TTL", key], (reply) => reply.startsWith(":-") ? reply : "set");
  }
  return log.lines;
}

Deno.test("sets: every change survives a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["a", "b", "c", "stored", "moved"];
  await survivesKillAndCompaction({
    async before(call) {
      const members: string[] = [];
      for (let i = 0; i < 5000; i++) members.push(`m${i}`);
      await call("SADD", "a", ...members);
      await call("SREM", "a", "m1", "m2");
      await call("SPOP", "a", "10");
      await call("SADD", "b", "1", "2", "3");
      await call("EXPIRE", "b", "1000");
      await call("SMOVE", "b", "c", "2");
      await call("SUNIONSTORE", "stored", "b", "c");
      await call("SADD", "m", "x");
      await call("RENAME", "m", "moved");
    },
    async after(call) {
      await call("SADD", "c", "after");
    },
    state: (port) => state(port, keys),
  });
});
