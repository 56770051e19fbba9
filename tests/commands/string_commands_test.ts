import { assertEquals } from "@std/assert";
import { respHarness, START } from "../helpers/resp_harness.ts";

import { encodeDel, encodeExpireAt, encodeMulti, encodeSet } from "../../src/wal/record.ts";

const NOT_AN_INTEGER = "-ERR value is not an integer or out of range\r\n";
const SYNTAX_ERROR = "-ERR syntax error\r\n";
const NOT_A_FLOAT = "-ERR value is not a valid float\r\n";

/**
 * A harness over a MapStore with a clock the test moves; `run` dispatches
 * one request and returns the reply as RESP text.
 */
function setup() {
  const { db, databases, wal, context, run, advance } = respHarness();
  /** Sets up `key` through the Db and forgets the records that made. */
  const given = (key: string, value: string, expiresAt = 0) => {
    db.set(key, value, expiresAt);
    databases.commit();
    wal.records.length = 0;
  };
  return { db, databases, wal, server: context.server, run, advance, given };
}

/** RESP text of a bulk string. */
function bulk(value: string): string {
  return `$${value.length}\r\n${value}\r\n`;
}

Deno.test("string commands check their arity with Redis's error text", () => {
  const { run, wal } = setup();
  const cases: [string, number][] = [
    ["SETNX", 2],
    ["SETEX", 3],
    ["PSETEX", 5],
    ["GETSET", 2],
    ["GETDEL", 3],
    ["GETEX", 1],
    ["MGET", 1],
    ["MSET", 2],
    ["MSETNX", 2],
    ["INCR", 3],
    ["DECR", 1],
    ["INCRBY", 2],
    ["DECRBY", 4],
    ["INCRBYFLOAT", 2],
    ["APPEND", 2],
    ["STRLEN", 3],
  ];
  for (const [name, count] of cases) {
    const args = [name.toLowerCase(), ...Array.from({ length: count - 1 }, (_, i) => `a${i}`)];
    assertEquals(
      run(...args),
      `-ERR wrong number of arguments for '${name.toLowerCase()}' command\r\n`,
      args.join(" "),
    );
  }
  assertEquals(wal.records, []);
});

Deno.test("SETNX sets only an absent key, without an expiry", () => {
  const { run, wal, db, advance } = setup();
  assertEquals(run("SETNX", "lock", "me"), ":1\r\n");
  assertEquals(wal.records, [encodeSet("lock", "me")]);
  assertEquals(run("SETNX", "lock", "you"), ":0\r\n");
  assertEquals(db.get("lock"), "me");
  assertEquals(wal.records.length, 1, "a refused SETNX logs nothing");
  db.setExpiresAt("lock", START + 10);
  advance(10);
  assertEquals(run("setnx", "lock", "you"), ":1\r\n", "an expired key counts as absent");
  assertEquals(db.expiresAt("lock"), 0);
});

Deno.test("SETEX and PSETEX set the value and replace the expiry", () => {
  const { run, wal, db, given, advance } = setup();
  given("k", "old", START + 999_999);
  assertEquals(run("SETEX", "k", "10", "v"), "+OK\r\n");
  assertEquals(db.get("k"), "v");
  assertEquals(db.expiresAt("k"), START + 10_000);
  assertEquals(run("psetex", "p", "1500", "w"), "+OK\r\n");
  assertEquals(db.expiresAt("p"), START + 1500);
  assertEquals(wal.records, [
    encodeSet("k", "v", START + 10_000),
    encodeSet("p", "w", START + 1500),
  ]);
  advance(1500);
  assertEquals(run("GET", "p"), "$-1\r\n");
  assertEquals(run("GET", "k"), bulk("v"));
});

Deno.test("SETEX and PSETEX refuse bad times and change nothing", () => {
  const { run, wal, db } = setup();
  assertEquals(run("SETEX", "k", "0", "v"), "-ERR invalid expire time in 'setex' command\r\n");
  assertEquals(run("SETEX", "k", "-3", "v"), "-ERR invalid expire time in 'setex' command\r\n");
  assertEquals(run("PSETEX", "k", "-1", "v"), "-ERR invalid expire time in 'psetex' command\r\n");
  assertEquals(run("SETEX", "k", "ten", "v"), NOT_AN_INTEGER);
  assertEquals(run("SETEX", "k", "1.5", "v"), NOT_AN_INTEGER);
  // A 64-bit integer too large to be a time, as Redis answers it.
  assertEquals(
    run("SETEX", "k", "99999999999999999", "v"),
    "-ERR invalid expire time in 'setex' command\r\n",
  );
  assertEquals(run("SETEX", "k", "99999999999999999999", "v"), NOT_AN_INTEGER);
  assertEquals(db.get("k"), undefined);
  assertEquals(wal.records, []);
});

Deno.test("GETSET answers the old value, stores the new one and drops the expiry", () => {
  const { run, wal, db, server, given } = setup();
  assertEquals(run("GETSET", "k", "1"), "$-1\r\n");
  assertEquals(server.keyspaceMisses, 1);
  given("k", "1", START + 5000);
  assertEquals(run("getset", "k", "2"), bulk("1"));
  assertEquals(server.keyspaceHits, 1);
  assertEquals(db.get("k"), "2");
  assertEquals(db.expiresAt("k"), 0);
  assertEquals(wal.records, [encodeSet("k", "2")]);
});

Deno.test("GETDEL answers the value and deletes the key; a missing key logs nothing", () => {
  const { run, wal, db, server, given } = setup();
  assertEquals(run("GETDEL", "k"), "$-1\r\n");
  assertEquals(wal.records, []);
  given("k", "v", START + 5000);
  assertEquals(run("GETDEL", "k"), bulk("v"));
  assertEquals(db.get("k"), undefined);
  assertEquals(wal.records, [encodeDel("k")]);
  assertEquals([server.keyspaceHits, server.keyspaceMisses], [1, 1]);
});

Deno.test("GETEX without options is GET", () => {
  const { run, wal, db, server, given } = setup();
  given("k", "v", START + 5000);
  assertEquals(run("GETEX", "k"), bulk("v"));
  assertEquals(run("GETEX", "missing"), "$-1\r\n");
  assertEquals(db.expiresAt("k"), START + 5000);
  assertEquals([server.keyspaceHits, server.keyspaceMisses], [1, 1]);
  assertEquals(wal.records, []);
});

Deno.test("GETEX sets the expiry in each unit, or removes it with PERSIST", () => {
  const { run, wal, db, databases, given } = setup();
  given("k", "v");
  const at = START + 60_000;
  const cases: [string, string][] = [
    ["EX", "60"],
    ["px", "60000"],
    ["EXAT", String(at / 1000)],
    ["pxat", String(at)],
  ];
  for (const [option, time] of cases) {
    db.setExpiresAt("k", 0);
    databases.commit();
    wal.records.length = 0;
    assertEquals(run("GETEX", "k", option, time), bulk("v"), option);
    assertEquals(db.expiresAt("k"), at, option);
    assertEquals(wal.records, [encodeExpireAt("k", at)], option);
  }
  wal.records.length = 0;
  assertEquals(run("GETEX", "k", "PERSIST"), bulk("v"));
  assertEquals(db.expiresAt("k"), 0);
  assertEquals(wal.records, [encodeExpireAt("k", 0)]);
  assertEquals(run("GETEX", "k", "persist", "PERSIST"), bulk("v"), "an option may repeat");
  assertEquals(wal.records.length, 1, "PERSIST on a key without an expiry logs nothing");
  assertEquals(run("GETEX", "k", "EX", "10", "ex", "20"), bulk("v"));
  assertEquals(db.expiresAt("k"), START + 20_000, "the last of a repeated option wins");
});

Deno.test("GETEX with a time already past deletes the key but still answers its value", () => {
  const { run, wal, db, given } = setup();
  given("k", "v");
  assertEquals(run("GETEX", "k", "EXAT", "1"), bulk("v"));
  assertEquals(db.get("k"), undefined);
  assertEquals(wal.records, [encodeDel("k")]);
});

Deno.test("GETEX refuses malformed options before looking at the key", () => {
  const { run, wal, db, given } = setup();
  given("k", "v", START + 5000);
  for (
    const options of [
      ["EX"],
      ["KEEPTTL"],
      ["NX"],
      ["foo"],
      ["EX", "10", "PX", "10"],
      ["PERSIST", "EX", "10"],
      ["EX", "10", "PERSIST"],
    ]
  ) {
    assertEquals(run("GETEX", "k", ...options), SYNTAX_ERROR, options.join(" "));
    assertEquals(run("GETEX", "missing", ...options), SYNTAX_ERROR, options.join(" "));
  }
  assertEquals(db.expiresAt("k"), START + 5000);
  assertEquals(wal.records, []);
});

Deno.test("GETEX checks the time only for an existing key, as Redis does", () => {
  const { run, wal, db, given } = setup();
  assertEquals(run("GETEX", "missing", "EX", "0"), "$-1\r\n");
  assertEquals(run("GETEX", "missing", "EX", "abc"), "$-1\r\n");
  given("k", "v", START + 5000);
  assertEquals(run("GETEX", "k", "EX", "0"), "-ERR invalid expire time in 'getex' command\r\n");
  assertEquals(run("GETEX", "k", "PX", "-1"), "-ERR invalid expire time in 'getex' command\r\n");
  assertEquals(run("GETEX", "k", "EX", "abc"), NOT_AN_INTEGER);
  assertEquals(
    run("GETEX", "k", "EX", "9223372036854775807"),
    "-ERR invalid expire time in 'getex' command\r\n",
  );
  assertEquals(db.expiresAt("k"), START + 5000);
  assertEquals(wal.records, []);
});

Deno.test("MGET answers every key in order, the null bulk for missing ones", () => {
  const { run, server, given, advance } = setup();
  given("a", "1");
  given("b", "22", START + 10);
  assertEquals(
    run("MGET", "a", "missing", "b", "a"),
    `*4\r\n${bulk("1")}$-1\r\n${bulk("22")}${bulk("1")}`,
  );
  assertEquals([server.keyspaceHits, server.keyspaceMisses], [3, 1]);
  advance(10);
  assertEquals(run("mget", "b"), "*1\r\n$-1\r\n");
});

Deno.test("MSET sets every pair as one WAL record and drops expiries", () => {
  const { run, wal, db, given } = setup();
  given("a", "old", START + 5000);
  assertEquals(run("MSET", "a", "1", "b", "2", "a", "3"), "+OK\r\n");
  assertEquals([db.get("a"), db.get("b")], ["3", "2"]);
  assertEquals(db.expiresAt("a"), 0);
  assertEquals(wal.records, [
    encodeMulti([encodeSet("a", "1"), encodeSet("b", "2"), encodeSet("a", "3")]),
  ]);
  wal.records.length = 0;
  assertEquals(run("MSET", "c", "4"), "+OK\r\n");
  assertEquals(wal.records, [encodeSet("c", "4")], "one pair is a plain record");
});

Deno.test("MSET and MSETNX refuse a key without a value", () => {
  const { run, wal, db } = setup();
  assertEquals(run("MSET", "a", "1", "b"), "-ERR wrong number of arguments for 'mset' command\r\n");
  assertEquals(
    run("MSETNX", "a", "1", "b"),
    "-ERR wrong number of arguments for 'msetnx' command\r\n",
  );
  assertEquals(db.get("a"), undefined);
  assertEquals(wal.records, []);
});

Deno.test("MSETNX sets all the keys only when none exists", () => {
  const { run, wal, db } = setup();
  assertEquals(run("MSETNX", "a", "1", "b", "2"), ":1\r\n");
  assertEquals(wal.records, [encodeMulti([encodeSet("a", "1"), encodeSet("b", "2")])]);
  assertEquals(run("MSETNX", "c", "3", "b", "4"), ":0\r\n");
  assertEquals([db.get("b"), db.get("c")], ["2", undefined]);
  assertEquals(wal.records.length, 1);
  assertEquals(run("msetnx", "d", "1", "d", "2"), ":1\r\n", "a key named twice is not 'existing'");
  assertEquals(db.get("d"), "2");
});

Deno.test("INCR, DECR, INCRBY and DECRBY count from 0 and log the result", () => {
  const { run, wal, db } = setup();
  assertEquals(run("INCR", "n"), ":1\r\n");
  assertEquals(run("incr", "n"), ":2\r\n");
  assertEquals(run("DECR", "n"), ":1\r\n");
  assertEquals(run("INCRBY", "n", "41"), ":42\r\n");
  assertEquals(run("DECRBY", "n", "50"), ":-8\r\n");
  assertEquals(run("INCRBY", "n", "-2"), ":-10\r\n");
  assertEquals(run("DECRBY", "n", "-10"), ":0\r\n");
  assertEquals(run("DECR", "m"), ":-1\r\n");
  assertEquals(db.get("n"), "0");
  assertEquals(wal.records.slice(0, 2), [encodeSet("n", "1"), encodeSet("n", "2")]);
  assertEquals(wal.records.length, 8);
});

Deno.test("INCR keeps the key's expiry; an expired key starts again from 0", () => {
  const { run, wal, db, given, advance } = setup();
  given("n", "5", START + 10_000);
  assertEquals(run("INCR", "n"), ":6\r\n");
  assertEquals(db.expiresAt("n"), START + 10_000);
  assertEquals(wal.records, [encodeSet("n", "6", START + 10_000)]);
  advance(10_000);
  assertEquals(run("INCRBY", "n", "3"), ":3\r\n");
  assertEquals(db.expiresAt("n"), 0);
});

Deno.test("INCR refuses values and steps that are not integers", () => {
  const { run, wal, db, given } = setup();
  for (const value of ["abc", "1.5", "007", " 1", "1 ", "+1", "-0", ""]) {
    given("n", value);
    assertEquals(run("INCR", "n"), NOT_AN_INTEGER, JSON.stringify(value));
    assertEquals(db.get("n"), value);
  }
  for (const step of ["x", "1.0", "1e3", "01"]) {
    assertEquals(run("INCRBY", "m", step), NOT_AN_INTEGER, step);
    assertEquals(run("DECRBY", "m", step), NOT_AN_INTEGER, step);
  }
  assertEquals(db.get("m"), undefined);
  assertEquals(wal.records, []);
});

Deno.test("INCR counts past 2^53 exactly and overflows where Redis's 64-bit integers do", () => {
  const { run, wal, db, given } = setup();
  const overflow = "-ERR increment or decrement would overflow\r\n";
  given("n", String(Number.MAX_SAFE_INTEGER));
  assertEquals(run("INCR", "n"), ":9007199254740992\r\n", "past 2^53, exactly");
  assertEquals(run("INCRBY", "n", "9007199254740993"), ":18014398509481985\r\n");
  given("max", "9223372036854775806");
  assertEquals(run("INCR", "max"), ":9223372036854775807\r\n");
  wal.records.length = 0;
  assertEquals(run("INCR", "max"), overflow);
  assertEquals(db.get("max"), "9223372036854775807");
  assertEquals(run("DECRBY", "low", "9223372036854775807"), ":-9223372036854775807\r\n");
  assertEquals(run("DECR", "low"), ":-9223372036854775808\r\n");
  assertEquals(run("DECR", "low"), overflow);
  assertEquals(run("DECRBY", "m", "-9223372036854775808"), "-ERR decrement would overflow\r\n");
  assertEquals(run("INCRBY", "x", "9223372036854775808"), NOT_AN_INTEGER, "a step beyond 2^63 - 1");
  assertEquals(wal.records, [
    encodeSet("low", "-9223372036854775807"),
    encodeSet("low", "-9223372036854775808"),
  ]);
});

Deno.test("APPEND creates or extends the value, keeps the expiry and answers the length", () => {
  const { run, wal, db, given } = setup();
  assertEquals(run("APPEND", "k", "Hello"), ":5\r\n");
  assertEquals(db.expiresAt("k"), 0);
  given("k", "Hello", START + 5000);
  assertEquals(run("append", "k", " World"), ":11\r\n");
  assertEquals(db.get("k"), "Hello World");
  assertEquals(db.expiresAt("k"), START + 5000);
  assertEquals(wal.records, [encodeSet("k", "Hello World", START + 5000)]);
  // Binary strings: one character per byte, so lengths are byte counts.
  assertEquals(run("APPEND", "bin", "\xff\x00"), ":2\r\n");
  assertEquals(run("APPEND", "bin", "\xe2\x82\xac"), ":5\r\n");
  assertEquals(db.get("bin"), "\xff\x00\xe2\x82\xac");
});

Deno.test("STRLEN answers the length in bytes, 0 for a missing key", () => {
  const { run, server, given } = setup();
  given("k", "hello");
  given("bin", "\xe2\x82\xac");
  assertEquals(run("STRLEN", "k"), ":5\r\n");
  assertEquals(run("strlen", "bin"), ":3\r\n");
  assertEquals(run("STRLEN", "missing"), ":0\r\n");
  assertEquals([server.keyspaceHits, server.keyspaceMisses], [2, 1]);
});

Deno.test("INCRBYFLOAT answers exact decimal sums, printed as Redis prints them", () => {
  const { run, wal, db, given } = setup();
  given("f", "10.50");
  assertEquals(run("INCRBYFLOAT", "f", "0.1"), bulk("10.6"));
  assertEquals(run("INCRBYFLOAT", "f", "-5"), bulk("5.6"));
  given("f", "5.0e3");
  assertEquals(run("INCRBYFLOAT", "f", "2.0e2"), bulk("5200"));
  given("g", "0.1");
  assertEquals(run("incrbyfloat", "g", "0.2"), bulk("0.3"));
  assertEquals(db.get("g"), "0.3");
  assertEquals(run("INCRBYFLOAT", "h", "1e-7"), bulk("0.0000001"));
  assertEquals(run("INCRBYFLOAT", "i", "3.0"), bulk("3"));
  assertEquals(run("INCRBYFLOAT", "j", "1.23456789012345678"), bulk("1.23456789012345678"));
  assertEquals(run("INCRBYFLOAT", "k", "-.5"), bulk("-0.5"));
  assertEquals(run("INCRBYFLOAT", "k", "+.5"), bulk("0"));
  // Past 17 places Redis rounds as printf does, a half to the even digit.
  assertEquals(run("INCRBYFLOAT", "l", "1.000000000000000005"), bulk("1"));
  assertEquals(run("INCRBYFLOAT", "l2", "2.5e-17"), bulk("0.00000000000000002"));
  assertEquals(run("INCRBYFLOAT", "l3", "-1.5e-17"), bulk("-0.00000000000000002"));
  assertEquals(run("INCRBYFLOAT", "l4", "1.51e-17"), bulk("0.00000000000000002"));
  assertEquals(run("INCRBYFLOAT", "m", "1E3"), bulk("1000"));
  assertEquals(run("INCR", "m"), ":1001\r\n", "an integral result is an integer again");
  assertEquals(wal.records.at(-2), encodeSet("m", "1000"));
});

Deno.test("INCRBYFLOAT keeps the expiry", () => {
  const { run, wal, db, given } = setup();
  given("f", "1", START + 5000);
  assertEquals(run("INCRBYFLOAT", "f", "0.5"), bulk("1.5"));
  assertEquals(db.expiresAt("f"), START + 5000);
  assertEquals(wal.records, [encodeSet("f", "1.5", START + 5000)]);
});

Deno.test("INCRBYFLOAT refuses text that is no number, and infinite results", () => {
  const { run, wal, db, given } = setup();
  for (const text of ["abc", "", " 1", "1 ", "nan", "1e", ".", "1e5000", "1e-5000"]) {
    assertEquals(run("INCRBYFLOAT", "f", text), NOT_A_FLOAT, JSON.stringify(text));
  }
  given("bad", "one");
  assertEquals(run("INCRBYFLOAT", "bad", "1"), NOT_A_FLOAT);
  const infinite = "-ERR increment would produce NaN or Infinity\r\n";
  assertEquals(run("INCRBYFLOAT", "f", "inf"), infinite);
  assertEquals(run("INCRBYFLOAT", "f", "-Infinity"), infinite);
  given("big", "1e4932");
  assertEquals(run("INCRBYFLOAT", "big", "1e4932"), infinite, "beyond the largest long double");
  assertEquals(run("INCRBYFLOAT", "f", "1.2e4932"), NOT_A_FLOAT);
  assertEquals(db.get("f"), undefined);
  assertEquals(db.get("big"), "1e4932");
  assertEquals(wal.records, []);
});
