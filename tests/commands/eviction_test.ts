import { assert, assertEquals } from "@std/assert";
import { Databases } from "../../src/db/databases.ts";
import { Evictor } from "../../src/commands/eviction.ts";
import { type EvictionPolicy, MaxMemory } from "../../src/commands/max_memory.ts";
import { usedMemory } from "../../src/commands/used_memory.ts";
import { ArenaStore } from "../../src/store/arena_store.ts";
import { MapStore } from "../../src/store/map_store.ts";
import { ShardedStore } from "../../src/store/sharded_store.ts";
import type { Store } from "../../src/store/store.ts";
import { RecordingWal } from "../helpers/recording_wal.ts";
import { delText } from "../helpers/record_text.ts";

/** A clock the test moves. */
class TestClock {
  now = 1_700_000_000_000;
  readonly read = () => this.now;
}

const STORES: [string, (clock: () => number) => Store][] = [
  ["MapStore", (clock) => new MapStore(clock)],
  ["ShardedStore", (clock) => new ShardedStore(4, clock)],
  ["ArenaStore", (clock) => new ArenaStore(4, clock)],
];

/** Two databases over one store kind, a recording WAL, and the evictor under `policy`. */
function setUp(make: (clock: () => number) => Store, policy: EvictionPolicy) {
  const clock = new TestClock();
  const stores = [make(clock.read), make(clock.read)];
  const wal = new RecordingWal();
  const databases = new Databases(stores, wal, clock.read);
  const budget = new MaxMemory(
    { limit: 0, policy, samples: 5, lfuLogFactor: 10, lfuDecayTime: 1 },
    () => databases.stores(),
  );
  return { clock, stores, wal, databases, budget, evictor: new Evictor(databases, budget) };
}

/** Lowers the limit so that about `keys` keys of `size` bytes each must go. */
function limitFreeing(databases: Databases, bytesToFree: number): number {
  return usedMemory(databases) - bytesToFree;
}

for (const [name, make] of STORES) {
  Deno.test(`eviction ${name}: noeviction evicts nothing and fails`, () => {
    const { databases, budget, evictor } = setUp(make, "noeviction");
    for (let i = 0; i < 100; i++) databases.get(0).set(`k${i}`, "v".repeat(50));
    databases.commit();
    assertEquals(evictor.evict(100), "ok");
    budget.limit = limitFreeing(databases, 1000);
    assertEquals(evictor.evict(100), "fail");
    assertEquals(databases.get(0).size, 100);
    assertEquals(budget.evictedKeys, 0);
  });

  Deno.test(`eviction ${name}: allkeys-random evicts across databases, each a DEL in the WAL`, () => {
    const { databases, budget, evictor, wal } = setUp(make, "allkeys-random");
    for (let i = 0; i < 100; i++) databases.get(i % 2).set(`k${i}`, "v".repeat(50));
    databases.commit();
    const logged = wal.records.length;
    budget.limit = limitFreeing(databases, 3000);
    assertEquals(evictor.evict(100), "ok");
    assert(usedMemory(databases) <= budget.limit);
    const left = databases.get(0).size + databases.get(1).size;
    assertEquals(budget.evictedKeys, 100 - left);
    assert(databases.get(0).size < 50 && databases.get(1).size < 50, "both databases lost keys");
    const texts = wal.texts().slice(logged).join("");
    let dels = 0;
    for (let i = 0; i < 100; i++) {
      if (!databases.get(i % 2).exists(`k${i}`)) {
        assert(texts.includes(delText(`k${i}`)), `k${i} evicted without a DEL record`);
        dels++;
      }
    }
    assertEquals(dels, 100 - left);
  });

  Deno.test(`eviction ${name}: volatile policies evict only keys with a TTL, then fail`, () => {
    for (const policy of ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"]) {
      const { databases, budget, evictor, clock } = setUp(make, policy as EvictionPolicy);
      const db = databases.get(0);
      for (let i = 0; i < 100; i++) {
        db.set(`k${i}`, "v".repeat(50), i % 2 === 0 ? clock.now + 3_600_000 : 0);
      }
      databases.commit();
      budget.limit = 1; // nothing but evicting everything evictable
      assertEquals(evictor.evict(1000), "fail", policy);
      assertEquals(db.size, 50, policy);
      for (let i = 1; i < 100; i += 2) assert(db.exists(`k${i}`), `${policy}: k${i}`);
    }
  });

  Deno.test(`eviction ${name}: volatile-ttl evicts the keys that expire soonest first`, () => {
    const { databases, budget, evictor, clock } = setUp(make, "volatile-ttl");
    const db = databases.get(0);
    for (let i = 0; i < 200; i++) db.set(`k${i}`, "v".repeat(50), clock.now + 60_000 + i * 1000);
    databases.commit();
    budget.limit = limitFreeing(databases, 40 * 150);
    assertEquals(evictor.evict(1000), "ok");
    const evicted = [];
    for (let i = 0; i < 200; i++) if (!db.exists(`k${i}`)) evicted.push(i);
    // Sampling is approximate, as Redis's: the victims come from the soonest quarter or so.
    const late = evicted.filter((i) => i >= 100).length;
    assert(evicted.length >= 30, `${evicted.length} evicted`);
    assert(late <= evicted.length / 10, `${late} of ${evicted.length} victims expire late`);
  });
}

for (const [name, make] of STORES) {
  Deno.test(`eviction ${name}: allkeys-lru evicts keys idle longest, keeps those just read`, () => {
    const { databases, budget, evictor, clock, stores } = setUp(make, "allkeys-lru");
    const db = databases.get(0);
    for (let i = 0; i < 200; i++) db.set(`k${i}`, "v".repeat(50));
    databases.commit();
    clock.now += 10_000;
    stores[0].tick();
    for (let i = 0; i < 20; i++) db.get(`k${i}`);
    clock.now += 1_000;
    budget.limit = limitFreeing(databases, 100 * 150);
    assertEquals(evictor.evict(1000), "ok");
    for (let i = 0; i < 20; i++) assert(db.exists(`k${i}`), `hot k${i} was evicted`);
    assert(db.size <= 110, `${db.size} keys left`);
  });

  Deno.test(`eviction ${name}: allkeys-lfu evicts rarely used keys, keeps frequent ones`, () => {
    const { databases, budget, evictor, stores } = setUp(make, "allkeys-lfu");
    const db = databases.get(0);
    for (let i = 0; i < 200; i++) db.set(`k${i}`, "v".repeat(50));
    databases.commit();
    for (let round = 0; round < 30; round++) for (let i = 0; i < 20; i++) db.get(`k${i}`);
    // Each read from 5 adds one for sure: the frequent keys are at 6 or more, the rest at 5.
    for (let i = 0; i < 20; i++) assert(stores[0].frequency(`k${i}`) >= 6);
    assertEquals(stores[0].frequency("k100"), 5);
    assertEquals(stores[0].frequency("missing"), -1);
    budget.limit = limitFreeing(databases, 150 * 150);
    assertEquals(evictor.evict(1000), "ok");
    for (let i = 0; i < 20; i++) assert(db.exists(`k${i}`), `frequent k${i} was evicted`);
  });

  Deno.test(`eviction ${name}: switching to LFU starts every key's counter afresh, and back`, () => {
    const { databases, budget, stores, clock } = setUp(make, "allkeys-lru");
    const db = databases.get(0);
    db.set("k", "v");
    assertEquals(stores[0].frequency("k"), 0);
    budget.policy = "allkeys-lfu";
    assertEquals(stores[0].frequency("k"), 0); // no field yet: not read since
    db.get("k");
    assertEquals(stores[0].frequency("k"), 5);
    db.get("k");
    assertEquals(stores[0].frequency("k"), 6);
    budget.policy = "volatile-lru";
    clock.now += 5_000;
    assertEquals(stores[0].idleMs("k"), 5_000);
  });
}
