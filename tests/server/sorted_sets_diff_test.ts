/**
 * Sorted sets, byte for byte against a real redis-server: every
 * non-blocking sorted-set command with its edge cases (options and their
 * conflicts, wrong types, wrong arity, scores that are no float, NaN
 * results, exclusive and lex bounds, LIMIT, REV, missing keys), over RESP2
 * and again after `HELLO 3`, where scores are doubles and members with
 * scores come in pairs. Redis 7.0 writes scores as `%.17g` (1.1 is
 * `1.1000000000000001`), orders equal scores by member bytes, and answers a
 * small sorted set's ZSCAN whole and in order; a larger one is scanned in
 * its table's order, so its pages are compared as one sorted list. Random
 * picks (ZRANDMEMBER) are compared by count, except where Redis answers
 * exactly (all of them, in order).
 *
 * Then walkv alone: sorted sets come back after a SIGKILL, and after a
 * compaction (BGREWRITEAOF) and a SIGKILL, score for score.
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, sortedArray, sortedScan, Transcript } from "../helpers/transcript.ts";

/** The header of an array reply alone: for random picks, only the count must agree. */
function countOnly(reply: string): string {
  if (reply.startsWith("$")) return "a bulk string"; // one random pick: any member
  return reply.slice(0, reply.indexOf("\r\n") + 2);
}

/** Every ZSCAN page of `key` until the cursor is 0 again, as one sorted list of member-score pairs. */
async function scanAll(connection: RawConnection, log: Transcript, key: string): Promise<void> {
  const pairs = new Set<string>();
  let cursor = "0";
  let pages = 0;
  const scratch = new Transcript();
  do {
    const reply = await scratch.call(connection, ["ZSCAN", key, cursor, "COUNT", "11"]);
    const match = /^\*2\r\n\$\d+\r\n(\d+)\r\n\*\d+\r\n(.*)$/s.exec(reply);
    if (match === null) throw new Error(`not a ZSCAN reply: ${JSON.stringify(reply)}`);
    cursor = match[1];
    const items = match[2].match(/\$\d+\r\n[^\r\n]*\r\n/g) ?? [];
    for (let i = 0; i + 1 < items.length; i += 2) pairs.add(items[i] + items[i + 1]);
    pages++;
  } while (cursor !== "0");
  // Both page a large set: more than one page, whatever their sizes.
  log.lines.push(
    `ZSCAN ${key} (${pages > 1 ? "pages" : "one page"}) -> ${JSON.stringify([...pairs].sort())}`,
  );
}

/** Everything the sorted-set commands do, on one server, over RESP `protocol`. */
async function zsetScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: string[]) => log.call(connection, args);
  const counted = (...args: string[]) => log.call(connection, args, countOnly);
  if (protocol === 3) await log.call(connection, ["HELLO", "3"], normaliseHello);
  await call("FLUSHALL");

  // ZADD and its options.
  await call("ZADD", "z", "1", "a", "2", "b", "3", "c");
  await call("ZADD", "z", "1", "a");
  await call("ZADD", "z", "CH", "5", "a", "2", "b", "9", "d");
  await call("ZADD", "z", "NX", "100", "a", "4", "e");
  await call("ZADD", "z", "XX", "100", "a", "4", "f");
  await call("ZADD", "z", "xx", "ch", "101", "a");
  await call("ZADD", "z", "GT", "50", "a");
  await call("ZADD", "z", "GT", "CH", "500", "a", "0", "new");
  await call("ZADD", "z", "LT", "CH", "1", "a", "7", "b");
  await call("ZADD", "z", "XX", "GT", "CH", "3", "b", "0", "c");
  await call("ZADD", "z", "1", "twice", "2", "twice");
  await call("ZADD", "z", "CH", "3", "twice", "3", "twice");
  await call("ZRANGE", "z", "0", "-1", "WITHSCORES");
  await call("ZADD", "z", "INCR", "2", "a");
  await call("ZADD", "z", "INCR", "NX", "2", "a");
  await call("ZADD", "z", "INCR", "XX", "2", "nope");
  await call("ZADD", "z", "INCR", "GT", "-1", "a");
  await call("ZADD", "z", "INCR", "LT", "-1", "a");
  await call("ZADD", "z", "INCR", "CH", "1", "brand-new");
  await call("ZADD", "z", "INCR", "1", "a", "2", "b");
  await call("ZADD", "z", "NX", "XX", "1", "a");
  await call("ZADD", "z", "NX", "GT", "1", "a");
  await call("ZADD", "z", "GT", "LT", "1", "a");
  await call("ZADD", "z", "LT", "NX", "1", "a");
  await call("ZADD", "z", "1", "a", "2");
  await call("ZADD", "z", "NX", "1");
  await call("ZADD", "z", "1");
  await call("ZADD", "z", "abc", "a");
  await call("ZADD", "z", "1", "a", "x", "b");
  await call("ZADD", "z", "nan", "a");
  await call("ZADD", "z", " 1", "a");
  await call("ZADD", "z", "1e400", "a");
  await call("ZADD", "z", "", "a");
  await call("ZADD", "z", "NX", "XX", "abc", "a");
  await call("ZADD", "newxx", "XX", "1", "a");
  await call("EXISTS", "newxx");
  await call("ZADD", "newxx", "XX", "INCR", "1", "a");
  await call("ZADD", "newgt", "GT", "5", "a");
  await call("ZRANGE", "z", "0", "-1", "WITHSCORES");
  await call("ZCARD", "z");
  await call("ZCARD", "missing");

  // ZINCRBY, scores past what they hold, and NaN.
  await call("ZINCRBY", "z", "1.1", "a");
  await call("ZINCRBY", "z", "0.1", "fresh");
  await call("ZINCRBY", "z", "abc", "a");
  await call("ZINCRBY", "z", "nx", "a");
  await call("ZINCRBY", "z", "incr", "a");
  await call("ZINCRBY", "z", "inf", "i");
  await call("ZINCRBY", "z", "-inf", "i");
  await call("ZADD", "z", "INCR", "-inf", "i");
  await call("ZINCRBY", "z", "inf", "i");
  await call("ZSCORE", "z", "i");
  await call("ZINCRBY", "inc", "0.1", "a");
  await call("ZINCRBY", "inc", "0.2", "a");
  await call("ZINCRBY", "inc", "-0.30000000000000004", "a");
  await call("ZSCORE", "inc", "a");
  await call("ZINCRBY", "z", "1");
  await call("ZINCRBY", "huge", "1.7976931348623157e308", "x");
  await call("ZINCRBY", "huge", "1.7976931348623157e308", "x");
  await call("ZADD", "huge", "INCR", "-1e308", "x");

  // How scores read back: %.17g, inf, hexadecimal input.
  await call(
    "ZADD",
    "fmt",
    "1.1",
    "a",
    "0.1",
    "b",
    "1e20",
    "c",
    "1e-5",
    "d",
    "123456789.123456789",
    "e",
    "3.0",
    "f",
    "-2.5",
    "g",
    "1e16",
    "h",
    "2.5e-300",
    "i",
    "0.3",
    "j",
    "9007199254740993",
    "k",
    "1.7976931348623157e308",
    "l",
    "5e-324",
    "m",
    "inf",
    "n",
    "-inf",
    "o",
    "+inf",
    "p",
    "0x10",
    "q",
    "-Infinity",
    "r",
    "1000000000000000.25",
    "s",
  );
  await call("ZRANGE", "fmt", "0", "-1", "WITHSCORES");
  await call("ZREVRANGE", "fmt", "0", "-1", "WITHSCORES");
  await call("ZSCORE", "fmt", "a");
  await call("ZSCORE", "fmt", "n");
  await call("ZSCORE", "fmt", "nope");
  await call("ZSCORE", "missing", "a");
  await call("ZMSCORE", "fmt", "a", "nope", "o", "e");
  await call("ZMSCORE", "missing", "a", "b");
  await call("ZSCAN", "fmt", "0");
  await call("ZSCAN", "fmt", "0", "MATCH", "[a-d]");
  await call("ZSCAN", "fmt", "0", "COUNT", "1");
  await call("ZSCAN", "fmt", "x");
  await call("ZSCAN", "fmt", "0", "COUNT", "0");
  await call("ZSCAN", "fmt", "0", "TYPE", "zset");
  await call("ZSCAN", "fmt", "0", "MATCH");
  await call("ZSCAN", "missing", "0");

  // Equal scores order by member bytes; lex ranges.
  await call("ZADD", "eq", "0", "b", "0", "a", "0", "ab", "0", "", "0", "\xff", "0", "\x00");
  await call("ZADD", "eq", "0", "B", "0", "a\x00", "0", "\r\n", "0", "aa");
  await call("ZRANGE", "eq", "0", "-1");
  await call("ZRANGE", "eq", "0", "-1", "REV");
  await call("ZRANK", "eq", "a");
  await call("ZRANK", "eq", "");
  await call("ZREVRANK", "eq", "\xff");
  await call("ZRANGEBYLEX", "eq", "-", "+");
  await call("ZRANGEBYLEX", "eq", "[a", "(b");
  await call("ZRANGEBYLEX", "eq", "(a", "[b");
  await call("ZRANGEBYLEX", "eq", "(a", "[b", "LIMIT", "1", "2");
  await call("ZRANGEBYLEX", "eq", "-", "+", "LIMIT", "-1", "2");
  await call("ZRANGEBYLEX", "eq", "-", "+", "LIMIT", "3", "-1");
  await call("ZRANGEBYLEX", "eq", "[", "(a");
  await call("ZRANGEBYLEX", "eq", "[b", "[a");
  await call("ZRANGEBYLEX", "eq", "+", "-");
  await call("ZRANGEBYLEX", "eq", "a", "+");
  await call("ZRANGEBYLEX", "eq", "-", "+", "WITHSCORES");
  await call("ZRANGEBYLEX", "eq", "-", "+", "LIMIT", "1");
  await call("ZREVRANGEBYLEX", "eq", "+", "-");
  await call("ZREVRANGEBYLEX", "eq", "[b", "[a");
  await call("ZREVRANGEBYLEX", "eq", "(b", "-", "LIMIT", "1", "3");
  await call("ZREVRANGEBYLEX", "eq", "-", "+");
  await call("ZLEXCOUNT", "eq", "[a", "[b");
  await call("ZLEXCOUNT", "eq", "-", "+");
  await call("ZLEXCOUNT", "eq", "+", "-");
  await call("ZLEXCOUNT", "eq", "(a", "(aa");
  await call("ZLEXCOUNT", "eq", "a", "b");
  await call("ZLEXCOUNT", "eq", "[a", "+x");
  await call("ZLEXCOUNT", "missing", "-", "+");
  await call("ZRANGE", "eq", "[a", "[b", "BYLEX");
  await call("ZRANGE", "eq", "[b", "[a", "BYLEX", "REV");
  await call("ZRANGE", "eq", "-", "+", "BYLEX", "LIMIT", "2", "3");
  await call("ZRANGE", "eq", "-", "+", "BYLEX", "WITHSCORES");
  await call("ZRANGE", "eq", "-", "+", "BYLEX", "REV", "LIMIT", "0", "2");
  await call("ZRANGE", "eq", "0", "1", "BYLEX");
  await call("ZREMRANGEBYLEX", "eq", "[a", "[ab");
  await call("ZREMRANGEBYLEX", "eq", "[zz", "+");
  await call("ZREMRANGEBYLEX", "eq", "x", "+");
  await call("ZREMRANGEBYLEX", "missing", "-", "+");
  await call("ZRANGE", "eq", "0", "-1");

  // Score ranges: exclusive bounds, infinities, LIMIT, REV.
  await call(
    "ZADD",
    "r",
    "1",
    "one",
    "2",
    "two",
    "3",
    "three",
    "4",
    "four",
    "5",
    "five",
    "5",
    "five2",
    "6",
    "six",
    "-inf",
    "ninf",
    "inf",
    "pinf",
  );
  await call("ZRANGEBYSCORE", "r", "-inf", "+inf", "WITHSCORES");
  await call("ZRANGEBYSCORE", "r", "(1", "3");
  await call("ZRANGEBYSCORE", "r", "(1", "(3");
  await call("ZRANGEBYSCORE", "r", "5", "5");
  await call("ZRANGEBYSCORE", "r", "(5", "5");
  await call("ZRANGEBYSCORE", "r", "3", "1");
  await call("ZRANGEBYSCORE", "r", "(-inf", "(inf");
  await call("ZRANGEBYSCORE", "r", "(", "(");
  await call("ZRANGEBYSCORE", "r", "", "10");
  await call("ZRANGEBYSCORE", "r", " 2", "3");
  await call("ZRANGEBYSCORE", "r", "1e400", "inf");
  await call("ZRANGEBYSCORE", "r", "1", "3", "LIMIT", "1", "1");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "0", "-1");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "-1", "2");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "100", "1");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "2", "0");
  await call("ZRANGEBYSCORE", "r", "1", "6", "WITHSCORES", "LIMIT", "1", "2");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "1", "2", "WITHSCORES");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "1");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "x", "1");
  await call("ZRANGEBYSCORE", "r", "1", "6", "LIMIT", "1", "1.5");
  await call("ZRANGEBYSCORE", "r", "x", "1");
  await call("ZRANGEBYSCORE", "r", "1", "nan");
  await call("ZRANGEBYSCORE", "r", "1", "2", "REV");
  await call("ZRANGEBYSCORE", "r", "1", "2", "BYSCORE");
  await call("ZREVRANGEBYSCORE", "r", "+inf", "-inf");
  await call("ZREVRANGEBYSCORE", "r", "3", "1", "WITHSCORES");
  await call("ZREVRANGEBYSCORE", "r", "(5", "(2", "LIMIT", "1", "2");
  await call("ZREVRANGEBYSCORE", "r", "1", "3");
  await call("ZCOUNT", "r", "-inf", "+inf");
  await call("ZCOUNT", "r", "(1", "3");
  await call("ZCOUNT", "r", "5", "(5");
  await call("ZCOUNT", "r", "3", "1");
  await call("ZCOUNT", "r", "x", "1");
  await call("ZCOUNT", "missing", "0", "1");
  await call("ZRANGE", "r", "1", "3", "BYSCORE");
  await call("ZRANGE", "r", "3", "1", "BYSCORE", "REV", "WITHSCORES");
  await call("ZRANGE", "r", "(1", "+inf", "BYSCORE", "LIMIT", "2", "2");
  await call("ZRANGE", "r", "+inf", "(1", "REV", "BYSCORE", "LIMIT", "2", "2");
  await call("ZRANGE", "r", "0", "-1", "LIMIT", "0", "1");
  await call("ZRANGE", "r", "0", "-1", "LIMIT", "0", "-1");
  await call("ZRANGE", "r", "0", "-1", "REV");
  await call("ZRANGE", "r", "-3", "-1", "WITHSCORES");
  await call("ZRANGE", "r", "2", "1");
  await call("ZRANGE", "r", "-100", "100");
  await call("ZRANGE", "r", "5", "100");
  await call("ZRANGE", "r", "100", "200");
  await call("ZRANGE", "r", "0", "0", "WITHSCORES");
  await call("ZRANGE", "r", "-9223372036854775808", "9223372036854775807");
  await call("ZRANGE", "r", "a", "b");
  await call("ZRANGE", "r", "0", "1.5");
  await call("ZRANGE", "r", "0", "-1", "BYSCORE", "BYLEX");
  await call("ZRANGE", "r", "0", "-1", "REV", "REV");
  await call("ZRANGE", "r", "0", "-1", "FOO");
  await call("ZRANGE", "r", "0", "-1", "LIMIT", "1");
  await call("ZRANGE", "r", "0", "-1", "LIMIT", "x", "y");
  await call("ZRANGE", "r", "x", "y", "BYSCORE");
  await call("ZRANGE", "missing", "0", "-1");
  await call("ZRANGE", "missing", "x", "y");
  await call("ZRANGE", "r", "0");
  await call("ZREVRANGE", "r", "0", "2", "WITHSCORES");
  await call("ZREVRANGE", "r", "-2", "-1");
  await call("ZREVRANGE", "r", "0", "-1", "LIMIT", "0", "1");
  await call("ZREVRANGE", "r", "0", "1", "REV");
  await call("ZREVRANGE", "r", "0", "1", "BYSCORE");
  await call("ZRANK", "r", "five");
  await call("ZRANK", "r", "five2");
  await call("ZREVRANK", "r", "five");
  await call("ZRANK", "r", "ninf");
  await call("ZREVRANK", "r", "ninf");
  await call("ZRANK", "r", "nope");
  await call("ZREVRANK", "missing", "a");
  await call("ZRANK", "r");

  // ZRANGESTORE.
  await call("ZRANGESTORE", "dst", "r", "0", "2");
  await call("ZRANGE", "dst", "0", "-1", "WITHSCORES");
  await call("ZRANGESTORE", "dst", "r", "(1", "5", "BYSCORE", "LIMIT", "1", "2");
  await call("ZRANGE", "dst", "0", "-1", "WITHSCORES");
  await call("ZRANGESTORE", "dst", "r", "5", "1", "BYSCORE", "REV");
  await call("ZRANGE", "dst", "0", "-1", "WITHSCORES");
  await call("ZRANGESTORE", "dst", "eq", "[a", "[b", "BYLEX");
  await call("ZRANGE", "dst", "0", "-1");
  await call("ZRANGESTORE", "dst", "r", "0", "-1", "WITHSCORES");
  await call("ZRANGESTORE", "dst", "r", "10", "20");
  await call("EXISTS", "dst");
  await call("ZRANGESTORE", "dst", "missing", "0", "-1");
  await call("ZRANGESTORE", "dst", "r", "0");
  // A STORE replaces its destination whole, TTL included.
  await call("ZRANGESTORE", "dst", "r", "0", "1");
  await call("EXPIRE", "dst", "100");
  await call("ZRANGESTORE", "dst", "r", "1", "2");
  await call("TTL", "dst");
  await call("EXPIRE", "dst", "100");
  await call("ZADD", "dst", "9", "kept");
  await call("TTL", "dst");
  await call("ZRANGE", "r", "0", "+inf", "BYSCORE", "LIMIT", "9223372036854775807", "1");
  await call("ZRANGE", "r", "0", "+inf", "BYSCORE", "LIMIT", "1", "9223372036854775807");
  await call("ZRANGE", "r", "0", "+inf", "BYSCORE", "LIMIT", "1", "-9223372036854775808");
  await call("ZRANGE", "r", "(inf", "+inf", "BYSCORE");
  await call("ZRANGE", "r", "-inf", "(-inf", "BYSCORE");
  await call("ZCOUNT", "r", "(-inf", "(inf");

  // ZREM and the range removals; an emptied sorted set deletes its key.
  await call("ZREM", "r", "one", "nope", "one");
  await call("ZREM", "missing", "a");
  await call("ZREMRANGEBYRANK", "r", "0", "0");
  await call("ZREMRANGEBYRANK", "r", "-1", "-1");
  await call("ZREMRANGEBYRANK", "r", "5", "1");
  await call("ZREMRANGEBYRANK", "r", "x", "1");
  await call("ZREMRANGEBYRANK", "missing", "0", "1");
  await call("ZREMRANGEBYRANK", "r", "9223372036854775807", "-9223372036854775808");
  await call("ZREMRANGEBYSCORE", "r", "(2", "4");
  await call("ZREMRANGEBYSCORE", "r", "x", "1");
  await call("ZREMRANGEBYSCORE", "missing", "1", "2");
  await call("ZRANGE", "r", "0", "-1", "WITHSCORES");
  await call("ZREMRANGEBYSCORE", "r", "-inf", "+inf");
  await call("EXISTS", "r");
  await call("ZADD", "gone", "1", "a");
  await call("ZREM", "gone", "a");
  await call("EXISTS", "gone");
  await call("ZREMRANGEBYRANK", "r", "0");

  // ZPOPMIN, ZPOPMAX and ZMPOP.
  await call("ZADD", "p", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e", "5", "f");
  await call("ZPOPMIN", "p");
  await call("ZPOPMAX", "p");
  await call("ZPOPMIN", "p", "2");
  await call("ZPOPMAX", "p", "0");
  await call("ZPOPMAX", "p", "1");
  await call("ZPOPMIN", "p", "-1");
  await call("ZPOPMIN", "p", "x");
  await call("ZPOPMIN", "p", "1", "2");
  await call("ZPOPMAX", "p", "10");
  await call("EXISTS", "p");
  await call("ZPOPMIN", "missing");
  await call("ZPOPMIN", "missing", "2");
  await call("ZPOPMAX", "missing", "0");
  await call("ZADD", "m1", "1", "a", "2", "b", "3", "c");
  await call("ZMPOP", "1", "m1", "MIN");
  await call("ZMPOP", "2", "missing", "m1", "max", "COUNT", "5");
  await call("EXISTS", "m1");
  await call("ZMPOP", "2", "missing", "m1", "MIN");
  await call("ZADD", "m1", "1", "a", "2", "b", "3", "c");
  await call("ZMPOP", "1", "m1", "MIN", "COUNT", "2");
  await call("ZMPOP", "0", "m1", "MIN");
  await call("ZMPOP", "-1", "m1", "MIN");
  await call("ZMPOP", "x", "m1", "MIN");
  await call("ZMPOP", "2", "m1", "MIN");
  await call("ZMPOP", "1", "m1", "LEFT");
  await call("ZMPOP", "1", "m1", "MIN", "COUNT", "0");
  await call("ZMPOP", "1", "m1", "MIN", "COUNT", "x");
  await call("ZMPOP", "1", "m1", "MIN", "COUNT", "1", "COUNT", "2");
  await call("ZMPOP", "1", "m1", "MIN", "COUNT");
  await call("ZMPOP", "1", "m1", "MIN", "NOPE");
  await call("ZMPOP", "1", "m1");

  // ZRANDMEMBER: exact where Redis is, counted where it is random.
  await call("ZADD", "rnd", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e");
  await call("ZRANDMEMBER", "missing");
  await call("ZRANDMEMBER", "missing", "3");
  await call("ZRANDMEMBER", "missing", "-3", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "0");
  await call("ZRANDMEMBER", "rnd", "5");
  await call("ZRANDMEMBER", "rnd", "100", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "4611686018427387903", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "4611686018427387904", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "-4611686018427387904", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "9223372036854775807", "WITHSCORES");
  await call("ZRANDMEMBER", "rnd", "-9223372036854775808");
  await call("ZRANDMEMBER", "rnd", "9223372036854775808");
  await call("ZRANDMEMBER", "rnd", "x");
  await call("ZRANDMEMBER", "rnd", "1", "x");
  await call("ZRANDMEMBER", "rnd", "1", "WITHSCORES", "x");
  await call("ZRANDMEMBER", "rnd", "x", "y");
  await counted("ZRANDMEMBER", "rnd");
  await counted("ZRANDMEMBER", "rnd", "1");
  await counted("ZRANDMEMBER", "rnd", "3");
  await counted("ZRANDMEMBER", "rnd", "2", "WITHSCORES");
  await counted("ZRANDMEMBER", "rnd", "-20");
  await counted("ZRANDMEMBER", "rnd", "-7", "WITHSCORES");

  // Algebra: sorted sets and sets (score 1), weights, aggregates.
  await call("ZADD", "za", "1", "a", "2", "b", "3", "c");
  await call("ZADD", "zb", "10", "b", "20", "c", "30", "d");
  await call("SADD", "sa", "a", "d", "x");
  await call("ZUNION", "2", "za", "zb");
  await call("ZUNION", "2", "za", "zb", "WITHSCORES");
  await call("ZUNION", "3", "za", "zb", "sa", "WITHSCORES");
  await call("ZUNION", "2", "za", "zb", "WEIGHTS", "2", "3", "WITHSCORES");
  await call("ZUNION", "3", "za", "zb", "sa", "WEIGHTS", "1", "2", "0.5", "AGGREGATE", "MIN");
  await call("ZUNION", "3", "za", "zb", "sa", "AGGREGATE", "max", "WITHSCORES");
  await call("ZUNION", "2", "za", "za", "WITHSCORES");
  await call("ZUNION", "2", "za", "missing", "WITHSCORES");
  await call("ZUNION", "1", "missing");
  await call("ZUNION", "0", "za");
  await call("ZUNION", "-1", "za");
  await call("ZUNION", "x", "za");
  await call("ZUNION", "3", "za", "zb");
  await call("ZUNION", "2", "za", "zb", "WEIGHTS", "1");
  await call("ZUNION", "2", "za", "zb", "WEIGHTS", "1", "x");
  await call("ZUNION", "2", "za", "zb", "AGGREGATE", "avg");
  await call("ZUNION", "2", "za", "zb", "AGGREGATE");
  await call("ZUNION", "2", "za", "zb", "WITHSCORES", "WITHSCORES", "AGGREGATE", "SUM");
  await call("ZUNION", "2", "za", "zb", "LIMIT", "1");
  await call("ZINTER", "2", "za", "zb", "WITHSCORES");
  await call("ZINTER", "3", "za", "zb", "sa");
  await call("ZINTER", "2", "za", "za", "WITHSCORES");
  await call("ZINTER", "2", "za", "missing");
  await call("ZINTER", "2", "za", "zb", "WEIGHTS", "2", "3", "AGGREGATE", "MAX", "WITHSCORES");
  await call("ZINTER", "2", "za", "sa", "WITHSCORES");
  await call("ZINTER", "2", "sa", "sa", "WITHSCORES");
  await call("ZDIFF", "2", "za", "zb", "WITHSCORES");
  await call("ZDIFF", "1", "za");
  await call("ZDIFF", "2", "za", "za");
  await call("ZDIFF", "2", "za", "sa", "WITHSCORES");
  await call("ZDIFF", "2", "sa", "za", "WITHSCORES");
  await call("ZDIFF", "2", "missing", "za");
  await call("ZDIFF", "2", "za", "missing", "WITHSCORES");
  await call("ZDIFF", "2", "za", "zb", "WEIGHTS", "1", "2");
  await call("ZDIFF", "2", "za", "zb", "AGGREGATE", "SUM");
  await call("ZUNIONSTORE", "out", "2", "za", "zb");
  await call("ZRANGE", "out", "0", "-1", "WITHSCORES");
  await call("ZUNIONSTORE", "out", "2", "za", "zb", "WITHSCORES");
  await call("ZINTERSTORE", "out", "2", "za", "zb", "WEIGHTS", "1", "2");
  await call("ZRANGE", "out", "0", "-1", "WITHSCORES");
  await call("ZINTERSTORE", "out", "2", "za", "missing");
  await call("EXISTS", "out");
  await call("ZDIFFSTORE", "out", "2", "za", "zb");
  await call("ZRANGE", "out", "0", "-1", "WITHSCORES");
  await call("ZDIFFSTORE", "out", "0", "za");
  await call("ZDIFFSTORE", "out", "1", "za", "WITHSCORES");
  await call("ZUNIONSTORE", "zc", "2", "za", "zb");
  await call("ZUNIONSTORE", "zc", "2", "zc", "za");
  await call("ZRANGE", "zc", "0", "-1", "WITHSCORES");
  await call("ZUNIONSTORE", "out", "1");
  await call("ZUNIONSTORE", "out", "2", "za", "zb");
  await call("EXPIRE", "out", "100");
  await call("ZUNIONSTORE", "out", "2", "missing", "missing2");
  await call("EXISTS", "out");
  await call("ZINTER", "2", "sa", "sa", "WEIGHTS", "2", "3", "WITHSCORES");
  await call("ZUNION", "2", "sa", "za", "WEIGHTS", "inf", "-inf", "WITHSCORES");
  // Infinities: a sum of inf and -inf, or inf times a weight of 0, is 0.
  await call("ZADD", "zi", "inf", "a", "-inf", "b", "1", "c");
  await call("ZADD", "zj", "-inf", "a", "inf", "b", "-1", "c");
  await call("ZUNION", "2", "zi", "zj", "WITHSCORES");
  await call("ZINTER", "2", "zi", "zj", "WITHSCORES");
  await call("ZUNION", "2", "zi", "zj", "WEIGHTS", "0", "1", "WITHSCORES");
  await call("ZINTER", "2", "zi", "zj", "WEIGHTS", "1", "0", "AGGREGATE", "MIN", "WITHSCORES");
  await call("ZINTER", "2", "zi", "zj", "WEIGHTS", "0", "1", "AGGREGATE", "MAX", "WITHSCORES");
  await call("ZUNION", "2", "zi", "zi", "WEIGHTS", "1", "-1", "WITHSCORES");
  await call("ZINTERCARD", "2", "za", "zb");
  await call("ZINTERCARD", "3", "za", "zb", "sa");
  await call("ZINTERCARD", "2", "za", "zb", "LIMIT", "1");
  await call("ZINTERCARD", "2", "za", "zb", "LIMIT", "0");
  await call("ZINTERCARD", "2", "za", "zb", "LIMIT", "-1");
  await call("ZINTERCARD", "2", "za", "zb", "LIMIT", "x");
  await call("ZINTERCARD", "2", "za", "zb", "LIMIT");
  await call("ZINTERCARD", "0", "za");
  await call("ZINTERCARD", "x", "za");
  await call("ZINTERCARD", "3", "za", "zb");
  await call("ZINTERCARD", "2", "za", "zb", "WITHSCORES");
  await call("ZINTERCARD", "1", "missing");

  // Wrong types, checked in Redis's order (a bad score or range before the type).
  await call("SET", "s", "text");
  await call("HSET", "h", "f", "v");
  await call("ZADD", "s", "1", "a");
  await call("ZADD", "s", "abc", "a");
  await call("ZADD", "s", "XX", "1", "a");
  await call("ZINCRBY", "h", "1", "a");
  await call("ZREM", "s", "a");
  await call("ZCARD", "s");
  await call("ZSCORE", "s", "a");
  await call("ZMSCORE", "h", "a");
  await call("ZRANK", "s", "a");
  await call("ZREVRANK", "s", "a");
  await call("ZCOUNT", "s", "0", "1");
  await call("ZCOUNT", "s", "x", "1");
  await call("ZLEXCOUNT", "s", "-", "+");
  await call("ZRANGE", "s", "0", "-1");
  await call("ZRANGE", "s", "x", "-1");
  await call("ZRANGEBYSCORE", "h", "0", "1");
  await call("ZREVRANGEBYLEX", "h", "+", "-");
  await call("ZRANGESTORE", "dst", "s", "0", "-1");
  await call("ZRANGESTORE", "s", "za", "0", "0");
  await call("TYPE", "s");
  await call("SET", "s", "text");
  await call("ZREMRANGEBYRANK", "s", "0", "1");
  await call("ZREMRANGEBYSCORE", "h", "0", "1");
  await call("ZREMRANGEBYLEX", "h", "-", "+");
  await call("ZPOPMIN", "s");
  await call("ZPOPMAX", "s", "0");
  await call("ZMPOP", "2", "missing", "s", "MIN");
  await call("ZMPOP", "2", "za", "s", "MAX");
  await call("ZRANDMEMBER", "s");
  await call("ZRANDMEMBER", "h", "1");
  await call("ZUNION", "2", "za", "s");
  await call("ZINTER", "2", "h", "za");
  await call("ZDIFF", "2", "za", "s");
  await call("ZUNIONSTORE", "out", "2", "za", "s");
  await call("ZINTERCARD", "2", "za", "h");
  await call("ZSCAN", "s", "0");
  await call("ZSCAN", "s", "x");
  await call("ZUNIONSTORE", "s", "1", "za");
  await call("TYPE", "s");
  await call("GET", "za");
  await call("HGET", "za", "a");
  await call("SADD", "za", "a");
  await call("SINTER", "za", "sa");
  await call("TYPE", "za");

  // A sorted set past 128 members leaves Redis's listpack: ZSCAN pages it.
  const many: string[] = [];
  for (let i = 0; i < 300; i++) many.push(String((i * 37) % 101), `m${i}`);
  await call("ZADD", "big", ...many);
  await call("ZCARD", "big");
  await call("OBJECT", "ENCODING", "big");
  await call("OBJECT", "ENCODING", "z");
  await call("ZRANGE", "big", "100", "105", "WITHSCORES");
  await call("ZREVRANGE", "big", "0", "3", "WITHSCORES");
  await call("ZRANK", "big", "m250");
  await call("ZREVRANK", "big", "m250");
  await call("ZRANGEBYSCORE", "big", "(99", "100", "WITHSCORES");
  await call("ZRANGE", "big", "50", "(49", "BYSCORE", "REV", "LIMIT", "1", "3");
  await call("ZCOUNT", "big", "10", "(20");
  // Redis's skip list keeps -0 (a listpack writes it as 0); it ties with 0.
  await call("ZADD", "big", "-0", "neg");
  await call("ZSCORE", "big", "neg");
  await call("ZADD", "big", "0", "neg");
  await call("ZINCRBY", "big", "-0", "neg");
  await call("ZRANGEBYSCORE", "big", "0", "0", "WITHSCORES");
  await call("ZADD", "small0", "-0", "neg");
  await call("ZSCORE", "small0", "neg");
  await call("ZINCRBY", "small0", "-0", "new");
  await call("ZRANGE", "small0", "0", "-1", "WITHSCORES");
  await scanAll(connection, log, "big");
  await call("ZREM", "big", "neg");
  await call("ZSCAN", "big", "0", "COUNT", "0");
  await call("ZRANDMEMBER", "big", "300");
  await counted("ZRANDMEMBER", "big", "5", "WITHSCORES");
  await counted("ZRANDMEMBER", "big", "250");
  await call("ZREMRANGEBYRANK", "big", "0", "9");
  await call("ZPOPMAX", "big", "3");
  await call("ZRANGESTORE", "bigcopy", "big", "0", "-1");
  await scanAll(connection, log, "bigcopy");
  await call("ZUNIONSTORE", "bigsum", "2", "big", "bigcopy");
  await call("ZRANGE", "bigsum", "0", "4", "WITHSCORES");
  // So does one member longer than 64 bytes, at any size; a short one stays compact.
  await call("ZADD", "long", "1", "x".repeat(65), "2", "y");
  await scanAll(connection, log, "long");
  await call("ZADD", "short", "1", "x".repeat(64), "2", "y");
  await call("ZSCAN", "short", "0", "COUNT", "1");
  await call("ZRANGESTORE", "shortcopy", "long", "1", "1");
  await call("ZSCAN", "shortcopy", "0");

  // Keys of any type: expiry, rename, move, scan by type, delete.
  await call("EXPIRE", "za", "100");
  await call("TTL", "za");
  await call("RENAME", "za", "za2");
  await call("TTL", "za2");
  await call("ZRANGE", "za2", "0", "-1", "WITHSCORES");
  await call("MOVE", "za2", "1");
  await call("SELECT", "1");
  await call("ZRANGE", "za2", "0", "-1", "WITHSCORES");
  await call("TYPE", "za2");
  await call("SELECT", "0");
  await log.call(connection, ["SCAN", "0", "TYPE", "zset", "COUNT", "1000"], sortedScan);
  await log.call(connection, ["KEYS", "z*"], sortedArray);
  await call("DEL", "big", "long");
  await call("EXISTS", "big", "long");

  // Transactions: a wrong type inside EXEC fails that command only.
  await call("MULTI");
  await call("ZADD", "tx", "1", "a");
  await call("ZINCRBY", "tx", "2.5", "a");
  await call("ZADD", "s", "1", "a");
  await call("ZADD", "tx", "INCR", "inf", "a");
  await call("ZADD", "tx", "INCR", "-inf", "a");
  await call("ZRANGE", "tx", "0", "-1", "WITHSCORES");
  await call("ZPOPMIN", "tx");
  await call("EXEC");
  // WATCH sees a sorted set changed by another client, and not one left as it was.
  await call("ZADD", "tx", "1", "a");
  await call("WATCH", "tx");
  await log.call(other, ["ZADD", "tx", "2", "b"]);
  await call("MULTI");
  await call("ZCARD", "tx");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["ZADD", "tx", "2", "b"]);
  await log.call(other, ["ZREM", "tx", "nope"]);
  await log.call(other, ["ZADD", "tx", "XX", "1", "nope"]);
  await call("MULTI");
  await call("ZCARD", "tx");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["ZPOPMAX", "tx"]);
  await call("MULTI");
  await call("ZRANGE", "tx", "0", "-1");
  await call("EXEC");
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`sorted sets: every command answers as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await zsetScenario(redis.port, protocol);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await zsetScenario(walkv.port, protocol), expected);
  });
}

/** Every member and score of each key, and whether it has a TTL. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["ZRANGE", key, "0", "-1", "WITHSCORES"]);
    // Seconds tick on between the two reads: a TTL is compared as set or not.
    await log.call(connection, ["TTL", key], (reply) => reply.startsWith(":-") ? reply : "set");
  }
  return log.lines;
}

Deno.test("sorted sets: every change survives a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["a", "b", "c", "inf", "stored", "ranged", "moved", "gone"];
  await survivesKillAndCompaction({
    async before(call) {
      const pairs: string[] = [];
      for (let i = 0; i < 5000; i++) pairs.push(String(i % 97 + i / 7), `m${i}`);
      await call("ZADD", "a", ...pairs);
      await call("ZREM", "a", "m1", "m2");
      await call("ZINCRBY", "a", "0.1", "m3");
      await call("ZINCRBY", "a", "0.2", "m3");
      await call("ZADD", "a", "INCR", "1.1", "m4");
      await call("ZADD", "a", "GT", "CH", "1e300", "m5", "-1", "m6");
      await call("ZPOPMIN", "a", "10");
      await call("ZPOPMAX", "a");
      await call("ZMPOP", "1", "a", "MAX", "COUNT", "3");
      await call("ZREMRANGEBYRANK", "a", "100", "199");
      await call("ZREMRANGEBYSCORE", "a", "(50", "60");
      await call("ZADD", "b", "0", "x\r\ny", "0", "\x00\xff", "0", "lex", "0", "lexx");
      await call("ZREMRANGEBYLEX", "b", "[lex", "(lexy");
      await call("EXPIRE", "b", "1000");
      await call("ZADD", "c", "1.1", "only");
      await call("ZADD", "a", "-0", "negative zero");
      await call("ZADD", "inf", "inf", "up", "-inf", "down", "5e-324", "tiny", "1e16", "big");
      await call("ZADD", "inf", "0.30000000000000004", "third");
      await call("ZUNIONSTORE", "stored", "2", "a", "c", "WEIGHTS", "2", "0.5");
      await call("ZRANGESTORE", "ranged", "a", "(10", "20", "BYSCORE", "LIMIT", "2", "50");
      await call("ZADD", "m", "1", "x");
      await call("RENAME", "m", "moved");
      await call("ZADD", "gone", "1", "x");
      await call("ZREM", "gone", "x");
      await call("MULTI");
      await call("ZADD", "c", "2", "tx");
      await call("ZINCRBY", "c", "1", "only");
      await call("EXEC");
    },
    async after(call) {
      await call("ZADD", "c", "3", "after");
      await call("ZPOPMIN", "inf");
    },
    state: (port) => state(port, keys),
  });
});
