import { type Value, valueBytes } from "../../src/store/value.ts";
import { assert, assertEquals, assertThrows } from "@std/assert";
import { binaryFromText } from "../../src/io/binary.ts";
import { createStore } from "../../src/store/create_store.ts";
import { djb2 } from "../../src/store/djb2.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Clock } from "../../src/store/shard.ts";
import { ShardedStore } from "../../src/store/sharded_store.ts";
import { ArenaStore } from "../../src/store/arena_store.ts";
import type { Store } from "../../src/store/store.ts";
import { prng } from "../helpers/prng.ts";
import { evalWithGc } from "../helpers/eval_with_gc.ts";

/**
 * Every implementation the shared suite runs against: its name, how to make
 * one, and the same as source code, for tests that run it in a child process.
 */
const IMPLEMENTATIONS: [string, (clock: Clock) => Store, string][] = [
  ["MapStore", (clock) => new MapStore(clock), "new MapStore()"],
  ["ShardedStore(1)", (clock) => new ShardedStore(1, clock), "new ShardedStore(1)"],
  ["ShardedStore(3)", (clock) => new ShardedStore(3, clock), "new ShardedStore(3)"],
  ["ShardedStore(8)", (clock) => new ShardedStore(8, clock), "new ShardedStore(8)"],
  ["ArenaStore(1)", (clock) => new ArenaStore(1, clock), "new ArenaStore(1)"],
  [
    "ArenaStore(3, small arenas)",
    (clock) => new ArenaStore(3, clock, { arenaSize: 256 }),
    "new ArenaStore(3, Date.now, { arenaSize: 256 })",
  ],
];

/** A clock tests move by hand: `time.now` is what the store sees. */
function fakeClock(start = 1_000_000): { now: number; clock: Clock } {
  const time = { now: start, clock: () => time.now };
  return time;
}

function byKey<T extends unknown[]>(a: T, b: T): number {
  const [x, y] = [a[0] as string, b[0] as string];
  return x < y ? -1 : x > y ? 1 : 0;
}

function sortedEntries(store: Store): [string, Value, number][] {
  return [...store.entries()].sort(byKey);
}

/**
 * Draws `draws` random keys from `store`, failing on any not in `keys`;
 * returns the keys of `keys` never drawn.
 */
function undrawn(store: Store, keys: Iterable<string>, draws: number): string[] {
  const left = new Set(keys);
  const allowed = new Set(left);
  for (let i = 0; i < draws; i++) {
    const key = store.randomKey();
    if (key === undefined || !allowed.has(key)) {
      throw new Error(`draw ${i} gave ${JSON.stringify(key)}, not one of the ${allowed.size} keys`);
    }
    left.delete(key);
  }
  return [...left];
}

/** `count` keys named `prefix0`, `prefix1`, … */
function keyNames(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${i}`);
}

/**
 * How much each kind of churn grows the heap of a child process holding
 * `source`'s store with 100 keys: the same key deleted and set again a million
 * times, and 300,000 new keys each set while the oldest is deleted. A child,
 * so it can collect garbage before each measurement.
 */
async function churnHeapGrowth(source: string): Promise<{ sameKey: number; newKeys: number }> {
  const mapStore = JSON.stringify(import.meta.resolve("../../src/store/map_store.ts"));
  const shardedStore = JSON.stringify(import.meta.resolve("../../src/store/sharded_store.ts"));
  const arenaStore = JSON.stringify(import.meta.resolve("../../src/store/arena_store.ts"));
  const script = `
    import { MapStore } from ${mapStore};
    import { ShardedStore } from ${shardedStore};
    import { ArenaStore } from ${arenaStore};
    const store = ${source};
    const heap = () => { gc(); gc(); return Deno.memoryUsage().heapUsed; };
    const key = (i) => "churned-key-with-a-long-name-" + i;
    for (let i = 0; i < 100; i++) store.set(key(i), "v");
    for (let i = 0; i < 1000; i++) { store.delete(key(7)); store.set(key(7), "v"); }
    let before = heap();
    for (let i = 0; i < 1_000_000; i++) { store.delete(key(7)); store.set(key(7), "v"); }
    const sameKey = heap() - before;
    before = heap();
    for (let i = 100; i < 300_100; i++) { store.set(key(i), "v"); store.delete(key(i - 100)); }
    const newKeys = heap() - before;
    for (let i = 0; i < 1000; i++) if (store.get(store.randomKey()) === undefined) throw new Error("drew a deleted key");
    console.log(JSON.stringify({ sameKey, newKeys, size: store.size }));
  `;
  const result = await evalWithGc<{ sameKey: number; newKeys: number; size: number }>(script);
  assertEquals(result.size, 100);
  return result;
}

for (const [name, create, source] of IMPLEMENTATIONS) {
  const make = () => create(Date.now);

  Deno.test(`${name} starts empty`, () => {
    const store = make();
    assertEquals(store.size, 0);
    assertEquals(store.expiringSize, 0);
    assertEquals(store.get("missing"), undefined);
    assertEquals(store.expiresAt("missing"), -1);
    assertEquals(store.randomKey(), undefined);
    assertEquals([...store.entries()], []);
    assertEquals([...store.keys()], []);
  });

  Deno.test(`${name} get returns what set stored`, () => {
    const store = make();
    store.set("hello", "world");
    assertEquals(store.get("hello"), "world");
    assertEquals(store.get("hell"), undefined);
    assertEquals(store.size, 1);
    assertEquals(store.expiresAt("hello"), 0);
  });

  Deno.test(`${name} set overwrites without growing`, () => {
    const store = make();
    store.set("k", "one");
    store.set("k", "two");
    assertEquals(store.get("k"), "two");
    assertEquals(store.size, 1);
    assertEquals(sortedEntries(store), [["k", "two", 0]]);
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
    assertEquals(sortedEntries(store), [["b", "2", 0]]);
  });

  Deno.test(`${name} keeps empty strings as keys and values`, () => {
    const store = make();
    store.set("", "");
    assertEquals(store.get(""), "");
    assertEquals(store.size, 1);
    assertEquals(store.delete(""), true);
    assertEquals(store.size, 0);
  });

  Deno.test(`${name} stores the UTF-8 bytes of text keys and values`, () => {
    const store = make();
    const pairs: [string, string][] = [
      ["héllo", "wörld"],
      ["€uro", "¥en"],
      ["😀", "🎉 party"],
      ["日本語", "テキスト"],
      ["e\u0301", "combining"],
      ["é", "precomposed"],
    ].map(([k, v]) => [binaryFromText(k), binaryFromText(v)]);
    for (const [k, v] of pairs) store.set(k, v);
    for (const [k, v] of pairs) assertEquals(store.get(k), v);
    assertEquals(store.size, pairs.length);
    assertEquals(store.get("e"), undefined);
    assertEquals(store.delete(binaryFromText("😀")), true);
    assertEquals(store.get("\xf0\x9f\x98\x80"), undefined);
    assertEquals(store.size, pairs.length - 1);
  });

  Deno.test(`${name} keeps every byte value distinct in keys and values`, () => {
    const store = make();
    for (let byte = 0; byte < 256; byte++) {
      const char = String.fromCharCode(byte);
      store.set(char, char + "\r\n\x00" + char);
    }
    assertEquals(store.size, 256);
    for (let byte = 0; byte < 256; byte++) {
      const char = String.fromCharCode(byte);
      assertEquals(store.get(char), char + "\r\n\x00" + char, `byte ${byte}`);
    }
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
    assertEquals(new Map(entries.map(([k, v]) => [k, v])), expected);
    for (const [k, v] of expected) assertEquals(store.get(k), v);
    assertEquals(store.get("key:0"), undefined);
    assertEquals(store.get("key:3"), undefined);
    assertEquals(new Set(store.keys()), new Set(expected.keys()));
  });

  Deno.test(`${name} keeps a key with an expiry until the clock reaches it`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("k", "v", time.now + 100);
    store.set("forever", "v");
    assertEquals(store.expiresAt("k"), time.now + 100);
    assertEquals(store.expiresAt("forever"), 0);
    assertEquals(store.expiringSize, 1);
    time.now += 99;
    assertEquals(store.get("k"), "v");
    time.now += 1; // the expiry time itself is already past, as in Redis
    assertEquals(store.size, 2, "an expired key counts until it is reclaimed");
    assertEquals(store.get("k"), undefined);
    assertEquals(store.size, 1, "get reclaims the expired key");
    assertEquals(store.expiringSize, 0);
    assertEquals(store.expiresAt("k"), -1);
    assertEquals(store.get("forever"), "v");
  });

  Deno.test(`${name} hides an expired key from expiresAt, entries and delete`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("gone", "1", time.now + 10);
    store.set("live", "2", time.now + 1000);
    store.set("plain", "3");
    time.now += 10;
    assertEquals(sortedEntries(store), [
      ["live", "2", time.now + 990],
      ["plain", "3", 0],
    ]);
    assertEquals(store.expiresAt("gone"), -1);
    store.set("gone2", "x", time.now - 1);
    assertEquals(store.delete("gone2"), false, "deleting an expired key removes nothing live");
    assertEquals(store.get("gone2"), undefined);
    assertEquals(store.size, 2);
  });

  Deno.test(`${name} set without an expiry clears the old one`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("k", "v1", time.now + 10);
    store.set("k", "v2");
    assertEquals(store.expiresAt("k"), 0);
    assertEquals(store.expiringSize, 0);
    time.now += 1000;
    assertEquals(store.get("k"), "v2");
    store.set("k", "v3", time.now + 5);
    store.set("k", "v4", time.now + 50);
    assertEquals(store.expiresAt("k"), time.now + 50);
    assertEquals(store.expiringSize, 1);
    assertEquals(store.delete("k"), true);
    assertEquals(store.expiringSize, 0, "delete drops the expiry too");
  });

  Deno.test(`${name} setExpiresAt changes or removes an existing key's expiry`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    assertEquals(store.setExpiresAt("missing", time.now + 10), false);
    assertEquals(store.size, 0);
    store.set("k", "v");
    assertEquals(store.setExpiresAt("k", time.now + 10), true);
    assertEquals(store.expiresAt("k"), time.now + 10);
    assertEquals(store.expiringSize, 1);
    assertEquals(store.setExpiresAt("k", 0), true);
    assertEquals(store.expiresAt("k"), 0);
    assertEquals(store.expiringSize, 0);
    assertEquals(store.setExpiresAt("k", time.now + 5), true);
    time.now += 5;
    assertEquals(store.setExpiresAt("k", time.now + 100), false, "an expired key is gone");
    assertEquals(store.get("k"), undefined);
    assertEquals(store.size, 0);
  });

  Deno.test(`${name} counts the bytes of its keys and values through every change`, () => {
    const { clock } = fakeClock();
    const store = create(clock);
    const sum = () => {
      let bytes = 0;
      for (const [key, value] of store.entries()) bytes += key.length + valueBytes(value);
      return bytes;
    };
    assertEquals(store.bytes, 0);
    store.set("ab", "cde");
    store.set("x", "");
    assertEquals(store.bytes, 6);
    store.set("ab", "c"); // overwrite: only the value's change counts
    assertEquals(store.bytes, 4);
    store.set("gone", "soon", 1_000_000); // already expired by the fake clock
    assertEquals(store.bytes, 12);
    assertEquals(store.get("gone"), undefined); // reclaimed when touched
    assertEquals(store.bytes, 4);
    store.set("t", "tt", 1_000_000);
    assertEquals(store.reclaimExpired(10).reclaimed, 1);
    assertEquals(store.delete("ab"), true);
    assertEquals(store.delete("ab"), false);
    assertEquals(store.bytes, sum());
    assertEquals(store.bytes, 1);
    const undo = store.clear();
    assertEquals(store.bytes, 0);
    undo();
    assertEquals(store.bytes, 1);
  });

  Deno.test(`${name} reclaimExpired removes expired keys, at most limit looked at per call`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    for (let i = 0; i < 10; i++) store.set(`exp:${i}`, "v", time.now + 1);
    for (let i = 0; i < 5; i++) store.set(`plain:${i}`, "v");
    assertEquals(store.reclaimExpired(100), { checked: 10, reclaimed: 0, ttlMs: 10 });
    time.now += 1;
    let checked = 0;
    let reclaimed = 0;
    for (let call = 0; call < 4; call++) {
      const result = store.reclaimExpired(3);
      assert(result.checked <= 3, `call ${call} looked at ${result.checked} keys`);
      checked += result.checked;
      reclaimed += result.reclaimed;
    }
    assertEquals(reclaimed, 10);
    assertEquals(checked, 10, "no key is looked at twice while others wait");
    assertEquals(store.size, 5);
    assertEquals(store.expiringSize, 0);
    assertEquals(store.reclaimExpired(3), { checked: 0, reclaimed: 0, ttlMs: 0 });
  });

  Deno.test(`${name} reclaimExpired continues where the last call stopped`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    // 20 keys that live long, then 5 that expire soon: a sweep that restarted
    // at the front every call would never reach the last five.
    for (let i = 0; i < 20; i++) store.set(`long:${i}`, "v", time.now + 1_000_000);
    for (let i = 0; i < 5; i++) store.set(`short:${i}`, "v", time.now + 1);
    time.now += 1;
    let reclaimed = 0;
    let calls = 0;
    while (reclaimed < 5 && calls < 25) {
      reclaimed += store.reclaimExpired(2).reclaimed;
      calls++;
    }
    assertEquals(reclaimed, 5);
    assert(calls <= 13, `took ${calls} calls of 2 to look at 25 keys`);
    assertEquals(store.size, 20);
    assertEquals(store.expiringSize, 20);
  });

  Deno.test(`${name} clear empties the store and its undo restores values and expiries`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    for (let i = 0; i < 50; i++) store.set(`k${i}`, `v${i}`, i % 2 === 0 ? time.now + 100 : 0);
    const before = sortedEntries(store);
    const undo = store.clear();
    assertEquals(store.size, 0);
    assertEquals(store.expiringSize, 0);
    assertEquals(store.get("k1"), undefined);
    assertEquals([...store.keys()], []);
    assertEquals(store.randomKey(), undefined);
    undo();
    assertEquals(store.size, 50);
    assertEquals(store.expiringSize, 25);
    assertEquals(sortedEntries(store), before);
    assertEquals(store.expiresAt("k0"), time.now + 100);
    time.now += 100;
    assertEquals(store.get("k0"), undefined, "a restored expiry still applies");
    assertEquals(store.get("k1"), "v1");
  });

  Deno.test({
    name: `${name} reclaimExpired after clear never removes a key set since`,
    fn() {
      const time = fakeClock();
      const store = create(time.clock);
      store.set("x1", "a", time.now + 5000);
      store.set("k", "old", time.now + 500);
      store.reclaimExpired(1); // stops after one key, before "k"
      store.clear();
      store.set("k", "fresh");
      time.now += 1000;
      store.reclaimExpired(10);
      assertEquals(store.get("k"), "fresh");
    },
  });

  Deno.test(`${name} randomKey draws each of 100 keys within 3,000 calls, and only those`, () => {
    const store = make();
    const keys = keyNames("k", 100);
    for (const key of keys) store.set(key, "v");
    // Uniform draws miss a given key 3,000 times with probability 5e-14.
    assertEquals(undrawn(store, keys, 3000), []);
    store.set("k0", "new value"); // an overwrite adds no second chance
    assertEquals(undrawn(store, keys, 3000), []);
  });

  Deno.test(`${name} randomKey never draws a deleted key, and still draws every other`, () => {
    const store = make();
    const keys = keyNames("k", 100);
    for (const key of keys) store.set(key, "v");
    for (const key of keys.slice(0, 10)) store.delete(key);
    assertEquals(undrawn(store, keys.slice(10), 3000), []);
    for (const key of keys.slice(10, 70)) store.delete(key);
    assertEquals(undrawn(store, keys.slice(70), 3000), []);
    for (const key of keys.slice(70, 99)) store.delete(key);
    assertEquals(undrawn(store, ["k99"], 50), []);
    store.delete("k99");
    assertEquals(store.randomKey(), undefined);
    store.set("k5", "v");
    assertEquals(undrawn(store, ["k5"], 50), [], "a key set again after every key was deleted");
  });

  Deno.test(`${name} randomKey draws a key deleted and set again 10,000 times no more often`, () => {
    const store = make();
    const keys = keyNames("k", 10);
    for (const key of keys) store.set(key, "v");
    for (let i = 0; i < 10_000; i++) {
      store.delete("k3");
      if (i % 2 === 0) store.randomKey(); // may drop k3's slot before k3 is back
      store.set("k3", "v");
    }
    const counts = new Map<string, number>();
    const draws = 50_000;
    for (let i = 0; i < draws; i++) {
      const key = store.randomKey() as string;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    assertEquals(new Set(counts.keys()), new Set(keys));
    // 5,000 each on average, with a standard deviation of 67.
    for (const [key, count] of counts) {
      assert(count > 4000 && count < 6000, `${key} drawn ${count} times of ${draws}`);
    }
  });

  Deno.test(`${name} randomKey after clear draws only keys set since, after its undo only those before`, () => {
    const store = make();
    const keys = keyNames("k", 50);
    for (const key of keys) store.set(key, "v");
    for (const key of keys.slice(0, 10)) store.delete(key);
    const undo = store.clear();
    assertEquals(store.randomKey(), undefined);
    const since = keyNames("since", 5);
    for (const key of since) store.set(key, "v");
    store.delete("since4");
    assertEquals(undrawn(store, since.slice(0, 4), 500), []);
    undo();
    assertEquals(undrawn(store, keys.slice(10), 3000), []);
    store.delete("k10");
    store.set("k0", "v");
    assertEquals(undrawn(store, [...keys.slice(11), "k0"], 3000), []);
  });

  Deno.test(`${name} randomKey may draw an expired key that get then hides`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("k", "v", time.now + 1);
    time.now += 1;
    assertEquals(store.randomKey(), "k", "not reclaimed yet, so still drawn");
    assertEquals(store.get("k"), undefined);
    assertEquals(store.randomKey(), undefined);
  });

  Deno.test(`${name} randomKey agrees with a model through random sets, deletes and clears`, () => {
    const random = prng(9);
    const store = make();
    const pool = keyNames("k", 200);
    let model = new Set<string>();
    for (let op = 0; op < 30_000; op++) {
      const roll = random();
      const key = pool[Math.floor(random() * pool.length)];
      if (roll < 0.45) {
        store.set(key, "v");
        model.add(key);
      } else if (roll < 0.9) {
        assertEquals(store.delete(key), model.delete(key), `delete ${key} at op ${op}`);
      } else if (roll < 0.995) {
        const drawn = store.randomKey();
        if (model.size === 0) assertEquals(drawn, undefined, `op ${op}`);
        else assert(drawn !== undefined && model.has(drawn), `op ${op} drew ${drawn}`);
      } else {
        const undo = store.clear();
        if (random() < 0.5) undo();
        else model = new Set();
      }
    }
    assertEquals(store.size, model.size);
    assertEquals(undrawn(store, model, 20 * Math.max(model.size, 10) + 500), []);
  });

  Deno.test(`${name} randomKey does not walk the keys: 100,000 draws from 200,000 keys in 1 s`, () => {
    const store = make();
    for (let i = 0; i < 200_000; i++) store.set(`k${i}`, "v");
    // O(1) draws take ~50 ms here; walking to a random position took 7 s with 8
    // shards and ~60 s with one.
    const budgetMs = 1000;
    const started = performance.now();
    let draws = 0;
    while (draws < 100_000 && performance.now() - started < budgetMs) {
      for (let i = 0; i < 100; i++, draws++) store.randomKey();
    }
    const elapsed = performance.now() - started;
    assert(draws === 100_000, `only ${draws} draws in ${elapsed.toFixed(0)} ms`);
  });

  Deno.test(`${name} randomKey's slots stay bounded however keys are deleted and set again`, async () => {
    const { sameKey, newKeys } = await churnHeapGrowth(source);
    // Kept slots would be 8 MB for the first and ~40 MB for the second.
    const bound = 2 * 1024 * 1024;
    assert(sameKey < bound, `a million deletes and sets of one key grew the heap ${sameKey} bytes`);
    assert(newKeys < bound, `300,000 new keys, each deleted later, grew the heap ${newKeys} bytes`);
  });

  Deno.test(`${name} keys is a live iterator that sees each lasting key once`, () => {
    const store = make();
    for (let i = 0; i < 200; i++) store.set(`k${i}`, "v");
    const seen: string[] = [];
    let added = 0;
    for (const key of store.keys()) {
      seen.push(key);
      // Change the store while iterating: remove odd keys not yet seen, add new ones.
      if (seen.length === 50) {
        for (let i = 1; i < 200; i += 2) store.delete(`k${i}`);
        for (let i = 0; i < 20; i++, added++) store.set(`new${i}`, "v");
      }
    }
    const counts = new Map<string, number>();
    for (const key of seen) counts.set(key, (counts.get(key) ?? 0) + 1);
    for (const [key, count] of counts) assertEquals(count, 1, `${key} seen ${count} times`);
    for (let i = 0; i < 200; i += 2) assert(counts.has(`k${i}`), `lasting key k${i} missed`);
    assertEquals(store.size, 100 + added);
  });

  Deno.test(`${name} idleMs counts from the last read or write on the access clock`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("old", "v");
    store.set("fresh", "v");
    time.now += 5_000;
    store.tick();
    store.get("fresh");
    time.now += 1_000;
    // The access clock moves in steps of the tick (the arena store keeps tenths of a second).
    assertEquals(Math.round(store.idleMs("old") / 100), 60);
    assertEquals(Math.round(store.idleMs("fresh") / 100), 10);
    assertEquals(store.idleMs("missing"), -1);
    assertEquals(store.frequency("old"), 0);
  });

  Deno.test(`${name} frequency counts reads as Redis's LFU once an LFU policy is chosen`, () => {
    const time = fakeClock(60_000 * 1000);
    const store = create(time.clock);
    store.trackFrequency({ logFactor: 0, decayMinutes: 1 });
    store.set("k", "v");
    assertEquals(store.frequency("k"), 5);
    for (let i = 0; i < 10; i++) store.get("k");
    // Factor 0: every access counts.
    assertEquals(store.frequency("k"), 15);
    time.now += 3 * 60_000;
    store.tick();
    assertEquals(store.frequency("k"), 12);
    assertEquals(store.frequency("missing"), -1);
    // The counter survives a clear's undo; a clear's fresh tables count too.
    const undo = store.clear();
    store.set("n", "v");
    assertEquals(store.frequency("n"), 5);
    undo();
    assertEquals(store.frequency("k"), 12);
    store.trackFrequency(null);
    assertEquals(store.frequency("k"), 0);
  });

  Deno.test(`${name} lazilyExpired counts keys found expired when looked up`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("a", "v", time.now + 10);
    store.set("b", "v", time.now + 10);
    time.now += 20;
    assertEquals(store.get("a"), undefined);
    assertEquals(store.expiresAt("b"), -1);
    assertEquals(store.lazilyExpired, 2);
  });

  Deno.test(`${name} keys may list an expired key that get then hides`, () => {
    const time = fakeClock();
    const store = create(time.clock);
    store.set("k", "v", time.now + 1);
    time.now += 1;
    for (const key of store.keys()) assertEquals(store.get(key), undefined);
    assertEquals([...store.keys()], []);
  });
}

/** `count` keys that ShardedStore(`shards`) puts in shard `shard`. */
function keysInShard(shards: number, shard: number, count: number, prefix: string): string[] {
  const keys: string[] = [];
  for (let i = 0; keys.length < count; i++) {
    if (djb2(`${prefix}${i}`) % shards === shard) keys.push(`${prefix}${i}`);
  }
  return keys;
}

Deno.test("ShardedStore reclaimExpired moves on to the next shard across calls", () => {
  const time = fakeClock();
  const store = new ShardedStore(4, time.clock);
  // Shard 0 holds 30 long-lived keys, shards 1 and 3 hold expiring ones.
  for (const key of keysInShard(4, 0, 30, "long")) store.set(key, "v", time.now + 1_000_000);
  const soon = [...keysInShard(4, 1, 4, "a"), ...keysInShard(4, 3, 4, "b")];
  for (const key of soon) store.set(key, "v", time.now + 1);
  time.now += 1;
  let reclaimed = 0;
  let checked = 0;
  for (let call = 0; call < 10; call++) {
    const result = store.reclaimExpired(4);
    assert(result.checked <= 4);
    checked += result.checked;
    reclaimed += result.reclaimed;
  }
  assertEquals(reclaimed, 8, "every shard gets its turn");
  assert(checked <= 40);
  assertEquals(store.size, 30);
  assertEquals(store.expiringSize, 30);
});

Deno.test("ShardedStore reclaimExpired fills one call's limit from several shards", () => {
  const time = fakeClock();
  const store = new ShardedStore(3, time.clock);
  for (let shard = 0; shard < 3; shard++) {
    for (const key of keysInShard(3, shard, 2, `s${shard}-`)) store.set(key, "v", time.now + 1);
  }
  time.now += 1;
  assertEquals(store.reclaimExpired(5), { checked: 5, reclaimed: 5, ttlMs: 0 });
  assertEquals(store.reclaimExpired(5), { checked: 1, reclaimed: 1, ttlMs: 0 });
  assertEquals(store.size, 0);
});

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

Deno.test("ShardedStore places a key in shard djb2(key) mod N, as the seed", () => {
  const time = fakeClock();
  const store = new ShardedStore(4, time.clock);
  // One expired key per shard: a sweep of one key per call walks the shards
  // in order, so the order keys disappear in shows which shard held each.
  const keys = [0, 1, 2, 3].map((shard) => keysInShard(4, shard, 1, "k")[0]);
  for (const key of [...keys].reverse()) store.set(key, "v", time.now + 1);
  time.now += 1;
  for (let shard = 0; shard < 4; shard++) {
    assertEquals(store.reclaimExpired(1), { checked: 1, reclaimed: 1, ttlMs: 0 });
    assertEquals(new Set(store.keys()), new Set(keys.slice(shard + 1)), `after shard ${shard}`);
  }
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
