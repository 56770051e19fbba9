/**
 * Compaction against real files: what the rewritten WAL holds, writes made
 * while it runs, recovery from a failed or removed WAL, the automatic
 * trigger, and giving up at shutdown. The crash-safety of each step under
 * SIGKILL is tested through a real process in
 * `tests/server/compaction_fault_test.ts`.
 */
import type { Value } from "../../src/store/value.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "@std/assert";
import type { Context } from "../../src/commands/command_spec.ts";
import * as keys from "../../src/commands/keys.ts";
import * as lists from "../../src/commands/lists.ts";
import { Databases } from "../../src/db/databases.ts";
import type { Db } from "../../src/db/db.ts";
import { HashValue } from "../../src/store/hash_value.ts";
import { ListValue } from "../../src/store/list_value.ts";
import { MapStore } from "../../src/store/map_store.ts";
import { RespWriter } from "../../src/protocol/resp_writer.ts";
import { SetValue } from "../../src/store/set_value.ts";
import { ZSetValue } from "../../src/store/zset_value.ts";
import type { Store } from "../../src/store/store.ts";
import { type CompactionHooks, Compactor, estimateSnapshotBytes } from "../../src/wal/compactor.ts";
import { FileWal, type WalFile } from "../../src/wal/file_wal.ts";
import { replayWal } from "../../src/wal/replay.ts";
import { exists, tempDir } from "../helpers/temp_dir.ts";

interface Setup extends AsyncDisposable {
  path: string;
  store: Store;
  wal: FileWal;
  db: Databases;
  compactor: Compactor;
  logs: string[];
}

interface SetupOptions {
  hooks?: CompactionHooks;
  minBytes?: number;
  ratio?: number;
  /** Wraps the WAL's file, e.g. to make it fail. */
  wrap?: (file: Deno.FsFile) => WalFile;
}

async function setup(dir: string, options: SetupOptions = {}): Promise<Setup> {
  const path = `${dir}/wal`;
  const store = new MapStore();
  const file = await Deno.open(path, { read: true, write: true, create: true, append: true });
  const wal = new FileWal(options.wrap?.(file) ?? file, path);
  const logs: string[] = [];
  const compactor = new Compactor(() => [store], wal, {
    log: { info: (line) => logs.push(line), warn: (line) => logs.push(`warning: ${line}`) },
    hooks: options.hooks,
    minBytes: options.minBytes,
    ratio: options.ratio,
    checkIntervalMs: 10,
  });
  return {
    path,
    store,
    wal,
    db: new Databases([store], wal, Date.now, compactor),
    compactor,
    logs,
    async [Symbol.asyncDispose]() {
      await compactor.stop();
      await wal.close();
    },
  };
}

/** Applies one write through the Db and waits until it is durable; throws if it was rolled back. */
async function write(
  db: Databases,
  change: (db: { set: Db["set"]; delete: Db["delete"]; flushAll(): void }) => unknown,
): Promise<void> {
  const db0 = db.get(0);
  change({
    set: (key, value, expiresAt) => db0.set(key, value, expiresAt),
    delete: (key) => db0.delete(key),
    flushAll: () => db.flushAll(),
  });
  db.commit();
  const seq = db.horizon();
  await db.settled(seq);
  const error = db.rolledBack(seq);
  if (error) throw error;
}

/** The state the WAL at `path` replays to: key → [value, expiresAt]. */
async function replayed(path: string): Promise<Map<string, [Value, number]>> {
  const store = new MapStore();
  using file = await Deno.open(path, { read: true, write: true });
  await replayWal(file, path, [store]);
  return stateOf(store);
}

function stateOf(store: Store): Map<string, [Value, number]> {
  return new Map([...store.entries()].map(([key, value, at]) => [key, [value, at]]));
}

/**
 * Runs real commands against database 0 of `s`, with the records they log,
 * each waited for until durable; throws if one was rolled back.
 */
function commandRunner(s: Setup) {
  const reply = new RespWriter();
  const context = { db: s.db.get(0), reply } as unknown as Context;
  return async (command: (args: string[], context: Context) => void, ...args: string[]) => {
    command(args, context);
    reply.take();
    s.db.commit();
    const seq = s.db.horizon();
    await s.db.settled(seq);
    const error = s.db.rolledBack(seq);
    if (error) throw error;
  };
}

async function waitUntil(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

Deno.test("Compactor rewrites the WAL as one record per live key, with expiries", async () => {
  await using temp = await tempDir();
  await using s = await setup(temp.path);
  const later = Date.now() + 3_600_000;
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 50; i++) await write(s.db, (db) => db.set(`key${i}`, `v${round}:${i}`));
  }
  for (let i = 0; i < 10; i++) await write(s.db, (db) => db.delete(`key${i}`));
  await write(s.db, (db) => db.set("ttl", "soon gone", later));
  await write(s.db, (db) => db.set("bin\r\n\0", "\xff\n3SET1a1b\n"));
  const before = (await Deno.stat(s.path)).size;
  assertEquals(s.wal.size.bytes, before);

  assert(s.compactor.start("test"));
  assertEquals(s.compactor.start("test"), false, "one at a time");
  await waitUntil("the compaction ends", () => !s.compactor.running);

  assertEquals(s.compactor.rewrites, 1, s.logs.join("\n"));
  assertEquals(s.compactor.lastOk, true);
  assertEquals(s.wal.size.records, 42, "40 keys left, the TTL key and the binary one");
  const after = (await Deno.stat(s.path)).size;
  assertEquals(s.wal.size.bytes, after);
  assert(after < before / 4, `${before} -> ${after} bytes`);
  assertEquals(await replayed(s.path), stateOf(s.store));
  assertEquals((await replayed(s.path)).get("ttl"), ["soon gone", later]);
  assertEquals(await exists(`${s.path}.compact`), false);
  assertStringIncludes(s.logs[0], `compaction started (test): 262 records, ${before} bytes`);
  assertStringIncludes(s.logs[1], `262 -> 42 records, ${before} -> ${after} bytes`);
  // The compacted file is the WAL now: later writes land in it.
  await write(s.db, (db) => db.set("after", "1"));
  assertEquals((await replayed(s.path)).get("after"), ["1", 0]);
});

Deno.test("Compactor keeps every write made while it runs", async () => {
  await using temp = await tempDir();
  // Two keys per slice with a pause between slices: the snapshot spans many
  // turns of the event loop, and the writes below land between them.
  await using s = await setup(temp.path, { hooks: { sliceKeys: 2 } });
  for (let i = 0; i < 200; i++) await write(s.db, (db) => db.set(`k${i}`, `first${i}`));
  assert(s.compactor.start("test"));
  let writes = 0;
  for (let i = 0; s.compactor.running; i = (i + 37) % 260) {
    if (i % 3 === 0) await write(s.db, (db) => db.delete(`k${i}`));
    else await write(s.db, (db) => db.set(`k${i}`, `during${writes}`));
    if (i % 10 === 0) await write(s.db, (db) => db.flushAll());
    writes++;
  }
  assert(writes > 20, `only ${writes} writes happened during the compaction`);
  assertEquals(s.compactor.lastOk, true, s.logs.join("\n"));
  assertEquals(await replayed(s.path), stateOf(s.store));
});

/** A store's contents as plain data, containers included, for comparing two stores. */
function plainState(store: Store): Map<string, [unknown, number]> {
  const plain = (value: Value): unknown => {
    if (typeof value === "string") return value;
    if (value instanceof HashValue) return { hash: [...value.entries()].sort() };
    if (value instanceof ListValue) return { list: [...value.values()] }; // in order
    if (value instanceof ZSetValue) return { zset: [...value.entries()] };
    return { set: [...value.members()].sort() };
  };
  return new Map([...store.entries()].map(([key, value, at]) => [key, [plain(value), at]]));
}

Deno.test("Compactor keeps container changes made while it runs, from the containers as they began", async () => {
  await using temp = await tempDir();
  await using s = await setup(temp.path, { hooks: { sliceKeys: 2 } });
  const db = s.db.get(0);
  const hset = (key: string, field: string, value: string) =>
    write(s.db, () =>
      db.update(key, HashValue, "HSET", (hash) => {
        const old = hash.set(field, value);
        return {
          args: [field, value],
          undo: () => old === undefined ? hash.delete(field) : hash.set(field, old),
        };
      }));
  const srem = (key: string, member: string) =>
    write(s.db, () =>
      db.update(key, SetValue, "SREM", (set) => {
        if (!set.delete(member)) return null;
        return { args: [member], undo: () => set.add(member) };
      }, false));
  const zadd = (key: string, member: string, score: number) =>
    write(s.db, () =>
      db.update(key, ZSetValue, "ZADD", (zset) => {
        const old = zset.add(member, score);
        return {
          args: [String(score), member],
          undo: () => old === undefined ? zset.remove(member) : zset.add(member, old),
        };
      }));
  for (let i = 0; i < 100; i++) {
    for (let f = 0; f < 5; f++) await hset(`h${i}`, `f${f}`, `v${f}`);
    for (let m = 0; m < 4; m++) await zadd(`z${i}`, `m${m}`, m * 1.5);
    await write(s.db, () =>
      db.update(`s${i}`, SetValue, "SADD", (set) => {
        const members = ["a", "b", "c", String(i)];
        for (const member of members) set.add(member);
        return { args: members, undo: () => members.forEach((m) => set.delete(m)) };
      }));
  }
  assert(s.compactor.start("test"));
  let writes = 0;
  // Changes land on containers the walk has passed, has not reached yet,
  // empties some (their key goes) and makes new ones, between its slices.
  for (let i = 0; s.compactor.running; i = (i + 37) % 120) {
    await hset(`h${i}`, "f0", `during${writes}`);
    await hset(`h${i}`, `new${writes}`, "x");
    for (const member of ["a", "b", "c", String(i)]) await srem(`s${i}`, member);
    await zadd(`z${i}`, "m0", writes + 0.1); // a new score moves the member in the skip list
    await zadd(`z${i}`, `new${writes}`, -writes);
    if (i % 5 === 0) await write(s.db, () => db.delete(`h${(i + 1) % 100}`));
    if (i % 7 === 0) {
      await write(s.db, () => {
        if (db.value(`h${i}`) === undefined) return;
        db.moveContainer(`h${i}`, db, `renamed${writes}`); // RENAME's way: a move record
      });
    }
    writes++;
  }
  assert(writes > 20, `only ${writes} rounds of writes happened during the compaction`);
  assertEquals(s.compactor.lastOk, true, s.logs.join("\n"));
  const store = new MapStore();
  {
    using file = await Deno.open(s.path, { read: true, write: true });
    await replayWal(file, s.path, [store]);
  }
  assertEquals(plainState(store), plainState(s.store));
});

Deno.test("Compactor replays list changes exactly once: the snapshot holds each list as the tail began", async () => {
  // List records are not idempotent (a push replayed twice is two pushes),
  // so this passes only if every list is in exactly one of the snapshot (as
  // it was when the tail began) and the tail's changes are all after it.
  await using temp = await tempDir();
  await using s = await setup(temp.path, { hooks: { sliceKeys: 2 } });
  const run = commandRunner(s);
  for (let i = 0; i < 300; i++) {
    await run(lists.rpush, "RPUSH", `l${i}`, "a", "b", "a", "c", String(i), "a", "d");
  }
  assert(s.compactor.start("test"));
  let rounds = 0;
  // Keys 0-299 are lists the walk has reached or not yet; 300-379 are made
  // during it. Each round pushes, pops, removes, inserts and trims, and
  // empties some lists (their keys go) and makes them again.
  for (let i = 0; s.compactor.running; i = (i + 37) % 380) {
    const key = `l${i}`;
    await run(lists.lpush, "LPUSH", key, `p${rounds}`, "a");
    await run(lists.rpop, "RPOP", key);
    await run(lists.lrem, "LREM", key, "1", "a");
    await run(lists.linsert, "LINSERT", key, "AFTER", "a", `i${rounds}`);
    await run(lists.ltrim, "LTRIM", key, "0", "5");
    await run(lists.rpush, "RPUSH", key, `r${rounds}`);
    if (rounds % 4 === 0) await run(lists.ltrim, "LTRIM", `l${(i + 11) % 380}`, "1", "0");
    if (rounds % 6 === 0) {
      await run(lists.lmove, "LMOVE", key, `l${(i + 3) % 380}`, "RIGHT", "LEFT");
    }
    // RENAME moves a list whole, logged as the move: a list nothing has
    // changed since the tail began, onto one the walk may not have reached.
    const untouched = `l${(i + 151) % 300}`;
    if (rounds % 5 === 0 && s.db.get(0).exists(untouched)) {
      await run(keys.rename, "RENAME", untouched, `l${(i + 7) % 380}`);
    }
    rounds++;
  }
  assert(rounds > 20, `only ${rounds} rounds of changes happened during the compaction`);
  assertEquals(s.compactor.lastOk, true, s.logs.join("\n"));
  const store = new MapStore();
  {
    using file = await Deno.open(s.path, { read: true, write: true });
    await replayWal(file, s.path, [store]);
  }
  assertEquals(plainState(store), plainState(s.store));
  assertEquals(store.bytes, s.store.bytes);
});

Deno.test("Compactor writes a large container over many slices, changed midway, exactly as it was held", async () => {
  await using temp = await tempDir();
  await using s = await setup(temp.path);
  const run = commandRunner(s);
  // Two lists of 40k elements of 100 bytes: 4 MB each, several slices each.
  const element = (i: number) => `${i}:`.padEnd(100, "x");
  for (const key of ["big1", "big2"]) {
    for (let at = 0; at < 40_000; at += 1000) {
      await run(
        lists.rpush,
        "RPUSH",
        key,
        ...Array.from({ length: 1000 }, (_, i) => element(at + i)),
      );
    }
  }
  assert(s.compactor.start("test"));
  let changes = 0;
  // Pops and pushes while the walk is inside one list or the other: the
  // snapshot must hold each list as it was held, the tail every change.
  while (s.compactor.running) {
    const key = changes % 2 === 0 ? "big1" : "big2";
    await run(lists.lpop, "LPOP", key);
    await run(lists.rpush, "RPUSH", key, `new${changes}`);
    changes++;
  }
  assert(changes > 3, `only ${changes} changes happened during the compaction`);
  console.log(`${changes} rounds of changes during the compaction; ${s.logs.at(-1)}`);
  const longest = /longest slice ([0-9.]+) ms/.exec(s.logs.join("\n"));
  assert(longest !== null && Number(longest[1]) < 100, s.logs.join("\n"));
  assertEquals(s.compactor.lastOk, true, s.logs.join("\n"));
  const store = new MapStore();
  {
    using file = await Deno.open(s.path, { read: true, write: true });
    await replayWal(file, s.path, [store]);
  }
  assertEquals(plainState(store), plainState(s.store));
});

Deno.test("Compactor: RENAME of a list the walk has not reached, onto one it has passed, replays", async () => {
  await using temp = await tempDir();
  // One key per slice, in insertion order (one map): "dst" is written first, "src" last.
  await using s = await setup(temp.path, { hooks: { sliceKeys: 1 } });
  const run = commandRunner(s);
  await run(lists.rpush, "RPUSH", "dst", "old");
  for (let i = 0; i < 50; i++) await run(lists.rpush, "RPUSH", `filler${i}`, "x");
  await run(lists.rpush, "RPUSH", "src", "a", "b", "c");
  assert(s.compactor.start("test"));
  await new Promise((resolve) => setTimeout(resolve, 10)); // past "dst", far from "src"
  assert(s.compactor.running, "the walk ended too soon for the test");
  await run(keys.rename, "RENAME", "src", "dst");
  await run(lists.rpush, "RPUSH", "dst", "d");
  await waitUntil("the compaction ends", () => !s.compactor.running);
  assertEquals(s.compactor.lastOk, true, s.logs.join("\n"));
  const store = new MapStore();
  {
    using file = await Deno.open(s.path, { read: true, write: true });
    await replayWal(file, s.path, [store]);
  }
  assertEquals(plainState(store).get("dst"), [{ list: ["a", "b", "c", "d"] }, 0]);
  assertEquals(plainState(store), plainState(s.store));
});

Deno.test("Compactor recovers a failed WAL by rewriting it from memory", async () => {
  await using temp = await tempDir();
  let failWrites = false;
  await using s = await setup(temp.path, {
    wrap: (file) => ({
      writeSync: (bytes: Uint8Array) => {
        if (failWrites) throw new Error("injected: no space left on device");
        return file.writeSync(bytes);
      },
      syncData: () => file.syncData(),
      close: () => file.close(),
    }),
  });
  await write(s.db, (db) => db.set("kept", "1"));
  failWrites = true;
  const error = await assertRejects(() => write(s.db, (db) => db.set("lost", "2")));
  assertStringIncludes(String(error), "injected: no space left on device");
  assertEquals(s.store.get("lost"), undefined, "rolled back");
  assert(s.wal.failure !== null);

  // The timer retries; it succeeds because the rewrite goes to a new file.
  await waitUntil("writes are accepted again", () => s.wal.failure === null);
  assert(s.logs.some((line) => line.includes("compaction started (recovery)")), s.logs.join("\n"));
  assert(s.logs.some((line) => line.includes("accepting writes again")), s.logs.join("\n"));
  await write(s.db, (db) => db.set("new", "3"));
  assertEquals(
    await replayed(s.path),
    new Map([["kept", ["1", 0]], ["new", ["3", 0]]]) as Map<string, [Value, number]>,
  );
});

Deno.test("Compactor fails the WAL when its file is removed, then writes it anew", async () => {
  await using temp = await tempDir();
  await using s = await setup(temp.path);
  await write(s.db, (db) => db.set("a", "1"));
  await Deno.remove(s.path);
  await waitUntil("the WAL notices", () => s.wal.failure !== null);
  assertStringIncludes(s.wal.failure!.message, "removed or replaced");
  await waitUntil("the WAL is back", () => s.wal.failure === null);
  await write(s.db, (db) => db.set("b", "2"));
  assertEquals(
    await replayed(s.path),
    new Map([["a", ["1", 0]], ["b", ["2", 0]]]) as Map<string, [Value, number]>,
  );
});

Deno.test("Compactor compacts by itself once the WAL passes the size and the ratio", async () => {
  await using temp = await tempDir();
  await using s = await setup(temp.path, { minBytes: 2000, ratio: 2 });
  for (let i = 0; i < 20; i++) await write(s.db, (db) => db.set(`k${i}`, "0123456789"));
  // 20 live keys: ~600 bytes of snapshot. Overwriting grows the WAL, not the data.
  assert(estimateSnapshotBytes([s.store]) < 1000, String(estimateSnapshotBytes([s.store])));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assertEquals(s.compactor.rewrites, 0, "below --compact-min-size");
  for (let round = 0; s.compactor.rewrites === 0 && round < 200; round++) {
    await write(s.db, (db) => db.set(`k${round % 20}`, `${round}`.padStart(10)));
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  assertEquals(s.compactor.rewrites, 1, s.logs.join("\n"));
  assertStringIncludes(s.logs[0], "compaction started (automatic)");
  assert(s.wal.size.bytes < 1000, String(s.wal.size.bytes));
  assertEquals(await replayed(s.path), stateOf(s.store));
});

Deno.test("Compactor stop gives up a compaction and removes its file", async () => {
  await using temp = await tempDir();
  const s = await setup(temp.path, { hooks: { pauseAt: "tail-joined" } });
  try {
    await write(s.db, (db) => db.set("a", "1"));
    assert(s.compactor.start("test"));
    await waitUntil("the hook pauses", () => s.logs.some((line) => line.includes("paused")));
    assert(await exists(`${s.path}.compact`));
    await write(s.db, (db) => db.set("b", "2"));
    assertEquals(await Deno.readTextFile(`${s.path}.compact`), "3SET1a11\n3SET1b12\n");
  } finally {
    await s.compactor.stop();
  }
  assertEquals(await exists(`${s.path}.compact`), false);
  assertEquals(s.compactor.lastOk, false);
  assertEquals(await Deno.readTextFile(s.path), "3SET1a11\n3SET1b12\n");
  await s.wal.close();
});

Deno.test("Compactor writes every database, and SWAPDB during it replays right", async () => {
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const stores = [new MapStore(), new MapStore(), new MapStore()];
  const file = await Deno.open(path, { read: true, write: true, create: true, append: true });
  const wal = new FileWal(file, path);
  const logs: string[] = [];
  const databases: Databases = new Databases(stores, wal, Date.now, null);
  const compactor = new Compactor(() => databases.stores(), wal, {
    log: { info: (line) => logs.push(line), warn: (line) => logs.push(`warning: ${line}`) },
    hooks: { sliceKeys: 2 },
    checkIntervalMs: 10,
  });
  try {
    const durable = async () => {
      databases.commit();
      const seq = databases.horizon();
      await databases.settled(seq);
      assertEquals(databases.rolledBack(seq), null);
    };
    for (let i = 0; i < 60; i++) {
      databases.get(i % 3).set(`k${i}`, `db${i % 3}:${i}`);
      await durable();
    }
    assert(compactor.start("test"));
    let swaps = 0;
    for (let i = 0; compactor.running; i++) {
      if (i % 4 === 0) {
        databases.swap(i % 3, (i + 1) % 3);
        swaps++;
      } else {
        databases.get(i % 3).set(`k${i % 70}`, `during${i}`);
      }
      await durable();
    }
    assert(swaps > 3, `only ${swaps} SWAPDBs happened during the compaction`);
    assertEquals(compactor.lastOk, true, logs.join("\n"));
    const replayedStores = [new MapStore(), new MapStore(), new MapStore()];
    {
      using again = await Deno.open(path, { read: true, write: true });
      await replayWal(again, path, replayedStores);
    }
    for (let i = 0; i < 3; i++) {
      assertEquals(stateOf(replayedStores[i]), stateOf(databases.get(i).store), `database ${i}`);
    }
  } finally {
    await compactor.stop();
    await wal.close();
  }
});
