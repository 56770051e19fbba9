import { assert, assertEquals, assertThrows } from "@std/assert";
import { createStore } from "../../src/store/create_store.ts";
import { MapStore } from "../../src/store/map_store.ts";
import { ShardedStore } from "../../src/store/sharded_store.ts";
import type { Store } from "../../src/store/store.ts";

/** Every implementation the shared suite runs against, by name. */
const IMPLEMENTATIONS: [string, () => Store][] = [
  ["MapStore", () => new MapStore()],
  ["ShardedStore(1)", () => new ShardedStore(1)],
  ["ShardedStore(3)", () => new ShardedStore(3)],
  ["ShardedStore(8)", () => new ShardedStore(8)],
];

function sortedEntries(store: Store): [string, string][] {
  return [...store.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

for (const [name, make] of IMPLEMENTATIONS) {
  Deno.test(`${name} starts empty`, () => {
    const store = make();
    assertEquals(store.size, 0);
    assertEquals(store.get("missing"), undefined);
    assertEquals([...store.entries()], []);
  });

  Deno.test(`${name} get returns what set stored`, () => {
    const store = make();
    store.set("hello", "world");
    assertEquals(store.get("hello"), "world");
    assertEquals(store.get("hell"), undefined);
    assertEquals(store.size, 1);
  });

  Deno.test(`${name} set overwrites without growing`, () => {
    const store = make();
    store.set("k", "one");
    store.set("k", "two");
    assertEquals(store.get("k"), "two");
    assertEquals(store.size, 1);
    assertEquals(sortedEntries(store), [["k", "two"]]);
  });

  Deno.test(`${name} delete returns whether the key was present`, () => {
    const store = make();
    store.set("a", "1");
    store.set("b", "2");
    assertEquals(store.delete("a"), true);
    assertEquals(store.get("a"), undefined);
    assertEquals(store.size, 1);
    assertEquals(store.delete("a"), false);
    assertEquals(store.delete("never"), false);
    assertEquals(store.size, 1);
    assertEquals(sortedEntries(store), [["b", "2"]]);
  });

  Deno.test(`${name} keeps empty strings as keys and values`, () => {
    const store = make();
    store.set("", "");
    assertEquals(store.get(""), "");
    assertEquals(store.size, 1);
    assertEquals(store.delete(""), true);
    assertEquals(store.size, 0);
  });

  Deno.test(`${name} stores UTF-8 keys and values`, () => {
    const store = make();
    const pairs: [string, string][] = [
      ["héllo", "wörld"],
      ["€uro", "¥en"],
      ["😀", "🎉 party"],
      ["日本語", "テキスト"],
      ["e\u0301", "combining"],
      ["é", "precomposed"],
    ];
    for (const [k, v] of pairs) store.set(k, v);
    for (const [k, v] of pairs) assertEquals(store.get(k), v);
    assertEquals(store.size, pairs.length);
    assertEquals(store.get("e"), undefined);
    assertEquals(store.delete("😀"), true);
    assertEquals(store.get("😀"), undefined);
    assertEquals(store.size, pairs.length - 1);
  });

  Deno.test(`${name} holds 10,000 keys with size and entries right`, () => {
    const store = make();
    const count = 10_000;
    for (let i = 0; i < count; i++) store.set(`key:${i}`, `value:${i}`);
    assertEquals(store.size, count);
    // Overwrite every tenth key; the size must not change.
    for (let i = 0; i < count; i += 10) store.set(`key:${i}`, `new:${i}`);
    assertEquals(store.size, count);
    // Delete every third key.
    let deleted = 0;
    for (let i = 0; i < count; i += 3) {
      assertEquals(store.delete(`key:${i}`), true);
      deleted++;
    }
    assertEquals(store.size, count - deleted);

    const expected = new Map<string, string>();
    for (let i = 0; i < count; i++) {
      if (i % 3 === 0) continue;
      expected.set(`key:${i}`, i % 10 === 0 ? `new:${i}` : `value:${i}`);
    }
    const entries = [...store.entries()];
    assertEquals(entries.length, expected.size);
    assertEquals(new Map(entries), expected);
    for (const [k, v] of expected) assertEquals(store.get(k), v);
    assertEquals(store.get("key:0"), undefined);
    assertEquals(store.get("key:3"), undefined);
  });
}

Deno.test("ShardedStore rejects shard counts that are not integers >= 1", () => {
  for (const shards of [0, -1, 1.5, NaN, Infinity]) {
    const error = assertThrows(() => new ShardedStore(shards), RangeError);
    assert(
      (error as Error).message.includes(String(shards)),
      `message should quote ${shards}: ${(error as Error).message}`,
    );
  }
});

Deno.test("ShardedStore reports its shard count", () => {
  assertEquals(new ShardedStore(1).shardCount, 1);
  assertEquals(new ShardedStore(3).shardCount, 3);
  assertEquals(new ShardedStore(8).shardCount, 8);
});

Deno.test("createStore gives a MapStore for 1 shard and a ShardedStore otherwise", () => {
  const single = createStore(1);
  assert(single instanceof MapStore);
  const sharded = createStore(8);
  assert(sharded instanceof ShardedStore);
  assertEquals((sharded as ShardedStore).shardCount, 8);
  const three = createStore(3);
  assert(three instanceof ShardedStore);
  assertEquals((three as ShardedStore).shardCount, 3);
});

Deno.test("createStore rejects a shard count of 0 with RangeError", () => {
  assertThrows(() => createStore(0), RangeError);
});
