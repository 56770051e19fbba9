import type { Value } from "../../src/store/value.ts";
import { assertEquals } from "@std/assert";
import { textHarness } from "../helpers/resp_harness.ts";
import { binaryFromText } from "../../src/io/binary.ts";
import type { MapStore } from "../../src/store/map_store.ts";

/**
 * The text protocol's commands through the gate, over a fresh store and a
 * RecordingWal, on a clock tests move.
 */
function setup() {
  const harness = textHarness();
  const replies = { text: "" };
  /** Runs one command; fields are binary strings, as the text session makes them. */
  const run = (...fields: string[]) => {
    replies.text += harness.run(...fields);
  };
  return { ...harness, store: harness.store as MapStore, replies, run };
}

/** The replies written so far, as one binary string; then forgotten. */
function taken(replies: { text: string }): string {
  const text = replies.text;
  replies.text = "";
  return text;
}

function contents(store: MapStore): Record<string, Value> {
  return Object.fromEntries([...store.entries()].map(([key, value]) => [key, value]));
}

Deno.test("text commands: SET stores, logs the seed record and replies +OK", () => {
  const { store, wal, replies, run } = setup();
  run("SET", "hello", "world");
  assertEquals(store.get("hello"), "world");
  assertEquals(wal.texts(), ["3SET5hello5world\n"]);
  assertEquals(taken(replies), "+OK\n");
});

Deno.test("text commands: SET logs lengths in UTF-8 bytes", () => {
  const { wal, replies, run } = setup();
  run("SET", binaryFromText("héllo"), binaryFromText("€"));
  assertEquals(wal.texts(), [binaryFromText("3SET6héllo3€\n")]);
  run("GET", binaryFromText("héllo"));
  assertEquals(taken(replies), binaryFromText("+OK\n+OK €\n"));
});

Deno.test("text commands: SET and DEL of a long key with digits log PUT and DROP", () => {
  const { store, wal, replies, run } = setup();
  run("SET", "1234567890", "v");
  run("SET", "counter", "42");
  run("DEL", "1234567890");
  assertEquals(wal.texts(), [
    "3PUT10:12345678901:v1:0\n",
    "3SET7counter242\n",
    "4DROP10:1234567890\n",
  ]);
  assertEquals(taken(replies), "+OK\n+OK\n+OK\n");
  assertEquals(contents(store), { counter: "42" });
});

Deno.test("text commands: SET clears a key's expiry, and its rollback restores it", () => {
  const { time, store, wal, run } = setup();
  store.set("k", "old", time.now + 500);
  run("SET", "k", "new");
  assertEquals(store.expiresAt("k"), 0);
  assertEquals(wal.texts(), ["3SET1k3new\n"]);
  wal.rollbacks[0]();
  assertEquals(store.get("k"), "old");
  assertEquals(store.expiresAt("k"), time.now + 500);
});

Deno.test("text commands: GET and DEL treat an expired key as absent", () => {
  const { time, store, wal, replies, run } = setup();
  store.set("k", "v", time.now + 10);
  time.now += 10;
  run("GET", "k");
  store.set("j", "v", time.now + 10);
  time.now += 10;
  run("DEL", "j");
  assertEquals(taken(replies), "-GET could not find k in store\n+OK\n");
  assertEquals(wal.texts(), [], "deleting an expired key changes nothing to log");
});

Deno.test("text commands: GET replies with the value or the seed's missing error, logging nothing", () => {
  const { wal, replies, run } = setup();
  run("GET", "hello");
  run("SET", "hello", "world");
  run("GET", "hello");
  assertEquals(taken(replies), "-GET could not find hello in store\n+OK\n+OK world\n");
  assertEquals(wal.texts(), ["3SET5hello5world\n"]);
});

Deno.test("text commands: DEL of a present key deletes, logs and replies +OK", () => {
  const { store, wal, replies, run } = setup();
  run("SET", "hello", "world");
  run("DEL", "hello");
  assertEquals(store.get("hello"), undefined);
  assertEquals(wal.texts(), ["3SET5hello5world\n", "3DEL5hello\n"]);
  assertEquals(taken(replies), "+OK\n+OK\n");
});

Deno.test("text commands: DEL of an absent key replies +OK and logs nothing", () => {
  const { store, wal, replies, run } = setup();
  run("DEL", "never");
  assertEquals(taken(replies), "+OK\n");
  assertEquals(wal.texts(), []);
  assertEquals(wal.rollbacks.length, 0);
  assertEquals(store.size, 0);
});

Deno.test("text commands: answers an unknown command with -INVALID COMMAND", () => {
  const { store, wal, replies, run } = setup();
  run("FLY", "away");
  run("INCR", "k");
  assertEquals(taken(replies), "-INVALID COMMAND\n-INVALID COMMAND\n");
  assertEquals(wal.texts(), []);
  assertEquals(store.size, 0);
});

Deno.test("text commands: command names are case-sensitive", () => {
  const { store, wal, replies, run } = setup();
  run("set", "k", "v");
  run("Get", "k");
  run("del", "k");
  assertEquals(taken(replies), "-INVALID COMMAND\n".repeat(3));
  assertEquals(store.size, 0);
  assertEquals(wal.texts(), []);
});

Deno.test("text commands: answers a wrong argument count with the seed's errors", () => {
  const { store, wal, replies, run } = setup();
  run("SET", "k");
  run("SET", "k", "v", "extra");
  run("GET");
  run("GET", "a", "b");
  run("DEL");
  run("DEL", "a", "b");
  assertEquals(
    taken(replies),
    "-SET expected 2 arguments KEY and VALUE\n".repeat(2) +
      "-GET expected 1 argument KEY\n".repeat(2) +
      "-DEL expected 1 argument KEY\n".repeat(2),
  );
  assertEquals(store.size, 0);
  assertEquals(wal.texts(), []);
});

Deno.test("text commands: SET rollback of a new key deletes it", () => {
  const { store, wal, run } = setup();
  run("SET", "fresh", "v");
  assertEquals(wal.rollbacks.length, 1);
  wal.rollbacks[0]();
  assertEquals(store.get("fresh"), undefined);
  assertEquals(store.size, 0);
});

Deno.test("text commands: SET rollback restores the previous value", () => {
  const { store, wal, run } = setup();
  run("SET", "k", "old");
  run("SET", "k", "new");
  wal.rollbacks[1]();
  assertEquals(store.get("k"), "old");
});

Deno.test("text commands: DEL rollback restores the deleted value", () => {
  const { store, wal, run } = setup();
  run("SET", "k", "kept");
  run("DEL", "k");
  assertEquals(store.get("k"), undefined);
  wal.rollbacks[1]();
  assertEquals(store.get("k"), "kept");
});

Deno.test("text commands: rollbacks newest first undo a whole batch", () => {
  const { store, wal, run } = setup();
  store.set("a", "before");
  store.set("gone", "x");
  run("SET", "a", "1");
  run("SET", "a", "2");
  run("SET", "b", "new");
  run("DEL", "gone");
  run("SET", "gone", "again");
  assertEquals(contents(store), { a: "2", b: "new", gone: "again" });
  wal.rollBackAll();
  assertEquals(contents(store), { a: "before", gone: "x" });
});

Deno.test("text commands: refuses writes once the WAL has failed, but still reads", () => {
  const { store, wal, replies, run } = setup();
  run("SET", "k", "v");
  taken(replies);
  wal.failure = new Error('WAL "w" write failed: disk full');
  run("SET", "k", "other");
  run("SET", "new", "x");
  run("DEL", "k");
  run("GET", "k");
  assertEquals(contents(store), { k: "v" });
  assertEquals(wal.texts(), ["3SET1k1v\n"]);
  const lines = taken(replies).split("\n");
  assertEquals(lines.length, 5);
  for (const [i, name] of ["SET", "SET", "DEL"].entries()) {
    assertEquals(
      lines[i],
      `-${name} refused, the server is read-only: WAL "w" write failed: disk full`,
    );
  }
  assertEquals(lines[3], "+OK v");
  assertEquals(lines[4], "");
});

Deno.test("text commands: answers a command that throws with an error and undoes it", () => {
  const { store, wal, replies, run } = setup();
  store.set("k", "before");
  wal.append = () => {
    throw new Error('WAL "w" is closed');
  };
  run("GET", "k");
  run("SET", "k", "after");
  run("GET", "k");
  assertEquals(store.get("k"), "before");
  assertEquals(
    taken(replies),
    '+OK before\n-SET failed: WAL "w" is closed\n+OK before\n',
  );
});
