/**
 * A held container's snapshot is the container exactly as it was when the
 * hold began, however it changes while the records are drawn: random
 * changes before the walk reaches members, on members it has passed, and
 * after it is done; then the snapshot's records replayed into a fresh store,
 * followed by every change since the hold (the tail), give the live
 * container, members, order and all.
 *
 * The seeds are fixed; set `WALKV_HOLD_SEED` to try another.
 */
import { assert, assertEquals } from "@std/assert";
import { HashValue } from "../../src/store/hash_value.ts";
import { ListValue } from "../../src/store/list_value.ts";
import { MapStore } from "../../src/store/map_store.ts";
import { SetValue } from "../../src/store/set_value.ts";
import type { Container } from "../../src/store/value.ts";
import { ZSetValue } from "../../src/store/zset_value.ts";
import { applyRecord } from "../../src/wal/apply_record.ts";
import { holdContainer } from "../../src/wal/hold.ts";
import { decodeRecord, type RecordPieces, recordText } from "../../src/wal/record.ts";
import { prng } from "../helpers/prng.ts";

const SEEDS = Deno.env.get("WALKV_HOLD_SEED") !== undefined
  ? [Number(Deno.env.get("WALKV_HOLD_SEED"))]
  : [1, 2, 3, 4, 5, 6];
/** Members at the start: enough for dozens of snapshot records. */
const SIZE = 25_000;

type Random = () => number;

/** A name of 2 to ~120 bytes, so records end at uneven places (their size is capped in bytes). */
function name(prefix: string, i: number, random: Random): string {
  return `${prefix}${i}:`.padEnd(2 + Math.floor(random() * 120), "x");
}

/** One type under test: how to fill one, change one at random, and see all of it in order. */
interface Kind<C extends Container> {
  make(random: Random): C;
  /** A random change; the same function applied to a copy makes the same change. */
  change(random: Random, container: C): (container: C) => void;
  /** Every member in order (a list's elements; a hash's field/value pairs). */
  plain(container: C): unknown[];
  /** Whether the order is the container's own (hash, set), which snapshot + tail must keep. */
  ordered?: boolean;
}

const hash: Kind<HashValue> = {
  make(random) {
    const hash = new HashValue();
    for (let i = 0; i < SIZE; i++) hash.set(`f${i}`, name("v", i, random));
    return hash;
  },
  change(random, hash) {
    const field = `f${Math.floor(random() * SIZE * 1.2)}`;
    const value = name("w", Math.floor(random() * 1000), random);
    if (random() < 0.35 && hash.size > 1) return (h) => void h.delete(field);
    return (h) => void h.set(field, value);
  },
  plain: (hash) => [...hash.entries()],
  ordered: true,
};

const set: Kind<SetValue> = {
  make(random) {
    const set = new SetValue();
    for (let i = 0; i < SIZE; i++) set.add(name("m", i, random));
    return set;
  },
  change(random, set) {
    const present = set.randomMember()!;
    const other = name("m", Math.floor(random() * SIZE * 1.2), random);
    const roll = random();
    if (roll < 0.4 && set.size > 1) return (s) => void s.delete(present);
    if (roll < 0.6) {
      // Out and back in: it moves to the end of the order.
      return (s) => {
        s.delete(present);
        s.add(present);
      };
    }
    return (s) => void s.add(other);
  },
  plain: (set) => [...set.members()],
  ordered: true,
};

const zset: Kind<ZSetValue> = {
  make(random) {
    const zset = new ZSetValue();
    for (let i = 0; i < SIZE; i++) zset.add(name("m", i, random), Math.floor(random() * 50));
    return zset;
  },
  change(random, zset) {
    const member = zset.at(Math.floor(random() * zset.size))![0];
    const other = name("z", Math.floor(random() * 500), random);
    // Scores below and above the walk's cursor, and -0 (a tie with 0).
    const score = random() < 0.1 ? -0 : Math.floor(random() * 60) - 5;
    const roll = random();
    if (roll < 0.25) return (z) => void z.add(member, score);
    if (roll < 0.4) return (z) => void z.add(other, score);
    if (roll < 0.55) return (z) => void z.remove(member);
    if (roll < 0.65) return (z) => void z.popMin(Math.min(3, z.size - 1));
    if (roll < 0.75) return (z) => void z.popMax(Math.min(3, z.size - 1));
    if (roll < 0.85) {
      const at = Math.floor(random() * 50);
      return (z) =>
        void z.removeRangeByScore({ value: at, exclusive: false }, { value: at, exclusive: true });
    }
    return (z) => {
      const start = Math.floor(z.size / 2);
      if (z.size > 4) z.removeRangeByRank(start, start + 1);
    };
  },
  plain: (zset) => [...zset.entries()],
};

/** A list's changes: mostly at its ends; a few in the middle, which end the tracking. */
function listKind(middle: boolean): Kind<ListValue> {
  return {
    make(random) {
      const list = new ListValue();
      for (let i = 0; i < SIZE; i++) list.pushTail(name("e", i, random));
      return list;
    },
    change(random, list) {
      const element = name("n", Math.floor(random() * 1000), random);
      const n = 1 + Math.floor(random() * 4);
      const roll = random();
      if (roll < 0.2) return (l) => void l.pushHead(element);
      if (roll < 0.4) return (l) => void l.pushTail(element);
      if (roll < 0.55) return (l) => void l.popHead();
      if (roll < 0.7) return (l) => void l.popTail();
      if (roll < 0.8 && list.length > 2 * n) return (l) => l.trim(n, l.length - 1 - n);
      if (!middle || roll < 0.97) return (l) => void l.pushTail(element);
      const index = Math.floor(random() * list.length);
      const pick = Math.floor(random() * 4);
      const count = 1 - Math.floor(random() * 3);
      if (pick === 0) return (l) => void l.set(index, element);
      if (pick === 1) return (l) => void l.insert(index, true, element);
      if (pick === 2) return (l) => void l.removeMatching(l.at(index)!, count);
      return (l) => void l.removeAt(index);
    },
    plain: (list) => [...list.values()],
  };
}

/** Checks two long lists are equal, naming the first difference (a full diff is too big). */
function assertSameList(actual: unknown[], expected: unknown[], what: string): void {
  const n = Math.max(actual.length, expected.length);
  for (let i = 0; i < n; i++) {
    const [a, e] = [JSON.stringify(actual[i]), JSON.stringify(expected[i])];
    if (a !== e) {
      throw new Error(
        `${what}: at ${i} of ${actual.length} (expected ${expected.length}): ${a} != ${e}`,
      );
    }
  }
}

/**
 * A list used as a queue, fast: runs of pops off one end and pushes onto
 * the other, so the elements held run out during the walk and pops reach
 * the pushed ones from the other end.
 */
const queue: Kind<ListValue> = {
  make: (random) => listKind(false).make(random),
  change(random) {
    const n = Math.floor(random() * 1200);
    const elements = Array.from({ length: n }, (_, i) => name("q", i, random));
    const forward = random() < 0.7;
    return (l) => {
      for (let i = 0; i < n; i++) {
        if (l.length > 1) forward ? l.popHead() : l.popTail();
        forward ? l.pushTail(elements[i]) : l.pushHead(elements[i]);
      }
    };
  },
  plain: (list) => [...list.values()],
};

/** Replays snapshot records into a fresh store and returns what they leave under `key`. */
function replaySnapshot(records: RecordPieces[], key: string): Container {
  const store = new MapStore();
  for (const record of records) {
    const text = recordText(record);
    const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0));
    const decoded = decodeRecord(bytes, 0, true);
    if (decoded.kind !== "record") throw new Error(`${decoded.kind}: ${text.slice(0, 80)}`);
    applyRecord([store], decoded.record, Date.now());
  }
  const value = store.get(key);
  if (value === undefined || typeof value === "string") throw new Error(`${key} holds ${value}`);
  return value;
}

/**
 * Holds a container of `kind`, changes it between the snapshot's records
 * at random and after them, and checks snapshot + tail against it.
 */
function check<C extends Container>(kind: Kind<C>, seed: number): void {
  const random = prng(seed);
  const live = kind.make(random);
  const at = kind.plain(live);
  const tail: ((container: C) => void)[] = [];
  const changeLive = () => {
    const change = kind.change(random, live);
    change(live);
    tail.push(change);
  };
  const hold = holdContainer("k", live, 0);
  const records: RecordPieces[] = [];
  for (let next = hold.records.next(); !next.done; next = hold.records.next()) {
    records.push(next.value);
    for (let n = Math.floor(random() * 8); n > 0; n--) changeLive();
  }
  assert(records.length > 20, `only ${records.length} records`);
  assertEquals(live.held, null, "the hold ends with the last record");
  for (let n = 0; n < 50; n++) changeLive();
  const replayed = replaySnapshot(records, "k") as C;
  // A member out and back in since is written where it is now: the tail moves it there anyway.
  const sorted = (members: unknown[]) =>
    kind.ordered ? members.map((m) => JSON.stringify(m)).sort() : members;
  assertSameList(sorted(kind.plain(replayed)), sorted(at), `seed ${seed}: the snapshot`);
  for (const change of tail) change(replayed);
  assertSameList(kind.plain(replayed), kind.plain(live), `seed ${seed}: snapshot + tail`);
}

for (
  const [label, kind] of [
    ["a hash", hash],
    ["a set", set],
    ["a sorted set", zset],
    ["a list changed at its ends", listKind(false)],
    ["a list changed in its middle too", listKind(true)],
    ["a list used as a queue", queue],
  ] as const
) {
  Deno.test(`holdContainer: snapshot + tail replays ${label} exactly, changed while drawn`, () => {
    for (const seed of SEEDS) check(kind as Kind<Container>, seed);
  });
}

Deno.test("holdContainer: release ends the hold; a container not held notes nothing", () => {
  const hash = new HashValue();
  for (let i = 0; i < 3000; i++) hash.set(`f${i}`, "v");
  assertEquals(hash.held, null);
  const hold = holdContainer("h", hash, 0);
  hash.set("f1", "changed");
  assertEquals([...hash.held!], [["f1", "v"]]);
  hold.release();
  assertEquals(hash.held, null);
  hash.set("f2", "changed"); // noted nowhere
  const list = new ListValue();
  for (let i = 0; i < 3000; i++) list.pushTail(`e${i}`);
  const listHold = holdContainer("l", list, 0);
  listHold.release();
  list.popHead();
  assertEquals(list.held, null);
});

Deno.test("holdContainer: the expiry goes last, as it was when the hold began", () => {
  const set = new SetValue();
  for (let i = 0; i < 2000; i++) set.add(`m${i}`);
  const expiresAt = Date.now() + 60_000;
  const records = [...{ [Symbol.iterator]: () => holdContainer("s", set, expiresAt).records }];
  set.delete("m1"); // after the hold: the snapshot still has it
  const last = recordText(records.at(-1)!);
  const decoded = decodeRecord(Uint8Array.from(last, (c) => c.charCodeAt(0)), 0, true);
  assertEquals(decoded.kind === "record" && decoded.record, {
    op: "PEXPIREAT",
    key: "s",
    expiresAt,
  });
  assertEquals(replaySnapshot(records, "s").size, 2000);
});
