/**
 * Hashes, byte for byte against a real redis-server: every hash command with
 * its edge cases (wrong types, wrong arity, non-numbers, overflow, missing
 * keys and fields, binary fields), over RESP2 and again after `HELLO 3`,
 * plus what spans types: TYPE, WRONGTYPE from string commands, an emptied
 * hash deleting its key, EXPIRE, RENAME, MOVE, SCAN TYPE, MULTI/EXEC and
 * WATCH. Where Redis's answer is random (HRANDFIELD) or in its table's order
 * (a hash past 128 fields), the reply is normalised to what must still
 * agree: its length, or its elements sorted.
 *
 * Then walkv alone: hashes come back after a SIGKILL, and after a
 * compaction (BGREWRITEAOF) and a SIGKILL, field for field.
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";

/** The header of an array or map reply alone: for random picks, only the count must agree. */
function countOnly(reply: string): string {
  if (reply.startsWith("$")) return "a bulk string"; // one random pick: any length
  return reply.slice(0, reply.indexOf("\r\n") + 2);
}

/** A flat array of field/value pairs with the pairs sorted, for a large hash's table order. */
function sortedPairs(reply: string): string {
  const header = /^[*%](\d+)\r\n/.exec(reply);
  if (header === null) return reply;
  const items = reply.slice(header[0].length).match(/\$\d+\r\n[^\r\n]*\r\n/g) ?? [];
  const pairs: string[] = [];
  for (let i = 0; i + 1 < items.length; i += 2) pairs.push(items[i] + items[i + 1]);
  return header[0] + pairs.sort().join("");
}

/** Every HSCAN page of `key` until the cursor comes back to 0, as one sorted list of pairs. */
async function scanAll(connection: RawConnection, log: Transcript, key: string): Promise<void> {
  const items: string[] = [];
  let cursor = "0";
  const scratch = new Transcript();
  do {
    const reply = await scratch.call(connection, ["HSCAN", key, cursor, "COUNT", "7"]);
    const match = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*\d+\r\n(.*)$/s.exec(reply);
    if (match === null) throw new Error(`not an HSCAN reply: ${JSON.stringify(reply)}`);
    cursor = match[1];
    const found = match[2].match(/\$\d+\r\n[^\r\n]*\r\n/g) ?? [];
    for (let i = 0; i + 1 < found.length; i += 2) items.push(found[i] + found[i + 1]);
  } while (cursor !== "0");
  log.lines.push(`HSCAN ${key} (all pages) -> ${JSON.stringify([...new Set(items)].sort())}`);
}

/** Everything the hash commands do, on one server, over RESP `protocol`. */
async function hashScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(connection, args);
  const callWith = (normalise: (reply: string) => string, ...args: string[]) =>
    log.call(connection, args, normalise);
  if (protocol === 3) await callWith(normaliseHello, "HELLO", "3");
  await call("FLUSHALL");

  // HSET, HGET, HMGET, HSETNX, HMSET.
  await call("HSET", "h", "f1", "v1");
  await call("HSET", "h", "f2", "v2", "f3", "v3", "f1", "again");
  await call("HSET", "h", "f2", "v2");
  await call("HSET", "h", "f4");
  await call("HSET", "h");
  await call("HGET", "h", "f1");
  await call("HGET", "h", "nope");
  await call("HGET", "missing", "f1");
  await call("HMGET", "h", "f1", "nope", "f3");
  await call("HMGET", "missing", "a", "b");
  await call("HSETNX", "h", "f1", "x");
  await call("HSETNX", "h", "f5", "v5");
  await call("HSETNX", "fresh", "a", "1");
  await call("HMSET", "h", "f6", "v6", "f7", "v7");
  await call("HMSET", "h", "f8");
  await call("HGETALL", "h");
  await call("HGETALL", "missing");
  await call("HLEN", "h");
  await call("HLEN", "missing");
  await call("HEXISTS", "h", "f1");
  await call("HEXISTS", "h", "nope");
  await call("HEXISTS", "missing", "f1");
  await call("HSTRLEN", "h", "f1");
  await call("HSTRLEN", "h", "nope");
  await call("HKEYS", "h");
  await call("HVALS", "h");
  await call("HKEYS", "missing");
  await call("HVALS", "missing");

  // Binary fields and values, and the empty field.
  await call("HSET", "bin", "a\r\nb", "\x00\xff", "", "empty field");
  await call("HGET", "bin", "a\r\nb");
  await call("HGET", "bin", "");
  await call("HGETALL", "bin");

  // Types across commands.
  await call("TYPE", "h");
  await call("SET", "s", "text");
  await call("HSET", "s", "f", "v");
  await call("HGET", "s", "f");
  await call("HGETALL", "s");
  await call("HDEL", "s", "f");
  await call("HLEN", "s");
  await call("HINCRBY", "s", "f", "1");
  await call("HSCAN", "s", "0");
  await call("HRANDFIELD", "s");
  await call("GET", "h");
  await call("APPEND", "h", "x");
  await call("INCR", "h");
  await call("STRLEN", "h");
  await call("SET", "h2", "v", "GET");
  await call("HSET", "h2", "a", "1");
  await call("SET", "h2", "replaced", "GET");
  await call("HSET", "h2", "a", "1");
  await call("SET", "h2", "replaced");
  await call("GET", "h2");
  await call("MGET", "h", "s", "missing");
  await call("SET", "h", "x", "NX");
  await call("SETNX", "h", "x");
  await call("MSETNX", "new", "1", "h", "x");
  await call("EXISTS", "new");
  await call("SET", "h", "x", "XX", "GET");
  await call("GETDEL", "h");
  await call("GETEX", "h", "PERSIST");
  await call("GETSET", "h", "x");
  await call("INCRBYFLOAT", "h", "1");
  await call("EXISTS", "h", "missing", "h");
  await call("TYPE", "missing");

  // HDEL, and the key going with its last field.
  await call("HDEL", "h", "f1", "nope", "f1");
  await call("HDEL", "missing", "f1");
  await call("HDEL", "fresh", "a");
  await call("EXISTS", "fresh");
  await call("TYPE", "fresh");
  await call("HGETALL", "fresh");

  // HINCRBY and HINCRBYFLOAT.
  await call("HINCRBY", "n", "i", "5");
  await call("HINCRBY", "n", "i", "-12");
  await call("HINCRBY", "n", "i", "1.5");
  await call("HINCRBY", "n", "i", "abc");
  await call("HINCRBY", "n", "i", "9223372036854775807");
  await call("HSET", "n", "max", "9223372036854775807", "text", "abc", "spaced", " 1");
  await call("HINCRBY", "n", "max", "1");
  await call("HINCRBY", "n", "max", "0");
  await call("HINCRBY", "n", "text", "1");
  await call("HINCRBY", "n", "spaced", "1");
  await call("HINCRBY", "n", "i", "9223372036854775808");
  await call("HINCRBYFLOAT", "n", "f", "10.50");
  await call("HINCRBYFLOAT", "n", "f", "0.1");
  await call("HINCRBYFLOAT", "n", "f", "-5");
  await call("HINCRBYFLOAT", "n", "f", "1e3");
  await call("HINCRBYFLOAT", "n", "i", "0.5");
  await call("HINCRBYFLOAT", "n", "text", "1");
  await call("HINCRBYFLOAT", "n", "f", "abc");
  await call("HINCRBYFLOAT", "n", "f", "inf");
  await call("HINCRBYFLOAT", "n", "f", "nan");
  await call("HINCRBYFLOAT", "n", "g", "1.7976931348623157e308");
  await call("HINCRBYFLOAT", "n", "g", "1.7976931348623157e308");
  await callWith(sortedPairs, "HGETALL", "n"); // a long value: Redis's table order

  // HSCAN of a small hash: answered whole, cursor 0, whatever COUNT says.
  await call("HSCAN", "h", "0");
  await call("HSCAN", "h", "0", "COUNT", "1");
  await call("HSCAN", "h", "0", "MATCH", "f[2-5]");
  await call("HSCAN", "h", "0", "MATCH", "*", "COUNT", "100");
  await call("HSCAN", "missing", "0");
  await call("HSCAN", "h", "abc");
  await call("HSCAN", "h", "-1");
  await call("HSCAN", "h", "0", "COUNT", "0");
  await call("HSCAN", "h", "0", "COUNT", "x");
  await call("HSCAN", "h", "0", "NOPE", "1");
  await call("HSCAN", "h", "0", "COUNT");

  // HRANDFIELD: exact where Redis is exact, counted where it is random.
  await call("HRANDFIELD", "missing");
  await call("HRANDFIELD", "missing", "3");
  await call("HRANDFIELD", "missing", "-3", "WITHVALUES");
  await call("HRANDFIELD", "h", "0");
  await call("HRANDFIELD", "h", "100");
  await call("HRANDFIELD", "h", "100", "WITHVALUES");
  await call("HRANDFIELD", "h", "x");
  await call("HRANDFIELD", "h", "1", "WITHSCORES");
  await call("HRANDFIELD", "h", "1", "WITHVALUES", "extra");
  await callWith(countOnly, "HRANDFIELD", "h");
  await callWith(countOnly, "HRANDFIELD", "h", "3");
  await callWith(countOnly, "HRANDFIELD", "h", "-20");
  await callWith(countOnly, "HRANDFIELD", "h", "-5", "WITHVALUES");
  await callWith(countOnly, "HRANDFIELD", "h", "4", "WITHVALUES");
  await call("HRANDFIELD", "h", "-9223372036854775807", "WITHVALUES");

  // A hash past 512 fields leaves Redis's compact encoding: its order is its table's.
  const many: string[] = [];
  for (let i = 0; i < 600; i++) many.push(`field:${i}`, `value:${i}`);
  await call("HSET", "big", ...many);
  await call("HLEN", "big");
  await callWith(sortedPairs, "HGETALL", "big");
  await callWith(sortedArray, "HKEYS", "big");
  await callWith(sortedArray, "HVALS", "big");
  await scanAll(connection, log, "big");
  // At 512 fields a hash is still compact: HSCAN answers it whole, in order.
  const edge: string[] = [];
  for (let i = 0; i < 512; i++) edge.push(`e${i}`, `${i}`);
  await call("HSET", "edge", ...edge);
  await call("HSCAN", "edge", "0", "COUNT", "5");
  await call("OBJECT", "ENCODING", "edge");
  await call("HSET", "edge", "one", "more");
  await call("OBJECT", "ENCODING", "edge");
  await call("HDEL", "edge", "one");
  await call("OBJECT", "ENCODING", "edge");
  // A long value does the same at any size.
  await call("HSET", "long", "f", "x".repeat(65));
  await scanAll(connection, log, "long");

  // COPY of every type, with REPLACE, DB and its errors; the copy shares nothing.
  await call("RPUSH", "cl", "a", "b");
  await call("ZADD", "cz", "1", "m", "2.5", "n");
  await call("SADD", "cs", "x", "y");
  for (
    const [from, to] of [["h", "h-copy"], ["cl", "cl-copy"], ["cz", "cz-copy"], ["cs", "cs-copy"], [
      "s",
      "s-copy",
    ]]
  ) {
    await call("COPY", from, to);
    await call("COPY", from, to);
    await call("TYPE", to);
  }
  await call("HSET", "h-copy", "f2", "changed");
  await call("HGET", "h", "f2");
  await call("RPUSH", "cl-copy", "c");
  await call("LRANGE", "cl", "0", "-1");
  await call("LRANGE", "cl-copy", "0", "-1");
  await call("ZRANGE", "cz-copy", "0", "-1", "WITHSCORES");
  await call("COPY", "cs", "cl-copy", "REPLACE");
  await call("TYPE", "cl-copy");
  await call("EXPIRE", "cs", "100");
  await call("COPY", "cs", "cs-ttl");
  await call("TTL", "cs-ttl");
  await call("COPY", "cs", "cs", "DB", "1");
  await call("COPY", "cs", "cs");
  await call("COPY", "missing", "x");
  await call("COPY", "cs", "x", "DB", "99");
  await call("COPY", "cs", "x", "DB", "99", "NOPE");
  await call("COPY", "cs", "x", "DB", "abc");
  await call("COPY", "cs", "x", "DB");
  await call("COPY", "cs", "x", "REPLACE", "REPLACE");
  await call("SELECT", "1");
  // A set reply (`~` in RESP3) in Redis's table order: sorted.
  await callWith(
    (r) => (r.startsWith("~") ? "~" + sortedArray("*" + r.slice(1)).slice(1) : sortedArray(r)),
    "SMEMBERS",
    "cs",
  );
  await call("SELECT", "0");

  // OBJECT ENCODING: Redis's names for what it would use.
  await call("OBJECT", "ENCODING", "h");
  await call("OBJECT", "ENCODING", "big");
  await call("OBJECT", "ENCODING", "long");
  await call("OBJECT", "ENCODING", "missing");
  for (
    const [key, value] of [
      ["i1", "123"],
      ["i2", "-9223372036854775808"],
      ["i3", "9223372036854775808"],
      ["i4", "0123"],
      ["e", "x".repeat(44)],
      ["r", "x".repeat(45)],
    ]
  ) {
    await call("SET", key, value);
    await call("OBJECT", "ENCODING", key);
  }
  await call("OBJECT", "FREQ", "h");
  await call("OBJECT", "FREQ", "missing");
  await call("OBJECT", "ENCODING");
  await call("OBJECT", "NOPE", "h");

  // Keys of any type: expiry, rename, move, scan by type.
  await call("EXPIRE", "h", "100");
  await call("TTL", "h");
  await call("PERSIST", "h");
  await call("TTL", "h");
  await call("EXPIRE", "bin", "100");
  await call("RENAME", "bin", "bin2");
  await call("TTL", "bin2");
  await call("HGETALL", "bin2");
  await call("RENAMENX", "bin2", "h");
  await call("MOVE", "bin2", "1");
  await call("SELECT", "1");
  await call("HGETALL", "bin2");
  await call("TYPE", "bin2");
  await call("SELECT", "0");
  await callWith(sortedArray, "KEYS", "*");
  await callWith(sortedScan, "SCAN", "0", "TYPE", "hash", "COUNT", "1000");
  await callWith(sortedScan, "SCAN", "0", "TYPE", "string", "COUNT", "1000");
  await call("DEL", "big", "long");
  await call("EXISTS", "big");

  // Transactions: a wrong type inside EXEC fails that command only.
  await call("MULTI");
  await call("HSET", "tx", "a", "1");
  await call("HINCRBY", "tx", "a", "2");
  await call("HSET", "s", "x", "y");
  await call("HGET", "tx", "a");
  await call("EXEC");
  // WATCH sees a hash changed by another client.
  await call("WATCH", "tx");
  await log.call(other, ["HSET", "tx", "b", "2"]);
  await call("MULTI");
  await call("HGET", "tx", "b");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["HDEL", "tx", "nope"]);
  await call("MULTI");
  await call("HLEN", "tx");
  await call("EXEC");
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`hashes: every command answers as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await hashScenario(redis.port, protocol);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    const actual = await hashScenario(walkv.port, protocol);
    assertEquals(actual, expected);
  });
}

/** HGETALL of each key, sorted into pairs, for comparing states. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["HGETALL", key], sortedPairs);
    // Seconds tick on between the two reads: a TTL is compared as set or not.
    await log.call(connection, ["TTL", key], (reply) => reply.startsWith(":-") ? reply : "set");
  }
  return log.lines;
}

Deno.test("hashes: every change survives a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["a", "b", "c", "gone", "moved"];
  await survivesKillAndCompaction({
    async before(call) {
      const fields: string[] = [];
      for (let i = 0; i < 3000; i++) fields.push(`f${i}`, `v${i}`.repeat(i % 7));
      await call("HSET", "a", ...fields);
      await call("HDEL", "a", "f1", "f2", "f2999");
      await call("HINCRBY", "a", "counter", "41");
      await call("HINCRBY", "a", "counter", "1");
      await call("HINCRBYFLOAT", "a", "float", "0.1");
      await call("HINCRBYFLOAT", "a", "float", "0.2");
      await call("HSET", "b", "x\r\ny", "\x00\x01\xff");
      await call("EXPIRE", "b", "1000");
      await call("HSET", "c", "only", "1");
      await call("HSET", "gone", "f", "v");
      await call("HDEL", "gone", "f");
      await call("HSET", "m", "f", "v");
      await call("RENAME", "m", "moved");
    },
    async after(call) {
      await call("HSET", "c", "after", "compaction");
    },
    state: (port) => state(port, keys),
  });
});
