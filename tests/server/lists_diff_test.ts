/**
 * Lists, byte for byte against a real redis-server: every non-blocking list
 * command with its edge cases (wrong types, wrong arity, non-integers,
 * indexes and ranges far past either end, LPOS's options, LMPOP's errors,
 * binary elements, an emptied list deleting its key), over RESP2 and again
 * after `HELLO 3`, and what spans types and commands: TYPE, EXPIRE, RENAME,
 * MOVE, SCAN TYPE, MULTI/EXEC and WATCH. Lists have no random answers and
 * no table order, so nothing is normalised but HELLO's version and id.
 *
 * And 3000 random list commands on a few short lists, reply for reply.
 *
 * Then walkv alone: lists come back element for element after a SIGKILL,
 * and after a compaction (BGREWRITEAOF) and a SIGKILL.
 */
import { assertEquals } from "@std/assert";
import { prng } from "../helpers/prng.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";

const INT64_MAX = "9223372036854775807";
const INT64_MIN = "-9223372036854775808";
const PAST_INT64 = "9223372036854775808";

/** Everything the list commands do, on one server, over RESP `protocol`. */
async function listScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(connection, args);
  if (protocol === 3) await log.call(connection, ["HELLO", "3"], normaliseHello);
  await call("FLUSHALL");

  // Pushes, at both ends, and LPUSHX/RPUSHX only onto a list that is there.
  await call("RPUSH", "l", "a", "b", "c");
  await call("LPUSH", "l", "z", "y");
  await call("RPUSH", "l", "d");
  await call("LRANGE", "l", "0", "-1");
  await call("LLEN", "l");
  await call("OBJECT", "ENCODING", "l");
  await call("LLEN", "missing");
  await call("LPUSHX", "missing", "a");
  await call("RPUSHX", "missing", "a", "b");
  await call("EXISTS", "missing");
  await call("LPUSHX", "l", "x1", "x2");
  await call("RPUSHX", "l", "e");
  await call("LRANGE", "l", "0", "-1");
  await call("LPUSH", "l");
  await call("RPUSH");
  await call("LPUSHX", "l");
  await call("RPUSHX", "l");

  // LRANGE: negative indexes, ranges past either end, huge and non-integer ones.
  for (
    const [start, stop] of [
      ["0", "0"],
      ["-1", "-1"],
      ["-3", "-1"],
      ["2", "4"],
      ["4", "2"],
      ["-100", "100"],
      ["5", "100"],
      ["100", "200"],
      ["-100", "-50"],
      ["-1", "0"],
      ["0", "-100"],
      [INT64_MIN, INT64_MAX],
      [INT64_MAX, INT64_MIN],
      ["-9223372036854775807", "-1"],
      ["0", PAST_INT64],
      ["x", "1"],
      ["0", "1.5"],
      ["0", " 1"],
      ["+1", "2"],
      ["01", "2"],
    ]
  ) await call("LRANGE", "l", start, stop);
  await call("LRANGE", "missing", "0", "-1");
  await call("LRANGE", "missing", "x", "-1");
  await call("LRANGE", "l", "0");

  // LINDEX.
  for (const index of ["0", "3", "-1", "-9", "-10", "9", "100", INT64_MAX, INT64_MIN]) {
    await call("LINDEX", "l", index);
  }
  await call("LINDEX", "l", "x");
  await call("LINDEX", "l", PAST_INT64);
  await call("LINDEX", "missing", "0");
  await call("LINDEX", "missing", "x");
  await call("LINDEX", "l");

  // LSET.
  await call("LSET", "l", "0", "first");
  await call("LSET", "l", "-1", "last");
  await call("LSET", "l", "4", "middle");
  await call("LSET", "l", "100", "v");
  await call("LSET", "l", "-100", "v");
  await call("LSET", "l", INT64_MIN, "v");
  await call("LSET", "l", "x", "v");
  await call("LSET", "missing", "0", "v");
  await call("LSET", "missing", "x", "v");
  await call("LSET", "l", "0");
  await call("LRANGE", "l", "0", "-1");

  // LINSERT.
  await call("RPUSH", "ins", "a", "b", "a", "c");
  await call("LINSERT", "ins", "BEFORE", "a", "x");
  await call("LINSERT", "ins", "after", "a", "y");
  await call("LINSERT", "ins", "AFTER", "c", "end");
  await call("LINSERT", "ins", "Before", "x", "start");
  await call("LINSERT", "ins", "BEFORE", "nope", "z");
  await call("LINSERT", "ins", "MIDDLE", "a", "z");
  await call("LINSERT", "missing", "BEFORE", "a", "z");
  await call("LINSERT", "missing", "MIDDLE", "a", "z");
  await call("EXISTS", "missing");
  await call("LINSERT", "ins", "BEFORE", "a");
  await call("LRANGE", "ins", "0", "-1");

  // LREM: from the head, from the tail, all; and the key going with its last element.
  await call("RPUSH", "rem", "a", "b", "a", "c", "a", "b", "a");
  await call("LREM", "rem", "2", "a");
  await call("LRANGE", "rem", "0", "-1");
  await call("LREM", "rem", "-1", "a");
  await call("LRANGE", "rem", "0", "-1");
  await call("LREM", "rem", "0", "b");
  await call("LRANGE", "rem", "0", "-1");
  await call("LREM", "rem", "0", "nope");
  await call("LREM", "rem", INT64_MIN, "a");
  await call("LRANGE", "rem", "0", "-1");
  await call("LREM", "rem", INT64_MAX, "c");
  await call("EXISTS", "rem");
  await call("LREM", "missing", "0", "a");
  await call("LREM", "missing", "x", "a");
  await call("LREM", "l", "1.5", "a");
  await call("LREM", "l", "0");

  // LTRIM, with the same ranges as LRANGE, each on a fresh list.
  for (
    const [start, stop] of [
      ["1", "-2"],
      ["0", "-1"],
      ["-2", "-1"],
      ["2", "100"],
      ["-100", "1"],
      ["3", "1"],
      ["100", "200"],
      ["-100", "-50"],
      [INT64_MIN, INT64_MAX],
      [INT64_MAX, INT64_MIN],
    ]
  ) {
    await call("DEL", "trim");
    await call("RPUSH", "trim", "a", "b", "c", "d", "e");
    await call("LTRIM", "trim", start, stop);
    await call("LRANGE", "trim", "0", "-1");
    await call("EXISTS", "trim");
  }
  await call("LTRIM", "missing", "0", "1");
  await call("LTRIM", "missing", "x", "1");
  await call("LTRIM", "trim", "0", "x");
  await call("LTRIM", "trim", "0");

  // LPOP and RPOP, with and without a count, Redis 7.0's reply shapes.
  await call("RPUSH", "pop", "1", "2", "3", "4", "5", "6", "7");
  await call("LPOP", "pop");
  await call("RPOP", "pop");
  await call("LPOP", "pop", "2");
  await call("RPOP", "pop", "1");
  await call("LPOP", "pop", "0");
  await call("RPOP", "pop", "0");
  await call("LPOP", "pop", "-1");
  await call("RPOP", "pop", "x");
  await call("LPOP", "pop", INT64_MIN);
  await call("LPOP", "pop", PAST_INT64);
  await call("LPOP", "pop", "1", "2");
  await call("RPOP", "pop", "1", "2");
  await call("LPOP");
  await call("RPOP", "pop", INT64_MAX);
  await call("EXISTS", "pop");
  await call("LPOP", "missing");
  await call("RPOP", "missing");
  await call("LPOP", "missing", "1");
  await call("RPOP", "missing", "0");
  await call("LPOP", "missing", "-1");
  await call("RPUSH", "pop", "only");
  await call("RPOP", "pop");
  await call("EXISTS", "pop");
  await call("RPUSH", "pop", "a", "b");
  await call("LPOP", "pop", "5");
  await call("EXISTS", "pop");

  // LPOS: RANK, COUNT and MAXLEN, and their errors.
  await call("RPUSH", "pos", "a", "b", "c", "1", "2", "3", "c", "c", "a");
  for (
    const options of [
      [],
      ["RANK", "1"],
      ["RANK", "2"],
      ["RANK", "3"],
      ["RANK", "4"],
      ["RANK", "-1"],
      ["RANK", "-2"],
      ["RANK", "-4"],
      ["COUNT", "0"],
      ["COUNT", "1"],
      ["COUNT", "2"],
      ["COUNT", "100"],
      ["COUNT", "0", "RANK", "2"],
      ["COUNT", "2", "RANK", "-1"],
      ["RANK", "-2", "COUNT", "0"],
      ["MAXLEN", "3"],
      ["MAXLEN", "2"],
      ["MAXLEN", "7", "COUNT", "0"],
      ["MAXLEN", "2", "RANK", "-1"],
      ["MAXLEN", "0", "COUNT", "0"],
      ["rank", "1", "count", "1", "maxlen", "100"],
      ["RANK", "1", "RANK", "2"],
      ["RANK", INT64_MAX],
      ["RANK", INT64_MAX, "COUNT", "0"],
      ["RANK", "-9223372036854775807", "COUNT", "0"],
      ["RANK", INT64_MIN],
      ["RANK", INT64_MIN, "COUNT", "0"],
      ["RANK", INT64_MIN, "COUNT", "1"],
      ["RANK", INT64_MIN, "COUNT", "2", "MAXLEN", "8"],
      ["COUNT", INT64_MAX],
      ["MAXLEN", INT64_MAX],
      ["RANK", "0"],
      ["RANK", "x"],
      ["RANK", PAST_INT64],
      ["COUNT", "-1"],
      ["COUNT", "x"],
      ["COUNT", PAST_INT64],
      ["MAXLEN", "-1"],
      ["MAXLEN", "1.5"],
      ["RANK"],
      ["COUNT"],
      ["MAXLEN", "1", "COUNT"],
      ["NOPE", "1"],
      ["RANK", "1", "extra"],
    ]
  ) {
    await call("LPOS", "pos", "c", ...options);
  }
  await call("LPOS", "pos", "a");
  await call("LPOS", "pos", "a", "RANK", "-1");
  await call("LPOS", "pos", "nope");
  await call("LPOS", "pos", "nope", "COUNT", "0");
  await call("LPOS", "missing", "a");
  await call("LPOS", "missing", "a", "COUNT", "0");
  await call("LPOS", "missing", "a", "RANK", "0");
  await call("LPOS", "missing", "a", "NOPE");
  await call("LPOS", "pos");

  // LMOVE and RPOPLPUSH: between lists, onto a new one, and rotating one list.
  await call("RPUSH", "src", "1", "2", "3", "4");
  await call("LMOVE", "src", "dst", "LEFT", "RIGHT");
  await call("LMOVE", "src", "dst", "right", "left");
  await call("LMOVE", "src", "dst", "LEFT", "LEFT");
  await call("LMOVE", "src", "dst", "Right", "Right");
  await call("EXISTS", "src");
  await call("LRANGE", "dst", "0", "-1");
  await call("LMOVE", "dst", "dst", "LEFT", "RIGHT");
  await call("LMOVE", "dst", "dst", "RIGHT", "LEFT");
  await call("LMOVE", "dst", "dst", "LEFT", "LEFT");
  await call("LRANGE", "dst", "0", "-1");
  await call("RPOPLPUSH", "dst", "src");
  await call("RPOPLPUSH", "dst", "dst");
  await call("LRANGE", "dst", "0", "-1");
  await call("LRANGE", "src", "0", "-1");
  await call("LMOVE", "missing", "dst", "LEFT", "RIGHT");
  await call("RPOPLPUSH", "missing", "dst");
  await call("LMOVE", "src", "dst", "UP", "RIGHT");
  await call("LMOVE", "src", "dst", "LEFT", "DOWN");
  await call("LMOVE", "missing", "dst", "UP", "RIGHT");
  await call("LMOVE", "src", "dst", "LEFT");
  await call("RPOPLPUSH", "src");
  // A one-element list rotated onto itself keeps its key and its expiry.
  await call("RPUSH", "one", "x");
  await call("EXPIRE", "one", "1000");
  await call("LMOVE", "one", "one", "LEFT", "RIGHT");
  await call("RPOPLPUSH", "one", "one");
  await call("TTL", "one");
  await call("LRANGE", "one", "0", "-1");
  // The last element moved away takes the source key with it.
  await call("LMOVE", "one", "two", "LEFT", "LEFT");
  await call("EXISTS", "one");
  await call("TTL", "two");

  // LMPOP: the first non-empty list, LEFT or RIGHT, COUNT; and every error.
  await call("RPUSH", "m2", "a", "b", "c", "d", "e");
  await call("RPUSH", "m3", "x");
  await call("LMPOP", "2", "missing", "m2", "LEFT");
  await call("LMPOP", "2", "missing", "m2", "RIGHT", "COUNT", "2");
  await call("LMPOP", "3", "m2", "m3", "missing", "left", "count", "10");
  await call("EXISTS", "m2");
  await call("LMPOP", "2", "m3", "m2", "RIGHT", "COUNT", INT64_MAX);
  await call("LMPOP", "1", "missing", "LEFT");
  await call("LMPOP", "2", "missing", "m3", "RIGHT", "COUNT", "3");
  for (
    const args of [
      ["0", "m2", "LEFT"],
      ["-1", "m2", "LEFT"],
      ["x", "m2", "LEFT"],
      [INT64_MAX, "m2", "LEFT"],
      [PAST_INT64, "m2", "LEFT"],
      ["2", "m2", "LEFT"],
      ["3", "m2", "m3", "LEFT"],
      ["1", "m2", "MIDDLE"],
      ["1", "m2", "LEFT", "COUNT", "0"],
      ["1", "m2", "LEFT", "COUNT", "-1"],
      ["1", "m2", "LEFT", "COUNT", "x"],
      ["1", "m2", "LEFT", "COUNT", PAST_INT64],
      ["1", "m2", "LEFT", "COUNT"],
      ["1", "m2", "LEFT", "COUNT", "1", "COUNT", "1"],
      ["1", "m2", "LEFT", "NOPE"],
      ["1", "m2", "LEFT", "1"],
      ["1", "m2"],
      ["1"],
    ]
  ) await call("LMPOP", ...args);

  // Binary elements, and the empty element.
  await call("RPUSH", "bin", "\r\n", "\x00", "", "\xff\xfe", "a b");
  await call("LRANGE", "bin", "0", "-1");
  await call("LPOS", "bin", "");
  await call("LPOS", "bin", "\x00", "COUNT", "0");
  await call("LREM", "bin", "0", "");
  await call("LINSERT", "bin", "AFTER", "\r\n", "\n");
  await call("LSET", "bin", "0", "\x00\x00");
  await call("LRANGE", "bin", "0", "-1");

  // A long list: pushes and pops at both ends, indexes deep inside.
  const many: string[] = [];
  for (let i = 0; i < 1000; i++) many.push(`e${i}`);
  await call("RPUSH", "long", ...many);
  await call("LPUSH", "long", ...many.slice(0, 300));
  await call("LLEN", "long");
  await call("LINDEX", "long", "650");
  await call("LINDEX", "long", "-650");
  await call("LRANGE", "long", "295", "305");
  await call("LPOS", "long", "e5", "COUNT", "0");
  await call("LPOS", "long", "e999", "RANK", "-1");
  await call("LPOS", "long", "e999", "MAXLEN", "100");
  await call("LREM", "long", "-1", "e10");
  await call("LINSERT", "long", "AFTER", "e500", "inserted");
  await call("LPOS", "long", "inserted");
  await call("LTRIM", "long", "100", "-100");
  await call("LLEN", "long");
  await call("LPOP", "long", "250");
  await call("RPOP", "long", "3");
  await call("LRANGE", "long", "0", "9");

  // Wrong types, both ways.
  await call("SET", "s", "text");
  await call("HSET", "h", "f", "v");
  await call("SADD", "set", "m");
  for (
    const args of [
      ["LPUSH", "s", "a"],
      ["RPUSH", "h", "a"],
      ["LPUSHX", "s", "a"],
      ["RPUSHX", "set", "a"],
      ["LPOP", "s"],
      ["RPOP", "s", "2"],
      ["LPOP", "s", "0"],
      ["LLEN", "h"],
      ["LRANGE", "s", "0", "-1"],
      ["LRANGE", "s", "x", "-1"],
      ["LINDEX", "s", "0"],
      ["LINDEX", "s", "x"],
      ["LSET", "s", "0", "v"],
      ["LSET", "s", "x", "v"],
      ["LINSERT", "s", "BEFORE", "a", "b"],
      ["LINSERT", "s", "MIDDLE", "a", "b"],
      ["LREM", "s", "0", "a"],
      ["LTRIM", "s", "0", "1"],
      ["LPOS", "s", "a"],
      ["LPOS", "s", "a", "RANK", "0"],
      ["LMOVE", "s", "dst", "LEFT", "LEFT"],
      ["LMOVE", "dst", "s", "LEFT", "LEFT"],
      ["LMOVE", "missing", "s", "LEFT", "LEFT"],
      ["RPOPLPUSH", "dst", "h"],
      ["RPOPLPUSH", "h", "dst"],
      ["LMPOP", "2", "missing", "s", "LEFT"],
      ["LMPOP", "2", "dst", "s", "LEFT"],
      ["GET", "dst"],
      ["APPEND", "dst", "x"],
      ["INCR", "dst"],
      ["HGET", "dst", "f"],
      ["SADD", "dst", "m"],
      ["SMEMBERS", "dst"],
      ["TYPE", "dst"],
      ["TYPE", "s"],
    ]
  ) await call(...args);
  await call("LRANGE", "dst", "0", "-1");
  await call("SET", "dst2", "v", "GET");
  await call("RPUSH", "dst2", "a");
  await call("SET", "dst2", "replaced", "GET");
  await call("RPUSH", "dst2", "a");
  await call("SET", "dst2", "replaced");
  await call("GET", "dst2");

  // Keys of any type: expiry, rename, move, scan by type; the TTL stays through changes.
  await call("EXPIRE", "dst", "100");
  await call("RPUSH", "dst", "pushed");
  await call("LPOP", "dst");
  await call("LSET", "dst", "0", "set");
  await call("LTRIM", "dst", "0", "-1");
  await call("TTL", "dst");
  await call("RENAME", "dst", "dst3");
  await call("TTL", "dst3");
  await call("LRANGE", "dst3", "0", "-1");
  await call("MOVE", "dst3", "1");
  await call("SELECT", "1");
  await call("LRANGE", "dst3", "0", "-1");
  await call("TYPE", "dst3");
  await call("SELECT", "0");
  await log.call(connection, ["KEYS", "*"], sortedArray);
  await log.call(connection, ["SCAN", "0", "TYPE", "list", "COUNT", "1000"], sortedScan);
  await call("DEL", "long", "bin");
  await call("EXISTS", "long");

  // Transactions: a wrong type inside EXEC fails that command only.
  await call("MULTI");
  await call("RPUSH", "tx", "a", "b");
  await call("LPUSH", "s", "x");
  await call("LMOVE", "tx", "tx2", "LEFT", "RIGHT");
  await call("LPOP", "tx", "x");
  await call("LRANGE", "tx", "0", "-1");
  await call("EXEC");
  await call("LRANGE", "tx2", "0", "-1");
  // WATCH sees a list changed by another client, and not a change that changed nothing.
  for (
    const [change, read] of [
      [["RPUSH", "tx", "c"], ["LLEN", "tx"]],
      [["LREM", "tx", "0", "nope"], ["LLEN", "tx"]],
      [["LTRIM", "tx", "0", "-1"], ["LLEN", "tx"]],
      [["LINSERT", "tx", "BEFORE", "nope", "x"], ["LLEN", "tx"]],
      [["LPOP", "tx", "0"], ["LLEN", "tx"]],
      [["LSET", "tx", "0", "b"], ["LINDEX", "tx", "0"]],
      [["LMOVE", "tx", "tx", "LEFT", "RIGHT"], ["LRANGE", "tx", "0", "-1"]],
      [["LPUSHX", "missing", "x"], ["LLEN", "missing"]],
      [["LMPOP", "1", "tx", "LEFT"], ["EXISTS", "tx"]],
    ]
  ) {
    const watched = change[0] === "LPUSHX" ? "missing" : "tx";
    await call("WATCH", watched);
    await log.call(other, change);
    await call("MULTI");
    await call(...read);
    await call("EXEC");
  }
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`lists: every command answers as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await listScenario(redis.port, protocol);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    const actual = await listScenario(walkv.port, protocol);
    assertEquals(actual, expected);
  });
}

/** One random list command over a few short lists, a string and a hash, with indexes past both ends. */
function randomCommand(random: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const key = () => pick(["a", "b", "c", "a", "b", "c", "a", "b", "c", "str", "hash"]);
  const element = () => pick(["x", "y", "z", "x", ""]);
  const index = () => String(Math.floor(random() * 30) - 15);
  const elements = () => Array.from({ length: 1 + Math.floor(random() * 5) }, element);
  const end = () => pick(["LEFT", "RIGHT", "left"]);
  switch (Math.floor(random() * 21)) {
    case 0:
    case 17:
    case 18:
    case 19:
      return [pick(["LPUSH", "RPUSH"]), key(), ...elements()];
    case 1:
      return [pick(["LPUSHX", "RPUSHX"]), key(), ...elements()];
    case 2:
      return [pick(["LPOP", "RPOP"]), key()];
    case 3:
      return [pick(["LPOP", "RPOP"]), key(), String(Math.floor(random() * 6))];
    case 4:
      return ["LSET", key(), index(), element()];
    case 5:
      return ["LINSERT", key(), pick(["BEFORE", "AFTER"]), element(), element()];
    case 6:
      return ["LREM", key(), String(Math.floor(random() * 9) - 4), element()];
    case 7:
      return random() < 0.5 ? ["LTRIM", key(), index(), index()] : ["LLEN", key()];
    case 8:
      return ["LMOVE", key(), key(), end(), end()];
    case 9:
      return ["RPOPLPUSH", key(), key()];
    case 10:
      return ["LMPOP", "2", key(), key(), end(), "COUNT", String(1 + Math.floor(random() * 4))];
    case 11:
      return ["LRANGE", key(), index(), index()];
    case 12:
      return ["LINDEX", key(), index()];
    case 13: {
      const options = [];
      if (random() < 0.5) options.push("RANK", pick(["1", "2", "-1", "-2", "3"]));
      if (random() < 0.5) options.push("COUNT", pick(["0", "1", "2"]));
      if (random() < 0.3) options.push("MAXLEN", pick(["0", "1", "3"]));
      return ["LPOS", key(), element(), ...options];
    }
    case 14:
      return ["LLEN", key()];
    case 15:
      return pick([["SET", "str", "v"], ["HSET", "hash", "f", "v"], ["DEL", key()]]);
    case 16:
      return ["LRANGE", key(), "0", "-1"];
    default:
      return [
        "LTRIM",
        key(),
        String(Math.floor(random() * 3)),
        "-" + (1 + Math.floor(random() * 3)),
      ];
  }
}

/** 3000 random list commands on one server, each reply logged. */
async function randomScenario(port: number): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  await log.call(connection, ["FLUSHALL"]);
  const random = prng(7_000_15);
  for (let i = 0; i < 3000; i++) await log.call(connection, randomCommand(random));
  for (const key of ["a", "b", "c"]) await log.call(connection, ["LRANGE", key, "0", "-1"]);
  return log.lines;
}

Deno.test("lists: 3000 random commands answer as redis-server's", async () => {
  await using redis = await startRedisServer();
  const expected = await randomScenario(redis.port);
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await randomScenario(walkv.port), expected);
});

/** LRANGE of each key, whole, and its TTL, for comparing states. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["LRANGE", key, "0", "-1"]);
    // Seconds tick on between the two reads: a TTL is compared as set or not.
    await log.call(connection, ["TTL", key], (reply) => reply.startsWith(":-") ? reply : "set");
  }
  return log.lines;
}

/** Changes of every kind to the lists under `keys`, so replaying any one twice or not at all shows. */
async function changeLists(port: number, round: string): Promise<void> {
  using connection = await RawConnection.connect(port);
  const log = new Transcript();
  const call = (...args: string[]) => log.call(connection, args);
  const elements: string[] = [];
  for (let i = 0; i < 3000; i++) elements.push(`${round}${i}`.repeat(1 + (i % 5)));
  await call("RPUSH", "a", ...elements);
  await call("LPUSH", "a", "head1", "head2");
  await call("LPOP", "a");
  await call("RPOP", "a", "7");
  await call("LSET", "a", "100", `set${round}`);
  await call("LSET", "a", "-1", "\r\n\x00");
  await call("LINSERT", "a", "BEFORE", `${round}50`, "before50");
  await call("LINSERT", "a", "AFTER", `${round}51`, "after51");
  await call("LREM", "a", "2", `${round}3`);
  await call("LREM", "a", "-1", `${round}4`);
  await call("LTRIM", "a", "3", "-4");
  await call("RPUSH", "b", "x", "y", "z", "x");
  await call("EXPIRE", "b", "1000");
  await call("LMOVE", "b", "c", "LEFT", "RIGHT");
  await call("RPOPLPUSH", "b", "b");
  await call("LMPOP", "2", "missing", "b", "RIGHT", "COUNT", "1");
  await call("RPUSH", "gone", "1", "2");
  await call("LMPOP", "1", "gone", "LEFT", "COUNT", "5");
  await call("RPUSH", "m", round);
  await call("RENAME", "m", "moved");
  await call("MULTI");
  await call("RPUSH", "tx", round);
  await call("LMOVE", "tx", "c", "RIGHT", "LEFT");
  await call("RPUSH", "tx", "kept");
  await call("EXEC");
}

Deno.test("lists: every change survives a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["a", "b", "c", "gone", "moved", "tx"];
  await survivesKillAndCompaction({
    before: (_call, port) => changeLists(port, "r1-"),
    // Changes after the compaction land in the new file's tail, on the lists it holds.
    after: (_call, port) => changeLists(port, "r2-"),
    state: (port) => state(port, keys),
  });
});
