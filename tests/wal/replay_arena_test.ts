import { assertEquals } from "@std/assert";
import { ArenaStore } from "../../src/store/arena_store.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Store } from "../../src/store/store.ts";
import type { Value } from "../../src/store/value.ts";
import { bytesFromBinary } from "../../src/io/binary.ts";
import {
  type ContainerOp,
  encodeContainerOp,
  encodeDel,
  encodeExpireAt,
  encodeFlushAll,
  encodeFlushDb,
  encodeInDb,
  encodeMulti,
  encodeSet,
  encodeSwapDb,
  type RecordPieces,
  recordText,
  sealRecord,
} from "../../src/wal/record.ts";
import { replayWal } from "../../src/wal/replay.ts";
import { prng } from "../helpers/prng.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const DATABASES = 3;

/** A random key from a small pool (so records collide), binary and digit-led ones included. */
function randomKey(random: () => number): string {
  const pool = ["", "k", "1k", "key\n", "\x00\xff", "42", "a b", "1234567890x"];
  if (random() < 0.6) return pool[Math.floor(random() * pool.length)];
  return `key:${Math.floor(random() * 200)}`;
}

/** A value of 0 to 100 bytes (an arena here is 256: past 32 it lives beside it), any bytes. */
function randomValue(random: () => number): string {
  const length = random() < 0.7 ? Math.floor(random() * 20) : Math.floor(random() * 100);
  let value = "";
  for (let i = 0; i < length; i++) value += String.fromCharCode(Math.floor(random() * 256));
  return value;
}

/** One random record of any kind the WAL holds; `depth` bounds MULTI and DB nesting. */
function randomRecord(random: () => number, now: number, depth = 0): RecordPieces {
  const roll = random();
  const key = randomKey(random);
  const expiry = () => random() < 0.5 ? 0 : now + (random() < 0.2 ? -1000 : 60_000);
  if (roll < 0.35) return encodeSet(key, randomValue(random), random() < 0.3 ? expiry() : 0);
  if (roll < 0.45) return encodeDel(key);
  if (roll < 0.5) return encodeExpireAt(key, expiry());
  if (roll < 0.51) return encodeFlushAll();
  if (roll < 0.52) return encodeFlushDb();
  if (roll < 0.54) {
    return encodeSwapDb(Math.floor(random() * DATABASES), Math.floor(random() * DATABASES));
  }
  if (roll < 0.6 && depth === 0) {
    return encodeInDb(Math.floor(random() * DATABASES), randomRecord(random, now, 1));
  }
  if (roll < 0.66 && depth === 0) {
    const count = 1 + Math.floor(random() * 4);
    return encodeMulti(Array.from({ length: count }, () => randomRecord(random, now, 1)));
  }
  const ops: [ContainerOp, () => string[]][] = [
    ["HSET", () => [randomKey(random), randomValue(random)]],
    ["HDEL", () => [randomKey(random)]],
    ["SADD", () => [randomValue(random)]],
    ["SREM", () => [randomValue(random)]],
    ["RPUSH", () => [randomValue(random), randomValue(random)]],
    ["LPUSH", () => [randomValue(random)]],
    ["LPOP", () => ["1"]],
    ["ZADD", () => [String(Math.floor(random() * 100)), randomKey(random)]],
    ["ZREM", () => [randomKey(random)]],
    ["RENAME", () => [randomKey(random)]],
  ];
  const [op, args] = ops[Math.floor(random() * ops.length)];
  return encodeContainerOp(op, `c:${key}`, args());
}

/** Every entry of every database, sorted by key within each. */
function contents(stores: Store[]): [string, Value, number][][] {
  return stores.map((store) => [...store.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

async function replayInto(path: string, stores: Store[]): Promise<number> {
  using file = await Deno.open(path, { read: true, write: true });
  return (await replayWal(file, path, stores)).records;
}

for (const seed of [1, 2, 3, 4]) {
  Deno.test(`replayWal into ArenaStores equals replay into MapStores for every record kind (seed ${seed})`, async () => {
    await using temp = await tempDir();
    const path = `${temp.path}/wal`;
    const random = prng(seed);
    const now = Date.now();
    let text = "";
    for (let i = 0; i < 3000; i++) {
      const record = randomRecord(random, now);
      text += recordText(random() < 0.8 ? sealRecord(record) : record);
    }
    await Deno.writeFile(path, bytesFromBinary(text));
    const maps: Store[] = Array.from({ length: DATABASES }, () => new MapStore());
    const arenas: Store[] = Array.from(
      { length: DATABASES },
      () => new ArenaStore(2, Date.now, { arenaSize: 256 }),
    );
    const records = await replayInto(path, maps);
    assertEquals(await replayInto(path, arenas), records);
    assertEquals(contents(arenas), contents(maps));
    assertEquals(arenas.map((s) => s.bytes), maps.map((s) => s.bytes));
    assertEquals(arenas.map((s) => s.size), maps.map((s) => s.size));
  });
}
