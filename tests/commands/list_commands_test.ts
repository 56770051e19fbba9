/**
 * The list commands through the gate, for what a transcript against
 * redis-server cannot show: the WAL record each one logs (a change at an
 * absolute position, never the list), that replaying those records onto the
 * lists as they were rebuilds them exactly, and that each undo (what runs
 * when the WAL refuses a record) puts the lists back exactly as they were.
 */
import { assertEquals } from "@std/assert";
import { bytesFromBinary } from "../../src/io/binary.ts";
import { ListValue } from "../../src/store/list_value.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Store } from "../../src/store/store.ts";
import { valueBytes } from "../../src/store/value.ts";
import { applyRecord } from "../../src/wal/apply_record.ts";
import { decodeRecord } from "../../src/wal/record.ts";
import { prng } from "../helpers/prng.ts";
import { respHarness, START } from "../helpers/resp_harness.ts";

/**
 * Every key of `store` as plain data (a list's elements head first, a
 * string as itself, each with its expiry), and the store's byte count beside
 * a recount of it, so a count that drifted shows.
 */
function contents(store: Store) {
  const keys: [string, string | string[], number][] = [];
  let recount = 0;
  for (const [key, value, expiresAt] of store.entries()) {
    recount += key.length + valueBytes(value);
    if (typeof value === "string") keys.push([key, value, expiresAt]);
    else if (value instanceof ListValue) keys.push([key, [...value.values()], expiresAt]);
    else throw new TypeError(`Unexpected ${value.type} under ${JSON.stringify(key)}`);
  }
  keys.sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0);
  return { keys, bytes: store.bytes, recount };
}

/** Applies the record logged as `text` to `store`, as replay does. */
function replay(store: Store, text: string): void {
  const bytes = bytesFromBinary(text);
  const decoded = decodeRecord(bytes, 0, true);
  if (decoded.kind !== "record") throw new Error(`${decoded.kind}: ${JSON.stringify(text)}`);
  assertEquals(decoded.end, bytes.length, "one record");
  applyRecord([store], decoded.record, START);
}

Deno.test("list commands log each change at its position, not the list", () => {
  const { run, wal } = respHarness();
  const logged = (...args: string[]) => {
    const before = wal.records.length;
    run(...args);
    return wal.texts().slice(before);
  };
  assertEquals(logged("RPUSH", "l", "a", "b", "c"), ["5RPUSH1:l1:a1:b1:c\n"]);
  assertEquals(logged("LPUSH", "l", "y", "z"), ["5LPUSH1:l1:y1:z\n"]);
  assertEquals(logged("LPUSHX", "missing", "x"), []);
  assertEquals(logged("LPOP", "l"), ["4LPOP1:l1:1\n"]);
  assertEquals(logged("RPOP", "l", "100"), ["4RPOP1:l1:4\n"], "the count that went");
  assertEquals(logged("LPOP", "l", "0"), []);
  assertEquals(logged("RPUSH", "l", "p", "q", "p", "r", "p"), ["5RPUSH1:l1:p1:q1:p1:r1:p\n"]);
  assertEquals(logged("LSET", "l", "-1", "last"), ["4LSET1:l1:44:last\n"], "from the head");
  assertEquals(logged("LINSERT", "l", "AFTER", "p", "x"), ["7LINSERT1:l1:11:x\n"]);
  assertEquals(logged("LINSERT", "l", "BEFORE", "r", "w"), ["7LINSERT1:l1:41:w\n"]);
  assertEquals(logged("LINSERT", "l", "BEFORE", "nope", "w"), []);
  assertEquals(logged("LREM", "l", "-9223372036854775807", "p"), ["4LREM1:l2:-21:p\n"]);
  assertEquals(logged("LREM", "l", "0", "nope"), []);
  assertEquals(logged("LTRIM", "l", "-100", "-2"), ["5LTRIM1:l1:01:3\n"], "the range kept");
  assertEquals(
    logged("LTRIM", "l", "0", "-1"),
    ["5LTRIM1:l1:01:3\n"],
    "a change, as Redis counts it",
  );
  assertEquals(logged("LMOVE", "l", "m", "LEFT", "RIGHT"), [
    "5MULTI25:5RPUSH1:m1:x\n4LPOP1:l1:1\n\n",
  ]);
  assertEquals(logged("LMPOP", "2", "missing", "l", "RIGHT", "COUNT", "9"), ["4RPOP1:l1:3\n"]);
  assertEquals(logged("LTRIM", "m", "5", "1"), ["5LTRIM1:m1:11:0\n"], "nothing kept: the key goes");
  assertEquals(run("EXISTS", "l", "m"), ":0\r\n");
});

/** One random list command over a few short lists (and a string, for WRONGTYPE). */
function randomCommand(random: () => number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const key = () => pick(["a", "b", "c", "s"]);
  const element = () => pick(["x", "y", "z", "", "\r\n"]);
  const index = () => String(Math.floor(random() * 24) - 12);
  const elements = () => Array.from({ length: 1 + Math.floor(random() * 4) }, element);
  const end = () => pick(["LEFT", "RIGHT"]);
  switch (Math.floor(random() * 15)) {
    case 0:
      return ["LPUSH", key(), ...elements()];
    case 1:
      return ["RPUSH", key(), ...elements(), ...elements()];
    case 2:
      return [pick(["LPUSHX", "RPUSHX"]), key(), ...elements()];
    case 3:
      return [pick(["LPOP", "RPOP"]), key()];
    case 4:
      return [pick(["LPOP", "RPOP"]), key(), String(Math.floor(random() * 5))];
    case 5:
      return ["LSET", key(), index(), element()];
    case 6:
      return ["LINSERT", key(), pick(["BEFORE", "AFTER"]), element(), element()];
    case 7:
      return ["LREM", key(), String(Math.floor(random() * 7) - 3), element()];
    case 8:
      return ["LTRIM", key(), index(), index()];
    case 9:
      return ["LMOVE", key(), key(), end(), end()];
    case 10:
      return ["RPOPLPUSH", key(), key()];
    case 11:
      return ["LMPOP", "2", key(), key(), end(), "COUNT", String(1 + Math.floor(random() * 3))];
    case 12:
      return ["EXPIRE", key(), "1000"];
    case 13:
      return random() < 0.3 ? ["SET", "s", "text"] : ["DEL", key()];
    default:
      return ["MULTI"];
  }
}

Deno.test("list commands: their records replay to the same lists, and their undos restore them", () => {
  const random = prng(20261202);
  const { run, wal, store } = respHarness();
  const replica = new MapStore(() => START);
  let changes = 0;
  for (let step = 0; step < 4000; step++) {
    let command = randomCommand(random);
    const transaction = command[0] === "MULTI";
    const label = () => `step ${step}: ${JSON.stringify(command)}`;
    const before = contents(store);
    const logged = wal.records.length;
    if (transaction) {
      // Two changes in one EXEC: one MULTI record, one undo for both.
      const first = randomCommand(random);
      const second = randomCommand(random);
      command = ["MULTI", ...first, "|", ...second];
      const exec = () => {
        run("MULTI");
        run(...first);
        run(...second);
        return run("EXEC");
      };
      const reply = exec();
      if (wal.records.length > logged) {
        wal.rollbacks[logged]();
        assertEquals(contents(store), before, `${label()}: the undo`);
        assertEquals(exec(), reply, label());
      }
    } else {
      const reply = run(...command);
      if (wal.records.length > logged) {
        assertEquals(wal.records.length, logged + 1, label());
        wal.rollbacks[logged]();
        assertEquals(contents(store), before, `${label()}: the undo`);
        assertEquals(run(...command), reply, `${label()}: again after the undo`);
      }
    }
    const texts = wal.texts();
    if (texts.length > logged) {
      changes++;
      replay(replica, texts[texts.length - 1]);
    }
    const live = contents(store);
    assertEquals(live.bytes, live.recount, `${label()}: the byte count`);
    assertEquals(contents(replica), live, `${label()}: the replay`);
  }
  assertEquals(changes > 1500, true, `only ${changes} commands changed something`);
});
