import { assert, assertEquals } from "@std/assert";
import { respHarness, START } from "../helpers/resp_harness.ts";

import { MapStore } from "../../src/store/map_store.ts";
import type { Clock } from "../../src/store/shard.ts";
import { ShardedStore } from "../../src/store/sharded_store.ts";
import type { Store } from "../../src/store/store.ts";
import { encodeDel, encodeExpireAt, encodeMulti, encodeSet } from "../../src/wal/record.ts";

/**
 * A harness over `makeStore` with a clock the test moves; `run` dispatches
 * one request and returns the reply as RESP text (one character per byte).
 */
function setup(makeStore: (clock: Clock) => Store = (clock) => new MapStore(clock)) {
  const { db, wal, run, advance, time } = respHarness({ makeStore });
  return { db, wal, run, advance, now: () => time.now };
}

/** RESP text of an array of bulk strings. */
function bulks(values: string[]): string {
  return `*${values.length}\r\n` + values.map((v) => `$${v.length}\r\n${v}\r\n`).join("");
}

/** Reads a SCAN reply: `*2`, the cursor as a bulk string, an array of bulk strings. */
function parseScan(text: string): { cursor: string; keys: string[] } {
  let at = 0;
  const line = (): string => {
    const end = text.indexOf("\r\n", at);
    const found = text.slice(at, end);
    at = end + 2;
    return found;
  };
  const bulk = (): string => {
    const length = Number(line().slice(1));
    const value = text.slice(at, at + length);
    at += length + 2;
    return value;
  };
  assertEquals(line(), "*2", `not a SCAN reply: ${JSON.stringify(text)}`);
  const cursor = bulk();
  const count = Number(line().slice(1));
  const keys = Array.from({ length: count }, bulk);
  assertEquals(at, text.length);
  return { cursor, keys };
}

Deno.test("DEL counts the keys that existed, once each, and logs one record", () => {
  const { run, wal } = setup();
  run("SET", "a", "1");
  run("SET", "b", "2");
  wal.records.length = 0;
  assertEquals(run("DEL", "a", "b", "a", "missing"), ":2\r\n");
  assertEquals(run("EXISTS", "a", "b"), ":0\r\n");
  assertEquals(wal.records, [encodeMulti([encodeDel("a"), encodeDel("b")])]);
  assertEquals(run("DEL", "a"), ":0\r\n");
  assertEquals(wal.records.length, 1, "deleting nothing logs nothing");
  assertEquals(run("DEL"), "-ERR wrong number of arguments for 'del' command\r\n");
});

Deno.test("UNLINK deletes as DEL does", () => {
  const { run } = setup();
  run("SET", "a", "1");
  assertEquals(run("unlink", "a", "b"), ":1\r\n");
  assertEquals(run("GET", "a"), "$-1\r\n");
});

Deno.test("EXISTS counts a key named twice twice", () => {
  const { run } = setup();
  run("SET", "k", "v");
  assertEquals(run("EXISTS", "k", "k", "missing"), ":2\r\n");
  assertEquals(run("EXISTS", "missing"), ":0\r\n");
});

Deno.test("TTL and PTTL: -2 for a missing key, -1 without an expiry", () => {
  const { run } = setup();
  assertEquals(run("TTL", "missing"), ":-2\r\n");
  assertEquals(run("PTTL", "missing"), ":-2\r\n");
  run("SET", "k", "v");
  assertEquals(run("TTL", "k"), ":-1\r\n");
  assertEquals(run("PTTL", "k"), ":-1\r\n");
});

Deno.test("TTL rounds to the nearest second as the clock moves, then the key expires", () => {
  const { run, advance } = setup();
  run("SET", "k", "v");
  assertEquals(run("EXPIRE", "k", "10"), ":1\r\n");
  assertEquals(run("TTL", "k"), ":10\r\n");
  advance(400); // 9600 ms left
  assertEquals(run("TTL", "k"), ":10\r\n");
  assertEquals(run("PTTL", "k"), ":9600\r\n");
  advance(101); // 9499 ms left
  assertEquals(run("TTL", "k"), ":9\r\n");
  advance(9498); // 1 ms left
  assertEquals(run("TTL", "k"), ":0\r\n");
  assertEquals(run("PTTL", "k"), ":1\r\n");
  advance(1);
  assertEquals(run("TTL", "k"), ":-2\r\n");
  assertEquals(run("GET", "k"), "$-1\r\n");
});

Deno.test("EXPIRE family: each unit and base sets the same absolute time and logs it", () => {
  const { run, wal, now } = setup();
  run("SET", "k", "v");
  const cases: [string, string][] = [
    ["EXPIRE", "100"],
    ["PEXPIRE", "100000"],
    ["EXPIREAT", String((START + 100_000) / 1000)],
    ["PEXPIREAT", String(START + 100_000)],
  ];
  for (const [command, time] of cases) {
    run("PERSIST", "k");
    wal.records.length = 0;
    assertEquals(run(command, "k", time), ":1\r\n", command);
    assertEquals(run("PTTL", "k"), ":100000\r\n", command);
    assertEquals(wal.records, [encodeExpireAt("k", now() + 100_000)], command);
  }
});

Deno.test("EXPIRE on a missing key answers 0 and logs nothing", () => {
  const { run, wal } = setup();
  assertEquals(run("EXPIRE", "missing", "10"), ":0\r\n");
  assertEquals(run("PEXPIREAT", "missing", "1"), ":0\r\n");
  assertEquals(wal.records, []);
});

Deno.test("EXPIRE with a time not in the future deletes the key and answers 1", () => {
  const { run, wal } = setup();
  for (const [command, time] of [["EXPIRE", "0"], ["EXPIRE", "-5"], ["PEXPIREAT", "0"]]) {
    run("SET", "k", "v");
    wal.records.length = 0;
    assertEquals(run(command, "k", time), ":1\r\n", `${command} k ${time}`);
    assertEquals(run("EXISTS", "k"), ":0\r\n", `${command} k ${time}`);
    assertEquals(wal.records, [encodeDel("k")], `${command} k ${time}`);
  }
  run("SET", "k", "v");
  assertEquals(run("PEXPIREAT", "k", String(START)), ":1\r\n");
  assertEquals(run("EXISTS", "k"), ":0\r\n");
});

Deno.test("EXPIRE NX and XX look at whether the key has an expiry", () => {
  const { run } = setup();
  run("SET", "k", "v");
  assertEquals(run("EXPIRE", "k", "100", "XX"), ":0\r\n");
  assertEquals(run("TTL", "k"), ":-1\r\n");
  assertEquals(run("EXPIRE", "k", "100", "nx"), ":1\r\n");
  assertEquals(run("EXPIRE", "k", "50", "NX"), ":0\r\n");
  assertEquals(run("TTL", "k"), ":100\r\n");
  assertEquals(run("EXPIRE", "k", "50", "XX"), ":1\r\n");
  assertEquals(run("TTL", "k"), ":50\r\n");
});

Deno.test("EXPIRE GT and LT compare with the current expiry; none counts as forever", () => {
  const { run } = setup();
  run("SET", "k", "v");
  assertEquals(run("EXPIRE", "k", "100", "GT"), ":0\r\n");
  assertEquals(run("TTL", "k"), ":-1\r\n");
  assertEquals(run("EXPIRE", "k", "100", "LT"), ":1\r\n");
  assertEquals(run("EXPIRE", "k", "50", "GT"), ":0\r\n");
  assertEquals(run("EXPIRE", "k", "100", "GT"), ":0\r\n", "equal is not greater");
  assertEquals(run("EXPIRE", "k", "200", "GT"), ":1\r\n");
  assertEquals(run("EXPIRE", "k", "300", "LT"), ":0\r\n");
  assertEquals(run("EXPIRE", "k", "200", "LT"), ":0\r\n", "equal is not less");
  assertEquals(run("EXPIRE", "k", "50", "lt", "XX"), ":1\r\n");
  assertEquals(run("TTL", "k"), ":50\r\n");
});

Deno.test("EXPIRE rejects conflicting or unknown options and bad times with Redis's errors", () => {
  const { run, wal } = setup();
  run("SET", "k", "v");
  wal.records.length = 0;
  const conflict = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n";
  assertEquals(run("EXPIRE", "k", "10", "NX", "XX"), conflict);
  assertEquals(run("EXPIRE", "k", "10", "NX", "GT"), conflict);
  assertEquals(
    run("EXPIRE", "k", "10", "GT", "LT"),
    "-ERR GT and LT options at the same time are not compatible\r\n",
  );
  assertEquals(run("EXPIRE", "k", "10", "sooner"), "-ERR Unsupported option sooner\r\n");
  assertEquals(run("EXPIRE", "k", "abc", "sooner"), "-ERR Unsupported option sooner\r\n");
  const notInteger = "-ERR value is not an integer or out of range\r\n";
  for (const time of ["abc", "1.5", "", " 1", "01", "99999999999999999999"]) {
    assertEquals(run("EXPIRE", "k", time), notInteger, JSON.stringify(time));
  }
  assertEquals(
    run("EXPIRE", "k", "9223372036854775807"),
    "-ERR invalid expire time in 'expire' command\r\n",
  );
  assertEquals(
    run("PEXPIRE", "k", "9223372036854775807"),
    "-ERR invalid expire time in 'pexpire' command\r\n",
  );
  assertEquals(
    run("expireat", "k", "9223372036854776"),
    "-ERR invalid expire time in 'expireat' command\r\n",
  );
  assertEquals(run("EXPIRE", "k"), "-ERR wrong number of arguments for 'expire' command\r\n");
  assertEquals(run("TTL", "k"), ":-1\r\n");
  assertEquals(wal.records, []);
});

Deno.test("PERSIST removes an expiry: 1 when it did, 0 otherwise", () => {
  const { run, wal, advance } = setup();
  assertEquals(run("PERSIST", "missing"), ":0\r\n");
  run("SET", "k", "v");
  assertEquals(run("PERSIST", "k"), ":0\r\n");
  run("EXPIRE", "k", "10");
  wal.records.length = 0;
  assertEquals(run("PERSIST", "k"), ":1\r\n");
  assertEquals(wal.records, [encodeExpireAt("k", 0)]);
  assertEquals(run("TTL", "k"), ":-1\r\n");
  advance(60_000);
  assertEquals(run("GET", "k"), "$1\r\nv\r\n");
});

Deno.test("TYPE answers string or none", () => {
  const { run, advance } = setup();
  run("SET", "k", "v", "PX", "10");
  assertEquals(run("TYPE", "k"), "+string\r\n");
  assertEquals(run("TYPE", "missing"), "+none\r\n");
  advance(10);
  assertEquals(run("TYPE", "k"), "+none\r\n");
});

Deno.test("KEYS returns the live keys matching the pattern", () => {
  const { run, advance } = setup();
  for (const key of ["user:1", "user:2", "order:1", "user:\xff"]) run("SET", key, "v");
  run("SET", "user:gone", "v", "PX", "5");
  advance(5);
  assertEquals(run("KEYS", "order:*"), bulks(["order:1"]));
  assertEquals(run("KEYS", "user:?"), bulks(["user:1", "user:2", "user:\xff"]));
  assertEquals(run("KEYS", "user:[^1]"), bulks(["user:2", "user:\xff"]));
  assertEquals(run("KEYS", "nothing*"), "*0\r\n");
  assertEquals(run("KEYS", "*"), bulks(["user:1", "user:2", "order:1", "user:\xff"]));
});

Deno.test("KEYS over many keys yields to other work between slices, and misses none", async () => {
  const { store, runAsync } = respHarness();
  const count = 100_000;
  for (let i = 0; i < count; i++) store.set(`key:${i}`, "v");
  let ticks = 0;
  const tick = () => {
    ticks++;
    timer = setTimeout(tick, 0);
  };
  let timer = setTimeout(tick, 0);
  const reply = await runAsync("KEYS", "key:*");
  clearTimeout(timer);
  assert(ticks > 0, "other work ran while KEYS walked the keys");
  assert(reply.startsWith(`*${count}\r\n`), reply.slice(0, 20));
  const found = new Set(reply.split("\r\n").filter((line) => line.startsWith("key:")));
  assertEquals(found.size, count);
});

Deno.test("KEYS * includes the empty key, as in Redis", () => {
  const { run } = setup();
  run("SET", "", "v");
  assertEquals(run("KEYS", "*"), bulks([""]));
  assertEquals(run("KEYS", "**"), "*0\r\n");
});

Deno.test("RANDOMKEY: the null bulk when empty, else a live key", () => {
  const { run, advance } = setup();
  assertEquals(run("RANDOMKEY"), "$-1\r\n");
  run("SET", "only", "v");
  run("SET", "brief", "v", "PX", "1");
  advance(1);
  for (let i = 0; i < 10; i++) assertEquals(run("RANDOMKEY"), "$4\r\nonly\r\n");
});

Deno.test("RENAME moves the value and its expiry as one WAL record", () => {
  const { run, wal, now } = setup();
  run("SET", "src", "value", "EX", "100");
  run("SET", "dst", "old");
  wal.records.length = 0;
  assertEquals(run("RENAME", "src", "dst"), "+OK\r\n");
  assertEquals(run("GET", "dst"), "$5\r\nvalue\r\n");
  assertEquals(run("EXISTS", "src"), ":0\r\n");
  assertEquals(run("TTL", "dst"), ":100\r\n");
  assertEquals(wal.records, [
    encodeMulti([encodeDel("src"), encodeSet("dst", "value", now() + 100_000)]),
  ]);
});

Deno.test("RENAME of a missing key is an error; onto itself it is +OK and changes nothing", () => {
  const { run, wal } = setup();
  assertEquals(run("RENAME", "missing", "x"), "-ERR no such key\r\n");
  assertEquals(run("RENAMENX", "missing", "x"), "-ERR no such key\r\n");
  run("SET", "k", "v");
  wal.records.length = 0;
  assertEquals(run("RENAME", "k", "k"), "+OK\r\n");
  assertEquals(run("GET", "k"), "$1\r\nv\r\n");
  assertEquals(wal.records, []);
});

Deno.test("RENAMENX renames only onto a missing key", () => {
  const { run } = setup();
  run("SET", "a", "1");
  run("SET", "b", "2");
  assertEquals(run("RENAMENX", "a", "b"), ":0\r\n");
  assertEquals(run("GET", "b"), "$1\r\n2\r\n");
  assertEquals(run("RENAMENX", "a", "a"), ":0\r\n");
  assertEquals(run("RENAMENX", "a", "c"), ":1\r\n");
  assertEquals(run("KEYS", "*"), bulks(["b", "c"]));
});

/** Runs SCAN from cursor 0 to the end; returns every key returned and how many calls it took. */
function scanAll(run: (...args: string[]) => string, ...options: string[]) {
  const found: string[] = [];
  let cursor = "0";
  let calls = 0;
  do {
    const page = parseScan(run("SCAN", cursor, ...options));
    found.push(...page.keys);
    cursor = page.cursor;
    calls++;
  } while (cursor !== "0");
  return { found, calls };
}

for (
  const [storeName, makeStore] of [
    ["MapStore", (clock: Clock) => new MapStore(clock)],
    ["ShardedStore", (clock: Clock) => new ShardedStore(4, clock)],
  ] as const
) {
  Deno.test(`SCAN (${storeName}) returns every key once, COUNT keys per call`, () => {
    const { run } = setup(makeStore);
    const keys = Array.from({ length: 25 }, (_, i) => `key:${i}`);
    for (const key of keys) run("SET", key, "v");
    const { found, calls } = scanAll(run);
    assertEquals(found.toSorted(), keys.toSorted());
    assertEquals(calls, 3); // 10 + 10 + 5
    const first = parseScan(run("SCAN", "0", "COUNT", "100"));
    assertEquals(first.cursor, "0");
    assertEquals(first.keys.length, 25);
  });

  Deno.test(`SCAN (${storeName}) never misses a key present throughout, whatever changes`, () => {
    const { run } = setup(makeStore);
    const stable = Array.from({ length: 50 }, (_, i) => `stable:${i}`);
    for (const key of stable) run("SET", key, "v");
    for (let i = 0; i < 50; i++) run("SET", `doomed:${i}`, "v");
    const found = new Set<string>();
    let cursor = "0";
    let round = 0;
    do {
      const page = parseScan(run("SCAN", cursor, "COUNT", "7"));
      for (const key of page.keys) found.add(key);
      cursor = page.cursor;
      // Between calls: delete some keys, add new ones, rewrite stable ones.
      for (let i = 0; i < 5; i++) run("DEL", `doomed:${round * 5 + i}`);
      for (let i = 0; i < 5; i++) run("SET", `new:${round}:${i}`, "v");
      run("SET", stable[round % stable.length], "rewritten");
      round++;
      assert(round < 1000, "SCAN never finished");
    } while (cursor !== "0");
    for (const key of stable) assert(found.has(key), `SCAN missed ${key}`);
  });

  Deno.test(`SCAN (${storeName}) MATCH, TYPE and expired keys filter the pages`, () => {
    const { run, advance } = setup(makeStore);
    for (let i = 0; i < 12; i++) run("SET", `user:${i}`, "v");
    for (let i = 0; i < 12; i++) run("SET", `order:${i}`, "v");
    run("SET", "user:brief", "v", "PX", "1");
    advance(1);
    const users = scanAll(run, "MATCH", "user:*").found;
    assertEquals(users.toSorted(), Array.from({ length: 12 }, (_, i) => `user:${i}`).toSorted());
    assertEquals(scanAll(run, "TYPE", "STRING", "COUNT", "5").found.length, 24);
    assertEquals(scanAll(run, "TYPE", "hash").found, []);
    assertEquals(scanAll(run, "MATCH", "*", "COUNT", "1000").found.length, 24);
  });
}

Deno.test("SCAN rejects a bad cursor and bad options with Redis's errors", () => {
  const { run } = setup();
  run("SET", "k", "v");
  for (const cursor of ["abc", " 1", "1.5", "", "18446744073709551616", "-18446744073709551616"]) {
    assertEquals(run("SCAN", cursor), "-ERR invalid cursor\r\n", JSON.stringify(cursor));
  }
  assertEquals(run("SCAN", "0", "COUNT", "0"), "-ERR syntax error\r\n");
  assertEquals(run("SCAN", "0", "COUNT", "x"), "-ERR value is not an integer or out of range\r\n");
  assertEquals(run("SCAN", "0", "MATCH"), "-ERR syntax error\r\n");
  assertEquals(run("SCAN", "0", "LIMIT", "5"), "-ERR syntax error\r\n");
  assertEquals(run("SCAN"), "-ERR wrong number of arguments for 'scan' command\r\n");
});

Deno.test("SCAN with an unknown cursor starts over", () => {
  const { run } = setup();
  run("SET", "k", "v");
  assertEquals(parseScan(run("SCAN", "12345")), { cursor: "0", keys: ["k"] });
  assertEquals(parseScan(run("SCAN", "18446744073709551615")), { cursor: "0", keys: ["k"] });
  // strtoul's reading, as Redis's: a sign is allowed, and a negative cursor wraps.
  assertEquals(parseScan(run("SCAN", "-1")), { cursor: "0", keys: ["k"] });
  assertEquals(parseScan(run("SCAN", "+0")), { cursor: "0", keys: ["k"] });
});
