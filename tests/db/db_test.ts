import type { Value } from "../../src/store/value.ts";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { RecordingWal } from "../helpers/recording_wal.ts";
import { Databases } from "../../src/db/databases.ts";
import { MapStore } from "../../src/store/map_store.ts";
import { SetValue } from "../../src/store/set_value.ts";
import { ShardedStore } from "../../src/store/sharded_store.ts";
import type { Store } from "../../src/store/store.ts";
import { encodeDel, encodeExpireAt, encodeMulti, encodeSet } from "../../src/wal/record.ts";

const START = 1_000_000;

/** A Db over a fresh store on a clock the test moves (`time.now`). */
function setup(makeStore: (clock: () => number) => Store = (clock) => new MapStore(clock)) {
  const time = { now: START };
  const clock = () => time.now;
  const store = makeStore(clock);
  const wal = new RecordingWal();
  const databases = new Databases([store], wal, clock);
  const db = databases.get(0);
  return { time, store, wal, db, databases };
}

/** Every live key with its value and expiry, sorted by key. */
function snapshot(store: Store): [string, Value, number][] {
  return [...store.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

Deno.test("Db logs nothing until commit, then one record per write", () => {
  const { wal, db, store, databases } = setup();
  db.set("k", "v");
  assertEquals(wal.records, [], "the record waits for the command to finish");
  assertEquals(store.get("k"), "v", "the store changes at once");
  databases.commit();
  assertEquals(wal.texts(), ["3SET1k1v\n"]);
  databases.commit();
  assertEquals(wal.records.length, 1, "a commit with no writes appends nothing");
});

Deno.test("Db set logs the seed's SET, or a PUT with an expiry or a long key with digits", () => {
  const { wal, db, databases } = setup();
  db.set("hello", "world");
  databases.commit();
  db.set("k", "v", START + 5000);
  databases.commit();
  db.set("1234567890", "v");
  databases.commit();
  assertEquals(wal.texts(), [
    "3SET5hello5world\n",
    "3PUT1:k1:v7:1005000\n",
    "3PUT10:12345678901:v1:0\n",
  ]);
});

Deno.test("Db delete logs DEL or DROP for a live key, nothing for an absent one", () => {
  const { time, wal, db, store, databases } = setup();
  store.set("a", "1");
  store.set("2b-or-not-2b", "2");
  store.set("soon", "3", START + 1);
  assertEquals(db.delete("a"), true);
  databases.commit();
  assertEquals(db.delete("2b-or-not-2b"), true);
  databases.commit();
  assertEquals(db.delete("missing"), false);
  databases.commit();
  time.now += 1;
  assertEquals(db.delete("soon"), false, "an expired key is not deleted again");
  databases.commit();
  assertEquals(wal.texts(), ["3DEL1a\n", "4DROP12:2b-or-not-2b\n"]);
  assertEquals(store.size, 0);
});

Deno.test("Db setExpiresAt logs PEXPIREAT for a live key, 0 removing the expiry", () => {
  const { wal, db, store, databases } = setup();
  store.set("k", "v");
  assertEquals(db.setExpiresAt("k", START + 100), true);
  databases.commit();
  assertEquals(db.setExpiresAt("k", START + 100), true, "the same time again changes nothing");
  databases.commit();
  assertEquals(db.setExpiresAt("k", 0), true);
  databases.commit();
  assertEquals(db.setExpiresAt("missing", START + 100), false);
  databases.commit();
  assertEquals(wal.records, [encodeExpireAt("k", START + 100), encodeExpireAt("k", 0)]);
  assertEquals(store.expiresAt("k"), 0);
});

Deno.test("Db setExpiresAt with a time already past deletes the key and logs a DEL", () => {
  const { wal, db, store, databases } = setup();
  store.set("k", "v");
  assertEquals(db.setExpiresAt("k", START), true);
  databases.commit();
  assertEquals(db.setExpiresAt("missing", START - 10), false);
  databases.commit();
  assertEquals(wal.texts(), ["3DEL1k\n"]);
  assertEquals(store.get("k"), undefined);
  assertEquals(store.size, 0);
});

Deno.test("Db flushAll logs FLUSHALL and its rollback restores everything", () => {
  const { wal, store, databases } = setup();
  store.set("a", "1");
  store.set("b", "2", START + 10);
  const before = snapshot(store);
  databases.flushAll();
  databases.commit();
  assertEquals(wal.texts(), ["8FLUSHALL\n"]);
  assertEquals(store.size, 0);
  wal.rollbacks[0]();
  assertEquals(snapshot(store), before);
});

Deno.test("Db commit of several writes appends one MULTI of their records, in order", () => {
  const { wal, db, store, databases } = setup();
  store.set("src", "value", START + 50);
  // RENAME src dst, as a command would do it.
  db.set("dst", "value", store.expiresAt("src"));
  db.delete("src");
  databases.commit();
  assertEquals(wal.records, [
    encodeMulti([encodeSet("dst", "value", START + 50), encodeDel("src")]),
  ]);
  assertEquals(wal.rollbacks.length, 1);
  db.set("a", "1");
  db.setExpiresAt("a", START + 9);
  databases.flushAll();
  databases.commit();
  assertEquals(wal.texts()[1], "5MULTI42:3SET1a11\n9PEXPIREAT1:a7:1000009\n8FLUSHALL\n\n");
  db.set("next", "alone");
  databases.commit();
  assertEquals(wal.texts()[2], "3SET4next5alone\n", "the next command starts afresh");
});

Deno.test("Db rollback of a set removes a new key, or restores the old value and expiry", () => {
  const { wal, db, store, databases } = setup();
  db.set("fresh", "v", START + 10);
  databases.commit();
  store.set("old", "before", START + 500);
  db.set("old", "after");
  databases.commit();
  assertEquals(store.expiresAt("old"), 0);
  wal.rollbacks[1]();
  assertEquals(store.get("old"), "before");
  assertEquals(store.expiresAt("old"), START + 500);
  wal.rollbacks[0]();
  assertEquals(store.get("fresh"), undefined);
  assertEquals(store.expiresAt("fresh"), -1);
  assertEquals(store.expiringSize, 1);
});

Deno.test("Db rollback of a delete restores the value and its expiry", () => {
  const { wal, db, store, databases } = setup();
  store.set("k", "v", START + 77);
  db.delete("k");
  databases.commit();
  wal.rollbacks[0]();
  assertEquals(store.get("k"), "v");
  assertEquals(store.expiresAt("k"), START + 77);
});

Deno.test("Db rollback of setExpiresAt restores the previous expiry, or none", () => {
  const { wal, db, store, databases } = setup();
  store.set("a", "1");
  store.set("b", "2", START + 5);
  db.setExpiresAt("a", START + 100);
  databases.commit();
  db.setExpiresAt("b", 0);
  databases.commit();
  db.setExpiresAt("a", START); // past: a delete
  databases.commit();
  wal.rollBackAll();
  assertEquals(snapshot(store), [["a", "1", 0], ["b", "2", START + 5]]);
});

Deno.test("Db rollback of a MULTI undoes its writes newest first", () => {
  const { wal, db, store, databases } = setup();
  store.set("k", "original", START + 1000);
  store.set("other", "x");
  const before = snapshot(store);
  // Undoing these oldest first would leave "one" or "two" behind.
  db.set("k", "one");
  db.set("k", "two", START + 5);
  db.delete("k");
  db.set("k", "three");
  db.setExpiresAt("k", START + 20);
  db.delete("other");
  db.set("new", "n");
  databases.flushAll();
  db.set("after-flush", "y");
  databases.commit();
  assertEquals(wal.records.length, 1);
  assert(wal.texts()[0].startsWith("5MULTI"));
  assertEquals(snapshot(store), [["after-flush", "y", 0]]);
  wal.rollbacks[0]();
  assertEquals(snapshot(store), before);
  assertEquals(store.expiringSize, 1);
});

Deno.test("Db rollbacks of several commands, newest first, restore the start", () => {
  for (
    const [name, make] of [
      ["MapStore", (clock: () => number) => new MapStore(clock)],
      ["ShardedStore", (clock: () => number) => new ShardedStore(4, clock)],
    ] as const
  ) {
    const { wal, db, store, databases } = setup(make);
    for (let i = 0; i < 20; i++) store.set(`k${i}`, `v${i}`, i % 3 === 0 ? START + i + 1 : 0);
    const before = snapshot(store);
    for (let i = 0; i < 20; i++) {
      if (i % 4 === 0) db.delete(`k${i}`);
      else if (i % 4 === 1) db.set(`k${i}`, "changed", START + 99);
      else if (i % 4 === 2) db.setExpiresAt(`k${i}`, START + 50);
      else {
        db.set(`k${i}`, "x");
        db.set(`n${i}`, "y");
      }
      databases.commit();
    }
    databases.flushAll();
    databases.commit();
    db.set("k1", "last");
    databases.commit();
    wal.rollBackAll();
    assertEquals(snapshot(store), before, name);
  }
});

Deno.test("Db reads see the store and hide expired keys", () => {
  const { time, db, store } = setup();
  store.set("a", "1");
  store.set("b", "2", START + 10);
  assertEquals(db.now(), START);
  assertEquals(db.get("a"), "1");
  assertEquals(db.expiresAt("b"), START + 10);
  assertEquals(db.expiresAt("missing"), -1);
  assertEquals(db.size, 2);
  assertEquals(db.expiringSize, 1);
  assertEquals(new Set(db.keys()), new Set(["a", "b"]));
  time.now += 10;
  assertEquals(db.now(), START + 10);
  assertEquals(db.get("b"), undefined);
  assertEquals(db.size, 1);
});

Deno.test("Db randomKey skips expired keys and is undefined when none is live", () => {
  const { time, db, store } = setup();
  assertEquals(db.randomKey(), undefined);
  for (let i = 0; i < 500; i++) store.set(`dead${i}`, "v", START + 1);
  store.set("alive", "v");
  time.now += 1;
  for (let i = 0; i < 5; i++) assertEquals(db.randomKey(), "alive");
  db.delete("alive");
  assertEquals(db.randomKey(), undefined);
});

Deno.test("Db passes the WAL's failure, horizon and rollbacks through", () => {
  const { wal, db, databases } = setup();
  assertEquals(databases.failure, null);
  assertEquals(databases.horizon(), 0);
  assertEquals(databases.settled(), null);
  db.set("k", "v");
  databases.commit();
  wal.holding = true;
  assertEquals(databases.horizon(), 1, "the record just appended is pending");
  const error = new Error("disk full");
  wal.rollBackAll(error);
  assertEquals(databases.rolledBack(1), error);
  assertEquals(db.get("k"), undefined);
  wal.failure = error;
  assertEquals(databases.failure, error);
});

Deno.test("Db abort undoes the open command's changes, newest first, and logs nothing", () => {
  const { wal, db, store, databases } = setup();
  store.set("a", "old");
  db.set("a", "1");
  db.set("a", "2");
  db.delete("a");
  db.set("b", "x");
  databases.abort();
  assertEquals(store.get("a"), "old");
  assertEquals(store.get("b"), undefined);
  databases.commit();
  assertEquals(wal.records, [], "an aborted command leaves nothing to commit");
});

Deno.test("Db commit undoes the command when the WAL refuses its record", () => {
  const { wal, db, store, databases } = setup();
  store.set("a", "old");
  const refusal = new Error('WAL "w" is closed');
  wal.append = () => {
    throw refusal;
  };
  db.set("a", "1");
  db.set("b", "2");
  assertThrows(() => databases.commit(), Error, "is closed");
  assertEquals(store.get("a"), "old");
  assertEquals(store.get("b"), undefined);
});

Deno.test("Db update that empties a container takes its bytes off the store's count, and its undo puts them back", () => {
  for (
    const makeStore of [(clock: () => number) => new MapStore(clock), () => new ShardedStore(4)]
  ) {
    const { wal, db, store, databases } = setup(makeStore);
    db.update("set", SetValue, "SADD", (set) => {
      set.add("member");
      return { args: ["member"], undo: () => set.delete("member") };
    });
    databases.commit();
    assertEquals(store.bytes, "set".length + "member".length);
    db.update("set", SetValue, "SREM", (set) => {
      set.delete("member");
      return { args: ["member"], undo: () => set.add("member") };
    }, false);
    databases.commit();
    assertEquals(store.size, 0);
    assertEquals(store.bytes, 0, "the emptied set's member is not counted any more");
    wal.rollbacks[1]();
    assertEquals(store.bytes, "set".length + "member".length, "the undo counts it again");
    assertEquals((store.get("set") as SetValue).has("member"), true);
  }
});
