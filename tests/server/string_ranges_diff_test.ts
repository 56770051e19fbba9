/**
 * The rest of the string and key commands, byte for byte against a real
 * redis-server: GETRANGE, SUBSTR, SETRANGE (its limit error included:
 * both servers run with a 1 MiB string limit, walkv's `--max-bulk` and
 * Redis's `proto-max-bulk-len`), LCS with LEN, IDX, MINMATCHLEN and
 * WITHMATCHLEN, EXPIRETIME, PEXPIRETIME and TOUCH, and SET's and GETEX's
 * absolute expiries (EXAT, PXAT): negative and huge indexes, non-integers,
 * missing keys, empty strings, bytes ≥ 0x80, WRONGTYPE against a hash,
 * arity errors; over RESP2 and again after `HELLO 3`.
 *
 * Then walkv alone: SETRANGE writes and absolute expiries come back after a
 * SIGKILL, and after a compaction and a SIGKILL, byte for byte.
 */
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { RawConnection } from "../helpers/server_process.ts";
import { normaliseHello } from "../helpers/transcript.ts";
import { ByteTranscript } from "../helpers/byte_transcript.ts";
import { prng } from "../helpers/prng.ts";

/** The string limit both servers run with: 1 MiB, Redis's smallest `proto-max-bulk-len`. */
const LIMIT = 1024 * 1024;

/** Bytes, for values that are not text. */
const bytes = (...values: number[]) => new Uint8Array(values);

/** A TTL or PTTL reply with the time left masked: seconds tick on between two servers. */
const timeLeft = (reply: string) => reply.startsWith(":-") ? reply : "set";

/** `length` letters from `alphabet`, the same for every run: LCS inputs with many ties. */
function letters(random: () => number, length: number, alphabet: string): string {
  let text = "";
  for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)];
  return text;
}

/** Everything the commands do, on one server, over RESP `protocol`. */
async function rangeScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new ByteTranscript();
  using connection = await RawConnection.connect(port);
  const call = (...args: (string | Uint8Array)[]) => log.call(connection, args);
  if (protocol === 3) await log.call(connection, ["HELLO", "3"], normaliseHello);
  await call("FLUSHALL");
  await call("HSET", "h", "f", "v");
  await call("SET", "s", "Hello, World");
  await call("SET", "n", "12345");
  await call("SET", "empty", "");
  await call("SET", "bin", bytes(0xff, 0x00, 0x80, 0x0d, 0x0a, 0x7f));

  // GETRANGE and SUBSTR.
  for (const key of ["s", "n", "empty", "bin", "missing"]) {
    for (
      const [start, end] of [
        ["0", "4"],
        ["-5", "-1"],
        ["0", "-1"],
        ["5", "3"],
        ["-1", "-5"],
        ["-100", "-50"],
        ["-100", "2"],
        ["3", "100"],
        ["100", "200"],
        ["0", "0"],
        ["-1", "-1"],
        ["11", "11"],
        ["12", "12"],
        ["9223372036854775807", "9223372036854775807"],
        ["-9223372036854775808", "-9223372036854775807"],
        ["-9223372036854775807", "-9223372036854775808"],
        ["0", "9223372036854775807"],
      ]
    ) {
      await call("GETRANGE", key, start, end);
    }
  }
  await call("SUBSTR", "s", "7", "-1");
  await call("SUBSTR", "s", "-1", "-5");
  await call("SUBSTR", "missing", "0", "1");
  for (const [start, end] of [["x", "1"], ["1", "x"], ["1.5", "2"], ["", "1"], ["01", "2"]]) {
    await call("GETRANGE", "s", start, end);
    await call("SUBSTR", "s", start, end);
  }
  await call("GETRANGE", "s", "9223372036854775808", "1");
  await call("GETRANGE", "h", "0", "1");
  await call("GETRANGE", "h", "x", "1");
  await call("SUBSTR", "h", "0", "1");
  await call("GETRANGE", "s", "0");
  await call("GETRANGE", "s", "0", "1", "2");
  await call("SUBSTR", "s");

  // SETRANGE: overwrite, extend, pad with zeros, keep the expiry.
  await call("SET", "r", "Hello World");
  await call("SETRANGE", "r", "6", "Redis");
  await call("GET", "r");
  await call("SETRANGE", "r", "9", "Deno!!");
  await call("GET", "r");
  await call("SETRANGE", "r", "20", "end");
  await call("GET", "r");
  await call("SETRANGE", "r", "0", "");
  await call("SETRANGE", "r", "100", "");
  await call("STRLEN", "r");
  await call("SETRANGE", "pad", "5", "x");
  await call("GET", "pad");
  await call("SETRANGE", "fresh", "0", "abc");
  await call("GET", "fresh");
  await call("SETRANGE", "nothing", "0", "");
  await call("SETRANGE", "nothing", "10", "");
  await call("EXISTS", "nothing");
  await call("SETRANGE", "empty", "0", "");
  await call("SETRANGE", "empty", "2", "z");
  await call("GET", "empty");
  await call("SETRANGE", "bin", "1", bytes(0xfe, 0x81));
  await call("GET", "bin");
  await call("SETRANGE", "bin", "5", bytes(0x00, 0xff, 0x0a));
  await call("GET", "bin");
  await call("SETRANGE", "n", "1", "x");
  await call("GET", "n");
  await call("SETRANGE", "n", "5", "6");
  await call("GET", "n");
  await call("SET", "t", "abc", "PXAT", "4102444800123");
  await call("SETRANGE", "t", "1", "ZZZZ");
  await call("PEXPIRETIME", "t");
  await call("GET", "t");
  for (
    const offset of ["-1", "x", "1.5", "", "+1", "-9223372036854775808", "9223372036854775808"]
  ) {
    await call("SETRANGE", "r", offset, "x");
  }
  await call("SETRANGE", "r", "9223372036854775807", "x");
  await call("SETRANGE", "r", String(LIMIT), "x");
  await call("SETRANGE", "r", String(LIMIT - 1), "xy");
  await call("SETRANGE", "big", String(LIMIT - 1), "x");
  await call("STRLEN", "big");
  await call("GETRANGE", "big", "-3", "-1");
  await call("DEL", "big");
  await call("SETRANGE", "missing", String(LIMIT), "");
  await call("SETRANGE", "missing", String(LIMIT), "x");
  await call("SETRANGE", "missing", "-1", "");
  await call("EXISTS", "missing");
  await call("SETRANGE", "h", "0", "x");
  await call("SETRANGE", "h", "-1", "x");
  await call("SETRANGE", "h", "0", "");
  await call("SETRANGE", "h", String(LIMIT), "x");
  await call("APPEND", "r", "x".repeat(30));
  await call("SETRANGE", "r");
  await call("SETRANGE", "r", "0");
  await call("SETRANGE", "r", "0", "a", "b");

  // LCS.
  await call("SET", "a", "ohmytext");
  await call("SET", "b", "mynewtext");
  for (
    const options of [
      [],
      ["LEN"],
      ["len"],
      ["IDX"],
      ["idx", "WITHMATCHLEN"],
      ["IDX", "MINMATCHLEN", "4"],
      ["IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"],
      ["IDX", "MINMATCHLEN", "0"],
      ["IDX", "MINMATCHLEN", "-7"],
      ["IDX", "MINMATCHLEN", "100"],
      ["MINMATCHLEN", "2"],
      ["WITHMATCHLEN"],
      ["LEN", "WITHMATCHLEN"],
      ["LEN", "IDX"],
      ["IDX", "LEN"],
      ["IDX", "IDX"],
      ["IDX", "MINMATCHLEN"],
      ["IDX", "MINMATCHLEN", "x"],
      ["IDX", "MINMATCHLEN", "9223372036854775808"],
      ["NOPE"],
      ["LEN", "NOPE"],
    ]
  ) {
    await call("LCS", "a", "b", ...options);
    await call("LCS", "b", "a", ...options);
  }
  for (
    const [x, y] of [
      ["a", "a"],
      ["a", "missing"],
      ["missing", "a"],
      ["missing", "missing"],
      ["empty", "a"],
      ["empty", "empty"],
      ["n", "s"],
      ["bin", "pad"],
    ]
  ) {
    await call("LCS", x, y);
    await call("LCS", x, y, "LEN");
    await call("LCS", x, y, "IDX", "WITHMATCHLEN");
  }
  await call("SET", "c", "abcabcabc");
  await call("SET", "d", "cbacbacba");
  await call("LCS", "c", "d", "IDX", "WITHMATCHLEN");
  await call("SET", "bin2", bytes(0x80, 0xff, 0x00, 0xff, 0x80));
  await call("LCS", "bin", "bin2", "IDX", "WITHMATCHLEN");
  await call("LCS", "bin", "bin2");
  // Long strings with many ties: the walk back must choose as Redis's does.
  const random = prng(7);
  await call("SET", "long1", letters(random, 300, "ab"));
  await call("SET", "long2", letters(random, 280, "abc"));
  await call("LCS", "long1", "long2");
  await call("LCS", "long1", "long2", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN");
  await call("SET", "huge", "x".repeat(600));
  await call("LCS", "huge", "huge", "LEN");
  await call("LCS", "huge", "a", "LEN");
  await call("LCS", "h", "a");
  await call("LCS", "a", "h");
  await call("LCS", "h", "a", "NOPE");
  await call("LCS", "a");

  // EXPIRETIME and PEXPIRETIME, rounding to the nearest second.
  await call("PEXPIREAT", "s", "4102444800499");
  await call("EXPIRETIME", "s");
  await call("PEXPIRETIME", "s");
  await call("PEXPIREAT", "s", "4102444800500");
  await call("EXPIRETIME", "s");
  await call("PEXPIRETIME", "s");
  await call("EXPIREAT", "h", "4102444801");
  await call("EXPIRETIME", "h");
  await call("PEXPIRETIME", "h");
  await call("EXPIRETIME", "a");
  await call("PEXPIRETIME", "a");
  await call("EXPIRETIME", "missing");
  await call("PEXPIRETIME", "missing");
  await call("EXPIRETIME");
  await call("PEXPIRETIME", "a", "b");

  // TOUCH.
  await call("TOUCH", "a");
  await call("TOUCH", "a", "missing", "a", "h", "b");
  await call("TOUCH", "missing");
  await call("TOUCH");

  // SET and GETEX with absolute expiries, past and future.
  await call("SET", "k", "v", "PXAT", "1");
  await call("EXISTS", "k");
  await call("SET", "k", "v", "EXAT", "1", "GET");
  await call("SET", "k", "v", "EXAT", "4102444800");
  await call("PEXPIRETIME", "k");
  await call("SET", "k", "v2", "PXAT", "4102444800001", "GET");
  await call("PEXPIRETIME", "k");
  await call("SET", "k", "v3", "KEEPTTL", "GET");
  await call("PEXPIRETIME", "k");
  await call("SET", "k", "v", "EXAT", "4102444800", "EXAT", "4102444900");
  await call("PEXPIRETIME", "k");
  await call("SET", "k", "v", "XX", "PXAT", "4102444800002");
  await call("PEXPIRETIME", "k");
  await call("SET", "nx", "v", "NX", "EXAT", "4102444800");
  await call("SET", "nx", "v", "NX", "EXAT", "4102444800");
  await call("PEXPIRETIME", "nx");
  // The EXPIRE family takes the same 64-bit range: past 2^53 ms, up to Redis's overflow checks.
  await call("SET", "e", "v");
  await call("EXPIREAT", "e", "9007199254741");
  await call("PEXPIREAT", "e", "9223372036854775807");
  await call("EXPIRE", "e", "9223372036854775");
  await call("EXPIRE", "e", "9223372036854775807");
  await call("PEXPIRE", "e", "9223372036854775807");
  await call("PEXPIRE", "e", "9223372036854775807", "GT");
  await call("EXPIRE", "e", "-9223372036854776");
  await call("EXISTS", "e");
  await call("EXPIRE", "e", "-9223372036854775");
  await call("EXISTS", "e");
  await call("SET", "e", "v");
  await call("PEXPIRE", "e", "-9223372036854775808");
  await call("EXISTS", "e");
  await call("EXPIREAT", "missing", "9223372036854775807");
  // Redis takes any time up to 2^63 - 1 ms (walkv keeps the latest ones as 2^53 - 1 ms).
  await call("SET", "far", "v", "PXAT", "9223372036854775807");
  await call("EXISTS", "far");
  await call("SET", "far", "v", "EXAT", "9223372036854775");
  await call("SET", "far", "v", "EX", "9223372036854");
  await call("EXISTS", "far");
  await call("SETEX", "far", "9223372036854", "v");
  await call("PSETEX", "far", "9223372036854775807", "v");
  await call("GETEX", "far", "PXAT", "9223372036854775807");
  for (
    const option of [
      ["EXAT", "0"],
      ["EXAT", "-1"],
      ["PXAT", "0"],
      ["PXAT", "x"],
      ["EXAT", "1.5"],
      ["EXAT", ""],
      ["EXAT", "9223372036854775807"],
      ["EXAT", "9223372036854776"],
      ["PX", "9223372036854775807"],
      ["EX", "9223372036854775"],
      ["PXAT", "9223372036854775808"],
      ["EXAT", "10", "PXAT", "10"],
      ["EXAT", "10", "EX", "10"],
      ["KEEPTTL", "EXAT", "20"],
      ["EXAT", "20", "KEEPTTL"],
      ["EXAT"],
      ["PXAT"],
      ["PERSIST"],
    ]
  ) {
    await call("SET", "k", "v", ...option);
    await call("GETEX", "k", ...option);
    await call("GETEX", "missing", ...option);
    await call("GETEX", "h", ...option);
  }
  await call("SET", "k", "v");
  await call("GETEX", "k", "EXAT", "4102444800");
  await call("PEXPIRETIME", "k");
  await call("GETEX", "k");
  await call("PEXPIRETIME", "k");
  await call("GETEX", "k", "PXAT", "4102444800000", "PXAT", "4102444800007");
  await call("PEXPIRETIME", "k");
  await call("GETEX", "k", "persist", "PERSIST");
  await call("PEXPIRETIME", "k");
  await call("GETEX", "k", "EX", "100");
  await log.call(connection, ["TTL", "k"], timeLeft);
  await call("GETEX", "k", "PERSIST", "EX", "10");
  await call("GETEX", "k", "EXAT", "1");
  await call("EXISTS", "k");
  await call("SET", "k", "v");
  await call("GETEX", "k", "PXAT", "1", "PXAT", "4102444800000");
  await call("PEXPIRETIME", "k");
  await call("GETEX", "k", "KEEPTTL");
  await call("GETEX", "k", "NX");
  await call("GETEX", "k", "GET");
  await call("GETEX");
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`string ranges, LCS and expiry times answer as redis-server's over RESP${protocol}`, async () => {
    await assertSameAsRedis((port) => rangeScenario(port, protocol), {
      redisArgs: ["--proto-max-bulk-len", String(LIMIT)],
      walkvArgs: ["--max-bulk", String(LIMIT)],
    });
  });
}

/** Each key's bytes and absolute expiry, for comparing states. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new ByteTranscript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["GET", key]);
    await log.call(connection, ["PEXPIRETIME", key]);
  }
  return log.lines;
}

Deno.test("string ranges: SETRANGE writes and absolute expiries survive a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["text", "padded", "raw", "at", "getex", "past", "late"];
  await survivesKillAndCompaction({
    async before(_call, port) {
      using connection = await RawConnection.connect(port);
      const log = new ByteTranscript();
      const call = (...args: (string | Uint8Array)[]) => log.call(connection, args);
      await call("SET", "text", "Hello World");
      await call("SETRANGE", "text", "6", "Redis");
      await call("SETRANGE", "padded", "100", "tail");
      await call("SETRANGE", "padded", "3", bytes(0x0a, 0x0d, 0xff));
      await call("SET", "raw", bytes(0xff, 0x80, 0x00, 0x0a));
      await call("SETRANGE", "raw", "2", bytes(0x81, 0x0a, 0xfe));
      await call("SET", "at", "v", "PXAT", "4102444800123");
      await call("SETRANGE", "at", "1", "alue");
      await call("SET", "getex", "v");
      await call("GETEX", "getex", "EXAT", "4102444801");
      await call("SET", "past", "v");
      await call("GETEX", "past", "PXAT", "1");
    },
    async after(_call, port) {
      using connection = await RawConnection.connect(port);
      const log = new ByteTranscript();
      await log.call(connection, ["SETRANGE", "text", "0", "J"]);
      await log.call(connection, ["SETRANGE", "late", "4", bytes(0xc0, 0xff, 0xee)]);
      await log.call(connection, ["SET", "at", "again", "EXAT", "4102444802"]);
    },
    state: (port) => state(port, keys),
  });
});
