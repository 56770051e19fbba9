import { assertEquals, assertThrows } from "@std/assert";
import { MapStore } from "../../src/store/map_store.ts";
import { ZSetValue } from "../../src/store/zset_value.ts";
import { applyRecord } from "../../src/wal/apply_record.ts";
import type { WalRecord } from "../../src/wal/record.ts";
import { snapshotRecords } from "../../src/wal/snapshot_records.ts";
import { decodeRecord, recordText } from "../../src/wal/record.ts";
import { bytesFromBinary } from "../../src/io/binary.ts";

const NOW = 1_700_000_000_000;

function zadd(key: string, ...args: string[]): WalRecord {
  return { op: "CONTAINER", name: "ZADD", key, args };
}

function zrem(key: string, ...args: string[]): WalRecord {
  return { op: "CONTAINER", name: "ZREM", key, args };
}

/** The sorted set under `key`, as [member, score] pairs in order, -0 told from 0. */
function elements(store: MapStore, key: string): [string, string][] {
  const value = store.get(key);
  if (!(value instanceof ZSetValue)) throw new TypeError(`${key} holds no sorted set`);
  return [...value.entries()].map((
    [member, score],
  ) => [member, Object.is(score, -0) ? "-0" : String(score)]);
}

Deno.test("applyRecord replays ZADD scores exactly and ZREM down to an absent key", () => {
  const store = new MapStore();
  const stores = [store];
  applyRecord(
    stores,
    zadd("z", "Infinity", "up", "-Infinity", "down", "0.1", "a", "5e-324", "tiny"),
    NOW,
  );
  applyRecord(stores, zadd("z", "2", "a", "1e+300", "big"), NOW);
  assertEquals(elements(store, "z"), [
    ["down", "-Infinity"],
    ["tiny", "5e-324"],
    ["a", "2"],
    ["big", "1e+300"],
    ["up", "Infinity"],
  ]);
  applyRecord(stores, zrem("z", "a", "nope", "up"), NOW);
  assertEquals(elements(store, "z").map(([member]) => member), ["down", "tiny", "big"]);
  applyRecord(stores, zrem("z", "down", "tiny", "big"), NOW);
  assertEquals(store.get("z"), undefined, "an emptied sorted set takes its key");
  applyRecord(stores, zrem("z", "x"), NOW);
  assertEquals(store.size, 0, "a ZREM of an absent key creates nothing");
});

Deno.test("applyRecord takes a key of another type as absent for a sorted-set change", () => {
  const store = new MapStore();
  store.set("k", "a string");
  applyRecord([store], zadd("k", "1", "m"), NOW);
  assertEquals(elements(store, "k"), [["m", "1"]]);
});

Deno.test("applyRecord keeps a recorded -0, and refuses a score that is no number", () => {
  const store = new MapStore();
  const many: string[] = [];
  for (let i = 0; i < 200; i++) many.push(String(i), `m${i}`);
  applyRecord([store], zadd("big", ...many), NOW);
  applyRecord([store], zadd("big", "-0", "neg"), NOW);
  assertEquals(Object.is((store.get("big") as ZSetValue).score("neg"), -0), true);
  // A record's -0 is one a set held: kept, whatever size the set has while it is rebuilt.
  applyRecord([store], zadd("small", "-0", "neg"), NOW);
  assertEquals(elements(store, "small"), [["neg", "-0"]]);
  for (const text of ["", "x", "NaN", "1.5.5"]) {
    assertThrows(
      () => applyRecord([store], zadd("small", text, "m"), NOW),
      RangeError,
      `a ZADD record for key "small" holds the score ${JSON.stringify(text)}`,
    );
  }
});

Deno.test("snapshotRecords writes a sorted set as ZADD chunks, lowest first, that replay to it", () => {
  const zset = new ZSetValue();
  for (let i = 0; i < 3000; i++) zset.add(`member:${i}`, (i * 7919) % 3001 / 8);
  zset.add("neg", -0);
  zset.add("inf", Infinity);
  const records = snapshotRecords("z", zset, NOW + 60_000);
  // 3002 members in pairs of two fields, at most 1024 fields a record: 6 ZADDs, then the expiry.
  assertEquals(records.length, 7);
  assertEquals(recordText(records[6]), `9PEXPIREAT1:z13:${NOW + 60_000}\n`);
  const store = new MapStore(() => NOW);
  let previous = -Infinity;
  for (const record of records) {
    const text = recordText(record);
    const decoded = decodeRecord(bytesFromBinary(text), 0, true);
    if (decoded.kind !== "record") throw new Error(`not a record: ${text.slice(0, 40)}`);
    if (decoded.record.op === "CONTAINER") {
      assertEquals(decoded.record.name, "ZADD");
      assertEquals(decoded.record.args.length <= 1024, true);
      const first = Number(decoded.record.args[0]);
      assertEquals(first >= previous, true, "chunks go lowest score first");
      previous = Number(decoded.record.args[decoded.record.args.length - 2]);
    }
    applyRecord([store], decoded.record, NOW);
  }
  assertEquals(
    elements(store, "z"),
    [...zset.entries()].map((
      [member, score],
    ) => [member, Object.is(score, -0) ? "-0" : String(score)]),
  );
  assertEquals(store.expiresAt("z"), NOW + 60_000);
});
