import { assertEquals } from "@std/assert";
import {
  type LexBound,
  type RangeOptions,
  type ScoreBound,
  SortedSet,
} from "../../src/store/sorted_set.ts";
import { prng } from "../helpers/prng.ts";

type Entry = [string, number];

/** Redis's order: by score, then by member bytes. */
function compare(a: Entry, b: Entry): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function inScore(score: number, min: ScoreBound, max: ScoreBound): boolean {
  const aboveMin = min.exclusive ? score > min.value : score >= min.value;
  const belowMax = max.exclusive ? score < max.value : score <= max.value;
  return aboveMin && belowMax;
}

function inLex(member: string, min: LexBound, max: LexBound): boolean {
  const aboveMin = "kind" in min
    ? min.kind === "-"
    : min.exclusive
    ? member > min.value
    : member >= min.value;
  const belowMax = "kind" in max
    ? max.kind === "+"
    : max.exclusive
    ? member < max.value
    : member <= max.value;
  return aboveMin && belowMax;
}

/** Applies `reverse`, `offset` and `limit` to a range already in ascending order. */
function window(range: Entry[], options: RangeOptions): Entry[] {
  const { reverse = false, offset = 0, limit = -1 } = options;
  const ordered = reverse ? range.slice().reverse() : range;
  const skipped = ordered.slice(offset);
  return limit >= 0 ? skipped.slice(0, limit) : skipped;
}

/**
 * The brute-force model: a map, sorted afresh for every query, so it is
 * obviously right and the skip list is checked against it.
 */
class Model {
  scores = new Map<string, number>();

  sorted(): Entry[] {
    return [...this.scores].sort(compare);
  }

  bytes(): number {
    let total = 0;
    for (const member of this.scores.keys()) total += member.length + 8;
    return total;
  }

  add(member: string, score: number): number | undefined {
    const previous = this.scores.get(member);
    this.scores.set(member, score === 0 ? 0 : score);
    return previous;
  }

  removeAll(entries: Entry[]): Entry[] {
    for (const [member] of entries) this.scores.delete(member);
    return entries;
  }
}

/** The error `fn` throws, as its class name and message, or "no error". */
function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (error: unknown) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return "no error";
}

/** Every observable view of `set` against the model: order, ranks both ways, `at`, scores. */
function assertSame(set: SortedSet, model: Model, context: string): void {
  const sorted = model.sorted();
  assertEquals(set.size, sorted.length, context);
  assertEquals(set.bytes, model.bytes(), context);
  assertEquals([...set.entries()], sorted, context);
  assertEquals([...set.members()], sorted.map(([member]) => member), context);
  const ranks = sorted.map(([member]) => set.rank(member));
  assertEquals(ranks, sorted.map((_, i) => i), context);
  const reverseRanks = sorted.map(([member]) => set.rank(member, true));
  assertEquals(reverseRanks, sorted.map((_, i) => sorted.length - 1 - i), context);
  assertEquals(sorted.map((_, i) => set.at(i)), sorted, context);
  assertEquals(
    sorted.map(([member]) => set.score(member)),
    sorted.map(([, score]) => score),
    context,
  );
}

type Config = {
  seed: number;
  ops: number;
  /** Members are strings of up to this many bytes from {NUL, "a", "b", 0xFF}. */
  memberLength: number;
  /** The set leans towards adding members while it has fewer than this. */
  grow: number;
  /** If set, every member gets this score, and lex ranges are checked too. */
  sameScore?: number;
};

const BYTES = ["\x00", "a", "b", "\xff"];
const SCORES = [-Infinity, -2.5, -1, -0, 0, 0, 1, 1, 2, 3, 7.25, 1e300, Infinity];

/**
 * Runs `ops` random operations on a SortedSet and the model side by side,
 * comparing every result, and the whole state every 20 operations.
 */
function differential(config: Config): void {
  const random = prng(config.seed);
  const int = (n: number) => Math.floor(random() * n);
  const pick = <T>(values: readonly T[]): T => values[int(values.length)];
  const member = () => {
    let text = "";
    for (let n = int(config.memberLength + 1); n > 0; n--) text += pick(BYTES);
    return text;
  };
  const score = () => config.sameScore ?? pick(SCORES);
  const scoreBound = (): ScoreBound => ({ value: pick(SCORES), exclusive: random() < 0.5 });
  const lexBound = (): LexBound => {
    const r = random();
    if (r < 0.1) return { kind: "-" };
    if (r < 0.2) return { kind: "+" };
    return { value: member(), exclusive: random() < 0.5 };
  };
  const options = (): RangeOptions => {
    const result: RangeOptions = {};
    if (random() < 0.5) result.reverse = random() < 0.5;
    if (random() < 0.5) result.offset = int(8);
    if (random() < 0.5) result.limit = int(10) - 2;
    return result;
  };

  const set = new SortedSet();
  const model = new Model();
  const seen = new Set<string>();
  for (let op = 0; op < config.ops; op++) {
    const size = model.scores.size;
    const context = `seed ${config.seed}, op ${op}`;
    // Mostly adds while the set is small, so it both grows and shrinks.
    const choice = size < config.grow && random() < 0.8 ? 0 : int(20);
    const sorted = model.sorted();
    let operation = "";
    switch (choice) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4: {
        const m = member();
        const s = score();
        operation = `add ${JSON.stringify(m)} ${s}`;
        assertEquals(set.add(m, s), model.add(m, s), context);
        break;
      }
      case 5: {
        const m = member();
        operation = `remove ${JSON.stringify(m)}`;
        assertEquals(set.remove(m), model.scores.delete(m), context);
        break;
      }
      case 6: {
        const m = member();
        const reverse = random() < 0.5;
        operation = `rank ${JSON.stringify(m)} ${reverse}`;
        const i = sorted.findIndex(([x]) => x === m);
        const expected = i < 0 ? undefined : reverse ? size - 1 - i : i;
        assertEquals(set.rank(m, reverse), expected, context);
        assertEquals(set.score(m), model.scores.get(m), context);
        break;
      }
      case 7: {
        const rank = int(size + 3) - 1;
        operation = `at ${rank}`;
        assertEquals(set.at(rank), sorted[rank], context);
        break;
      }
      case 8: {
        if (size === 0) break;
        const a = int(size);
        const b = int(size);
        const [start, stop] = a <= b ? [a, b] : [b, a];
        const reverse = random() < 0.5;
        operation = `range ${start} ${stop} ${reverse}`;
        const ordered = reverse ? sorted.slice().reverse() : sorted;
        assertEquals([...set.range(start, stop, reverse)], ordered.slice(start, stop + 1), context);
        break;
      }
      case 9:
      case 10: {
        const min = scoreBound();
        const max = scoreBound();
        const opts = options();
        operation = `rangeByScore ${JSON.stringify([min, max, opts])}`;
        const inRange = sorted.filter(([, s]) => inScore(s, min, max));
        assertEquals(set.countByScore(min, max), inRange.length, context);
        assertEquals([...set.rangeByScore(min, max, opts)], window(inRange, opts), context);
        break;
      }
      case 11: {
        const min = scoreBound();
        const max = scoreBound();
        operation = `removeRangeByScore ${JSON.stringify([min, max])}`;
        const inRange = sorted.filter(([, s]) => inScore(s, min, max));
        assertEquals(set.removeRangeByScore(min, max), model.removeAll(inRange), context);
        break;
      }
      case 12: {
        if (size === 0) break;
        const a = int(size);
        const b = Math.min(size - 1, a + int(4));
        operation = `removeRangeByRank ${a} ${b}`;
        assertEquals(set.removeRangeByRank(a, b), model.removeAll(sorted.slice(a, b + 1)), context);
        break;
      }
      case 13: {
        const count = int(4);
        operation = `popMin ${count}`;
        assertEquals(set.popMin(count), model.removeAll(sorted.slice(0, count)), context);
        break;
      }
      case 14: {
        const count = int(4);
        operation = `popMax ${count}`;
        const highest = sorted.slice().reverse().slice(0, count);
        assertEquals(set.popMax(count), model.removeAll(highest), context);
        break;
      }
      case 15:
      case 16:
      case 17: {
        if (config.sameScore === undefined) break;
        const min = lexBound();
        const max = lexBound();
        const opts = options();
        operation = `rangeByLex ${JSON.stringify([min, max, opts])}`;
        const inRange = sorted.filter(([m]) => inLex(m, min, max));
        assertEquals(set.countByLex(min, max), inRange.length, context);
        assertEquals([...set.rangeByLex(min, max, opts)], window(inRange, opts), context);
        break;
      }
      case 18: {
        if (config.sameScore === undefined) break;
        const min = lexBound();
        const max = lexBound();
        operation = `removeRangeByLex ${JSON.stringify([min, max])}`;
        const inRange = sorted.filter(([m]) => inLex(m, min, max));
        assertEquals(set.removeRangeByLex(min, max), model.removeAll(inRange), context);
        break;
      }
      default: {
        // A member moving a little or a lot: the in-place and the relink path of add.
        if (size === 0 || config.sameScore !== undefined) break;
        const [m, s] = pick(sorted);
        const next = random() < 0.5 ? s + (random() - 0.5) : score();
        operation = `move ${JSON.stringify(m)} ${next}`;
        assertEquals(set.add(m, next), model.add(m, next), context);
      }
    }
    if (operation !== "") seen.add(operation.split(" ")[0]);
    assertEquals(set.size, model.scores.size, `${context}: ${operation}`);
    assertEquals(set.bytes, model.bytes(), `${context}: ${operation}`);
    if (op % 20 === 0) assertSame(set, model, `${context}: ${operation}`);
  }
  assertSame(set, model, `seed ${config.seed}, end`);
  // The run really exercised every operation it is meant to.
  const expected = [
    "add",
    "remove",
    "rank",
    "at",
    "range",
    "rangeByScore",
    "removeRangeByScore",
    "removeRangeByRank",
    "popMin",
    "popMax",
    ...(config.sameScore === undefined ? ["move"] : ["rangeByLex", "removeRangeByLex"]),
  ];
  assertEquals([...seen].sort(), expected.sort());
}

Deno.test("SortedSet matches a brute-force model over mixed scores", () => {
  differential({ seed: 1, ops: 4000, memberLength: 3, grow: 20 });
  differential({ seed: 2, ops: 4000, memberLength: 5, grow: 400 });
});

Deno.test("SortedSet matches a brute-force model on lex ranges with equal scores", () => {
  differential({ seed: 3, ops: 4000, memberLength: 3, grow: 20, sameScore: 0 });
  differential({ seed: 4, ops: 3000, memberLength: 5, grow: 400, sameScore: -Infinity });
  differential({ seed: 5, ops: 3000, memberLength: 2, grow: 20, sameScore: 7.5 });
});

Deno.test("SortedSet orders equal scores by member bytes", () => {
  const set = new SortedSet();
  for (const member of ["b", "\xff", "a\x00", "", "a", "\x00", "B"]) set.add(member, 1);
  set.add("top", Infinity);
  set.add("bottom", -Infinity);
  assertEquals([...set.members()], ["bottom", "", "\x00", "B", "a", "a\x00", "b", "\xff", "top"]);
  assertEquals(set.rank("\xff"), 7);
  assertEquals(set.rank("bottom", true), 8);
});

Deno.test("SortedSet add returns the previous score and re-positions the member", () => {
  const set = new SortedSet();
  assertEquals(set.add("a", 1), undefined);
  assertEquals(set.add("b", 2), undefined);
  assertEquals(set.add("a", 3), 1);
  assertEquals([...set.entries()], [["b", 2], ["a", 3]]);
  assertEquals(set.add("a", 3), 3);
  assertEquals(set.add("a", 2.5), 3); // moves within its gap: updated in place
  assertEquals([...set.entries()], [["b", 2], ["a", 2.5]]);
  assertEquals(set.size, 2);
});

Deno.test("SortedSet keeps -0 as given, one score with 0", () => {
  const set = new SortedSet();
  set.add("z", -0);
  assertEquals(Object.is(set.score("z"), -0), true);
  assertEquals(Object.is([...set.entries()][0][1], -0), true);
  // Setting 0 over -0 is no change, as in Redis: the member keeps -0.
  assertEquals(Object.is(set.add("z", 0), -0), true);
  assertEquals(Object.is(set.score("z"), -0), true);
  set.add("y", 0);
  // One score: ties go by member, and a -0 bound includes both.
  assertEquals([...set.members()], ["y", "z"]);
  const zero = { value: -0, exclusive: false };
  assertEquals(set.countByScore(zero, zero), 2);
});

Deno.test("SortedSet bytes counts member lengths plus 8 each", () => {
  const set = new SortedSet();
  assertEquals(set.bytes, 0);
  set.add("ab", 1);
  set.add("", 2);
  assertEquals(set.bytes, 2 + 8 + 8);
  set.add("ab", 5); // an update adds nothing
  assertEquals(set.bytes, 18);
  set.remove("ab");
  assertEquals(set.bytes, 8);
  set.remove("missing");
  set.popMin(1);
  assertEquals(set.bytes, 0);
});

Deno.test("SortedSet popMax returns the highest first, popMin the lowest", () => {
  const set = new SortedSet();
  for (let i = 0; i < 5; i++) set.add(`m${i}`, i);
  assertEquals(set.popMax(2), [["m4", 4], ["m3", 3]]);
  assertEquals(set.popMin(2), [["m0", 0], ["m1", 1]]);
  assertEquals(set.popMax(10), [["m2", 2]]);
  assertEquals(set.popMin(1), []);
});

Deno.test("SortedSet refuses NaN scores and bad ranks, quoting the value", () => {
  const set = new SortedSet();
  set.add("a", 1);
  assertEquals(thrown(() => set.add("b", NaN)), "RangeError: Score must not be NaN; found NaN");
  assertEquals(set.size, 1);
  const nan = { value: NaN, exclusive: false };
  const inf = { value: Infinity, exclusive: false };
  assertEquals(
    thrown(() => set.countByScore(nan, inf)),
    "RangeError: Minimum score must not be NaN; found NaN",
  );
  assertEquals(
    thrown(() => set.range(0, 1)),
    "RangeError: Ranks must satisfy 0 <= start <= stop < size (1); found start 0, stop 1",
  );
  assertEquals(
    thrown(() => set.removeRangeByRank(1, 0)),
    "RangeError: Ranks must satisfy 0 <= start <= stop < size (1); found start 1, stop 0",
  );
  assertEquals(
    thrown(() => set.rangeByScore(inf, inf, { offset: -1 })),
    "RangeError: Offset must be a non-negative integer; found -1",
  );
  assertEquals(
    thrown(() => set.popMin(-1)),
    "RangeError: Count must be a non-negative integer; found -1",
  );
  assertEquals(set.at(1), undefined);
  assertEquals(set.at(-1), undefined);
  assertEquals(set.at(0), ["a", 1]);
});

Deno.test("SortedSet does 200k inserts and 200k rank queries in O(log n) each", () => {
  const n = 200_000;
  const random = prng(11);
  // Insert members in a shuffled order, member i scoring i / 2 so pairs tie on score.
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const name = (i: number) => `m${String(i).padStart(6, "0")}`;
  const started = performance.now();
  const set = new SortedSet();
  for (const i of order) set.add(name(i), Math.floor(i / 2));
  let wrong = 0;
  for (const i of order) if (set.rank(name(i)) !== i) wrong++;
  for (let k = 0; k < 1000; k++) {
    const i = Math.floor(random() * n);
    if (set.at(i)?.[0] !== name(i)) wrong++;
    // A deep offset, which the set skips by rank rather than by walking.
    const [first] = set.rangeByScore(
      { value: 0, exclusive: false },
      { value: n, exclusive: false },
      {
        offset: i,
        limit: 1,
      },
    );
    if (first?.[0] !== name(i)) wrong++;
  }
  const seconds = (performance.now() - started) / 1000;
  assertEquals(wrong, 0);
  assertEquals(set.size, n);
  console.log(`200k inserts, 200k ranks, 1k at + offset ranges: ${seconds.toFixed(2)} s`);
  assertEquals(seconds < 20, true, `took ${seconds.toFixed(2)} s`);
});
