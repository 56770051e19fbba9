import { assertEquals } from "@std/assert";
import {
  formatDouble,
  MIN_MAX_NOT_FLOAT,
  MIN_MAX_NOT_LEX,
  NOT_A_FLOAT,
  parseLexBound,
  parseScore,
  parseScoreBound,
} from "../../src/commands/scores.ts";
import { prng } from "../helpers/prng.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { RawConnection } from "../helpers/server_process.ts";

Deno.test("formatDouble writes C's %.17g, as Redis 7.0 replies", () => {
  // Expected texts from glibc's printf("%.17g").
  const cases: [number, string][] = [
    [1.1, "1.1000000000000001"],
    [1, "1"],
    [-1.5, "-1.5"],
    [100, "100"],
    [1e20, "1e+20"],
    [1e-5, "1.0000000000000001e-05"],
    [1e-4, "0.0001"],
    [0.000123, "0.00012300000000000001"],
    [0.1, "0.10000000000000001"],
    [1 / 3, "0.33333333333333331"],
    [123.456, "123.456"],
    [1e15, "1000000000000000"],
    [1e16, "10000000000000000"],
    [1e17, "1e+17"],
    [123456789012345678, "1.2345678901234568e+17"],
    [2 ** 53 + 1, "9007199254740992"],
    [1e300, "1.0000000000000001e+300"],
    [1.7976931348623157e308, "1.7976931348623157e+308"],
    [2.2250738585072014e-308, "2.2250738585072014e-308"],
    [1e-320, "9.9998886718268301e-321"],
    [5e-324, "4.9406564584124654e-324"],
    // Exact ties at the 17th digit: C rounds to even, JavaScript's toExponential up.
    [1000000000000000.25, "1000000000000000.2"],
    [1000000000000000.75, "1000000000000000.8"],
    [-1000000000000000.25, "-1000000000000000.2"],
    [0, "0"],
    [-0, "-0"],
    [Infinity, "inf"],
    [-Infinity, "-inf"],
    [NaN, "nan"],
  ];
  for (const [d, text] of cases) assertEquals(formatDouble(d), text, `formatDouble(${d})`);
});

Deno.test("parseScore follows string2d: strtod's syntax, no spaces, no NaN, in range", () => {
  const cases: [string, number | null][] = [
    ["1", 1],
    ["-2.5", -2.5],
    [".5", 0.5],
    ["5.", 5],
    ["+5", 5],
    ["1e3", 1000],
    ["1E-3", 0.001],
    ["-0", -0],
    ["0x10", 16],
    ["0X1.8p1", 3],
    ["-0x.8", -0.5],
    ["0x1p-1074", 5e-324],
    ["inf", Infinity],
    ["+inf", Infinity],
    ["-inf", -Infinity],
    ["INF", Infinity],
    ["inFinity", Infinity],
    ["-Infinity", -Infinity],
    ["1e-320", 1e-320],
    ["0e-400", 0],
    ["1.7976931348623158e308", 1.7976931348623157e308], // rounds down to the largest double
    ["", null],
    [" 1", null],
    ["\t1", null],
    ["1 ", null],
    ["1e", null],
    ["1e+", null],
    ["e1", null],
    [".", null],
    ["-", null],
    ["0x", null],
    ["0xg", null],
    ["0x1p", null],
    ["infin", null],
    ["nan", null],
    ["NaN", null],
    ["-nan", null],
    ["nan(1)", null],
    ["1e400", null], // overflow: ERANGE with HUGE_VAL
    ["-1e400", null],
    ["1e-400", null], // underflow to 0: ERANGE with zero
    ["0x1p-1076", null],
    ["0x1p1024", null],
    ["1\x002", null],
    ["1,5", null],
    ["١", null], // only ASCII digits
  ];
  for (const [text, value] of cases) {
    assertEquals(parseScore(text), value, `parseScore(${JSON.stringify(text)})`);
  }
});

Deno.test("parseScoreBound follows zslParseRange: ( for exclusive, bare strtod", () => {
  const cases: [string, { value: number; exclusive: boolean } | null][] = [
    ["5", { value: 5, exclusive: false }],
    ["(1.5", { value: 1.5, exclusive: true }],
    ["-inf", { value: -Infinity, exclusive: false }],
    ["+inf", { value: Infinity, exclusive: false }],
    ["(inf", { value: Infinity, exclusive: true }],
    ["(-inf", { value: -Infinity, exclusive: true }],
    // strtod's leniencies Redis keeps here: nothing is 0, leading space is skipped,
    // out-of-range text is what strtod returns, a NUL ends the C string.
    ["(", { value: 0, exclusive: true }],
    ["", { value: 0, exclusive: false }],
    [" 5", { value: 5, exclusive: false }],
    ["( 5", { value: 5, exclusive: true }],
    ["1e400", { value: Infinity, exclusive: false }],
    ["1e-400", { value: 0, exclusive: false }],
    ["0x10", { value: 16, exclusive: false }],
    ["5\x00junk", { value: 5, exclusive: false }],
    ["\x00", { value: 0, exclusive: false }],
    ["5 ", null],
    [" ", null],
    ["((1", null],
    ["[1", null],
    ["nan", null],
    ["(nan", null],
    ["1x", null],
  ];
  for (const [text, bound] of cases) {
    assertEquals(parseScoreBound(text), bound, `parseScoreBound(${JSON.stringify(text)})`);
  }
});

Deno.test("the error texts are Redis 7.0's", () => {
  assertEquals(NOT_A_FLOAT, "ERR value is not a valid float");
  assertEquals(MIN_MAX_NOT_FLOAT, "ERR min or max is not a float");
  assertEquals(MIN_MAX_NOT_LEX, "ERR min or max not valid string range item");
});

/** Whether `redis-server` can be run here; without it the differential tests are ignored. */
async function hasRedisServer(): Promise<boolean> {
  try {
    const { success } = await new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return success;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

const redisMissing = !(await hasRedisServer());

/**
 * Sends every request at once (pipelined) and returns the replies' exact
 * texts in order.
 */
async function pipeline(connection: RawConnection, requests: string[][]): Promise<string[]> {
  const frames = requests.map((args) => frame(...args));
  const joined = new Uint8Array(frames.reduce((n, bytes) => n + bytes.length, 0));
  let at = 0;
  for (const bytes of frames) {
    joined.set(bytes, at);
    at += bytes.length;
  }
  await connection.send(joined);
  const replies: string[] = [];
  for (let i = 0; i < requests.length; i++) replies.push(await readRespReply(connection));
  return replies;
}

/** A bulk string reply's text. */
function bulk(text: string): string {
  return `$${text.length}\r\n${text}\r\n`;
}

/** Text that strtod reads back as exactly `d`. */
function scoreText(d: number): string {
  return Object.is(d, -0) ? "-0" : String(d);
}

/** Doubles across every magnitude, with the edge cases Redis's formatting meets. */
function sampleDoubles(): number[] {
  const random = prng(70);
  const view = new DataView(new ArrayBuffer(8));
  const doubles = [
    0,
    -0,
    1,
    -1,
    0.1,
    1.1,
    1 / 3,
    2 / 3,
    1e16,
    1e17,
    1e20,
    1e21,
    1e-5,
    1e-4,
    123456789012345678,
    2 ** 53 + 1,
    2 ** 53 - 1,
    2 ** 63,
    1e-320,
    5e-324,
    2.2250738585072014e-308,
    1.7976931348623157e308,
    1000000000000000.25,
    1000000000000000.75,
    Infinity,
    -Infinity,
  ];
  for (let i = 0; i < 150; i++) {
    // Random bits: every exponent equally likely, subnormals included.
    view.setUint32(0, Math.floor(random() * 2 ** 32));
    view.setUint32(4, Math.floor(random() * 2 ** 32));
    const d = view.getFloat64(0);
    if (Number.isFinite(d)) doubles.push(d);
  }
  for (let i = 0; i < 150; i++) {
    // Everyday scores: a few digits, a few places, magnitudes from 1e-10 to 1e20.
    const digits = Math.floor(random() * 10 ** (1 + Math.floor(random() * 12)));
    doubles.push((random() < 0.5 ? -1 : 1) * digits * 10 ** (Math.floor(random() * 31) - 10));
  }
  return doubles;
}

/**
 * A redis-server whose sorted sets are skiplists from the first member, so
 * a score is kept as the double itself. A listpack (Redis's encoding for
 * small sets) keeps an integral score as an integer, which turns -0 into 0.
 */
function startSkiplistRedis() {
  return startRedisServer({ args: ["--zset-max-listpack-entries", "0"] });
}

Deno.test({
  name: "formatDouble matches redis-server's ZSCORE and ZINCRBY bytes",
  ignore: redisMissing,
  async fn() {
    await using redis = await startSkiplistRedis();
    using connection = await RawConnection.connect(redis.port);
    const doubles = sampleDoubles();
    const requests: string[][] = [];
    doubles.forEach((d, i) => {
      requests.push(["ZADD", "z", scoreText(d), `m${i}`], ["ZSCORE", "z", `m${i}`]);
      requests.push(["ZINCRBY", "zi", scoreText(d), `m${i}`]);
    });
    const replies = await pipeline(connection, requests);
    doubles.forEach((d, i) => {
      const [added, score, incremented] = replies.slice(3 * i, 3 * i + 3);
      assertEquals(added, ":1\r\n", `ZADD z ${scoreText(d)}`);
      assertEquals(score, bulk(formatDouble(d)), `ZSCORE of ${scoreText(d)}`);
      // A new member takes the increment itself as its score (no 0 + d), so -0 stays -0.
      assertEquals(incremented, bulk(formatDouble(d)), `ZINCRBY by ${scoreText(d)}`);
    });
    // The listpack's loss of -0, which a sorted set that mimics the encodings must keep.
    const listpack = await pipeline(connection, [
      ["CONFIG", "SET", "zset-max-listpack-entries", "128"],
      ["ZADD", "small", "-0", "m"],
      ["OBJECT", "ENCODING", "small"],
      ["ZSCORE", "small", "m"],
    ]);
    assertEquals(listpack.slice(2), [bulk("listpack"), bulk("0")]);
  },
});

/** Texts whose acceptance as a score is easy to get wrong. */
const TRICKY_SCORES = [
  " 1",
  "1 ",
  "\t1",
  "0x10",
  "0X1P4",
  "0x1.8p1",
  "0x",
  "0x1p",
  "1e",
  "1e+",
  ".5",
  "5.",
  ".",
  "+5",
  "-5",
  "++5",
  "-inf",
  "+inf",
  "inf",
  "INF",
  "inFinity",
  "-Infinity",
  "infin",
  "nan",
  "NaN",
  "-nan",
  "nan(1)",
  "1e400",
  "-1e400",
  "1e-400",
  "0e-400",
  "1e-320",
  "2e-324",
  "3e-324",
  "1.7976931348623158e308",
  "1.7976931348623159e308",
  "0x1p1024",
  "0x1p-1074",
  "0x1p-1075",
  "0x1.8p-1075",
  "",
  "-0",
  "00012",
  "1_000",
  "1,5",
  "1\x002",
  "abc",
  "1.2.3",
  "--1",
  "(1",
];

Deno.test({
  name: "parseScore accepts exactly what redis-server's ZADD accepts, with the same value",
  ignore: redisMissing,
  async fn() {
    await using redis = await startSkiplistRedis();
    using connection = await RawConnection.connect(redis.port);
    const requests = TRICKY_SCORES.flatMap((text, i) => [
      ["ZADD", "z", text, `m${i}`],
      ["ZSCORE", "z", `m${i}`],
    ]);
    const replies = await pipeline(connection, requests);
    TRICKY_SCORES.forEach((text, i) => {
      const [added, score] = replies.slice(2 * i, 2 * i + 2);
      const value = parseScore(text);
      const label = `ZADD z ${JSON.stringify(text)}`;
      if (value === null) {
        assertEquals(added, `-${NOT_A_FLOAT}\r\n`, label);
        assertEquals(score, "$-1\r\n", label);
      } else {
        assertEquals(added, ":1\r\n", label);
        assertEquals(score, bulk(formatDouble(value)), label);
      }
    });
  },
});

Deno.test({
  name: "parseScoreBound and parseLexBound read bounds as redis-server's ZCOUNT and ZLEXCOUNT",
  ignore: redisMissing,
  async fn() {
    await using redis = await startRedisServer();
    using connection = await RawConnection.connect(redis.port);
    const scores = [-Infinity, -1, 0, 0.5, 1, 1.5, 5, 16, Infinity];
    const members = ["", "a", "b", "b\x00c", "c", "cc", "\x7f"];
    await pipeline(connection, [
      ["ZADD", "zs", ...scores.flatMap((s, i) => [scoreText(s), `s${i}`])],
      ["ZADD", "zl", ...members.flatMap((m) => ["0", m])],
    ]);

    const bounds = [
      ...TRICKY_SCORES,
      "(",
      "( 5",
      "(inf",
      "(-inf",
      "(1.5",
      "(5",
      "((1",
      "5\x00junk",
    ];
    const scoreReplies = await pipeline(
      connection,
      bounds.flatMap((text) => [["ZCOUNT", "zs", text, "+inf"], ["ZCOUNT", "zs", "-inf", text]]),
    );
    bounds.forEach((text, i) => {
      const bound = parseScoreBound(text);
      const above = (s: number) =>
        bound !== null && (bound.exclusive ? s > bound.value : s >= bound.value);
      const below = (s: number) =>
        bound !== null && (bound.exclusive ? s < bound.value : s <= bound.value);
      const expect = (count: number) =>
        bound === null ? `-${MIN_MAX_NOT_FLOAT}\r\n` : `:${count}\r\n`;
      const label = `bound ${JSON.stringify(text)}`;
      assertEquals(scoreReplies[2 * i], expect(scores.filter(above).length), `${label} as min`);
      assertEquals(scoreReplies[2 * i + 1], expect(scores.filter(below).length), `${label} as max`);
    });

    const lexBounds = [
      "-",
      "+",
      "[a",
      "(a",
      "[b",
      "(b",
      "[b\x00c",
      "(b\x00c",
      "[",
      "(",
      "[\x7f",
      "a",
      "",
      "+x",
      "-x",
      "+\x00x",
      "-\x00",
      "]a",
      " [a",
      "[cc",
      "(cc",
    ];
    const lexReplies = await pipeline(
      connection,
      lexBounds.flatMap((text) => [["ZLEXCOUNT", "zl", text, "+"], ["ZLEXCOUNT", "zl", "-", text]]),
    );
    lexBounds.forEach((text, i) => {
      const bound = parseLexBound(text);
      const min = (m: string) =>
        bound !== null &&
        ("kind" in bound
          ? bound.kind === "-"
          : bound.exclusive
          ? m > bound.value
          : m >= bound.value);
      const max = (m: string) =>
        bound !== null &&
        ("kind" in bound
          ? bound.kind === "+"
          : bound.exclusive
          ? m < bound.value
          : m <= bound.value);
      const expect = (count: number) =>
        bound === null ? `-${MIN_MAX_NOT_LEX}\r\n` : `:${count}\r\n`;
      const label = `lex bound ${JSON.stringify(text)}`;
      assertEquals(lexReplies[2 * i], expect(members.filter(min).length), `${label} as min`);
      assertEquals(lexReplies[2 * i + 1], expect(members.filter(max).length), `${label} as max`);
    });
  },
});
