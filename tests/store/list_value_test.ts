import { assert, assertEquals, assertThrows } from "@std/assert";
import { ListValue } from "../../src/store/list_value.ts";
import { evalWithGc } from "../helpers/eval_with_gc.ts";
import { prng } from "../helpers/prng.ts";

/** `bytes` as defined: each element's length plus 8. */
function expectedBytes(items: string[]): number {
  return items.reduce((sum, item) => sum + item.length + 8, 0);
}

/** Checks every observable part of `list` against the plain array `model`. */
function assertSame(list: ListValue, model: string[], step: string): void {
  assertEquals(list.length, model.length, `length after ${step}`);
  assertEquals(list.bytes, expectedBytes(model), `bytes after ${step}`);
  assertEquals([...list.values()], model, `values after ${step}`);
  assertEquals([...list.reverseValues()], [...model].reverse(), `reverseValues after ${step}`);
  if (model.length > 0) assertEquals(list.range(0, model.length - 1), model);
}

Deno.test("ListValue LPUSH a b c reads c b a, RPUSH keeps order", () => {
  const list = new ListValue();
  for (const item of ["a", "b", "c"]) list.pushHead(item);
  assertEquals(list.range(0, 2), ["c", "b", "a"]);
  assertEquals(list.pushTail("d"), 4);
  assertEquals([...list], ["c", "b", "a", "d"]);
  assertEquals(list.type, "list");
  assertEquals(list.size, 4);
});

Deno.test("ListValue at and set take negative indexes from the tail", () => {
  const list = new ListValue();
  for (const item of ["x", "y", "z"]) list.pushTail(item);
  assertEquals(list.at(0), "x");
  assertEquals(list.at(-1), "z");
  assertEquals(list.at(-3), "x");
  assertEquals(list.at(-4), undefined);
  assertEquals(list.at(3), undefined);
  assert(list.set(-1, "zz"));
  assertEquals(list.set(3, "no"), false);
  assertEquals(list.set(-4, "no"), false);
  assertEquals([...list], ["x", "y", "zz"]);
  assertEquals(list.bytes, 1 + 1 + 2 + 3 * 8);
});

Deno.test("ListValue pops from an empty list give undefined", () => {
  const list = new ListValue();
  assertEquals(list.popHead(), undefined);
  assertEquals(list.popTail(), undefined);
  assertEquals(list.removeAt(0), undefined);
  assertEquals(list.range(0, -1), []);
  assertEquals(list.bytes, 0);
});

Deno.test("ListValue removeMatching follows LREM's count", () => {
  const make = () => {
    const list = new ListValue();
    for (const item of ["a", "b", "a", "c", "a", "b", "a"]) list.pushTail(item);
    return list;
  };
  let list = make();
  assertEquals(list.removeMatching("a", 2), 2);
  assertEquals([...list], ["b", "c", "a", "b", "a"]);
  list = make();
  assertEquals(list.removeMatching("a", -2), 2);
  assertEquals([...list], ["a", "b", "a", "c", "b"]);
  list = make();
  assertEquals(list.removeMatching("a", 0), 4);
  assertEquals([...list], ["b", "c", "b"]);
  assertEquals(list.bytes, 3 * 9);
  assertEquals(list.removeMatching("zzz", 0), 0);
  assertEquals(list.removeMatching("b", -10), 2);
  assertEquals([...list], ["c"]);
});

Deno.test("ListValue insert and removeAt shift either side", () => {
  const list = new ListValue();
  for (const item of ["a", "b", "c", "d"]) list.pushTail(item);
  assertEquals(list.insert(0, true, "head"), 5);
  assertEquals(list.insert(-1, false, "tail"), 6);
  assertEquals(list.insert(2, false, "mid"), 7);
  assertEquals([...list], ["head", "a", "b", "mid", "c", "d", "tail"]);
  assertEquals(list.removeAt(1), "a");
  assertEquals(list.removeAt(-2), "d");
  assertEquals([...list], ["head", "b", "mid", "c", "tail"]);
  assertThrows(() => list.insert(5, true, "x"), RangeError, "Pivot index 5 is outside");
});

Deno.test("ListValue trim keeps a clamped range, start > stop empties", () => {
  const list = new ListValue();
  for (let i = 0; i < 20; i++) list.pushTail(String(i));
  list.trim(3, 5);
  assertEquals([...list], ["3", "4", "5"]);
  assertEquals(list.bytes, 3 * 9);
  list.trim(1, 0);
  assertEquals(list.length, 0);
  assertEquals(list.bytes, 0);
  assertThrows(() => list.range(0, 0), RangeError, "Range stop 0 is outside a list of length 0");
});

Deno.test("ListValue matches a plain array over thousands of random operations", () => {
  const random = prng(20_261_202);
  const int = (below: number) => Math.floor(random() * below);
  // Few distinct values, so LREM finds matches; some empty, some long.
  const pool = ["", "a", "bb", "ccc", "\x00\xff", "x".repeat(40)];
  const pick = () => pool[int(pool.length)];
  const list = new ListValue();
  const model: string[] = [];
  let longest = 0;
  let shortestAtPhaseEnd = Infinity;
  // Phases that favour growing, then shrinking, cross the wrap-around and both resizes.
  for (let phase = 0; phase < 12; phase++) {
    const growing = phase % 2 === 0;
    for (let step = 0; step < 1500; step++) {
      const op = growing && random() < 0.6 ? int(4) : int(13);
      const name = `phase ${phase} step ${step} op ${op}`;
      switch (op) {
        case 0:
        case 1: {
          if (!growing && random() < 0.7) break;
          const item = pick();
          assertEquals(list.pushHead(item), model.unshift(item), name);
          break;
        }
        case 2:
        case 3: {
          if (!growing && random() < 0.7) break;
          const item = pick();
          assertEquals(list.pushTail(item), model.push(item), name);
          break;
        }
        case 4:
          assertEquals(list.popHead(), model.shift(), name);
          break;
        case 5:
          assertEquals(list.popTail(), model.pop(), name);
          break;
        case 6: {
          const index = int(model.length * 2 + 3) - model.length - 1;
          assertEquals(list.at(index), model.at(index), name);
          break;
        }
        case 7: {
          const index = int(model.length * 2 + 3) - model.length - 1;
          const item = pick();
          const inside = index >= -model.length && index < model.length;
          assertEquals(list.set(index, item), inside, name);
          if (inside) model[index < 0 ? model.length + index : index] = item;
          break;
        }
        case 8: {
          if (model.length === 0) break;
          const pivot = int(model.length);
          const before = random() < 0.5;
          const item = pick();
          model.splice(before ? pivot : pivot + 1, 0, item);
          assertEquals(list.insert(pivot, before, item), model.length, name);
          break;
        }
        case 9: {
          const index = int(model.length + 2) - 1;
          const position = index < 0 ? model.length + index : index;
          const expected = position >= 0 && position < model.length
            ? model.splice(position, 1)[0]
            : undefined;
          assertEquals(list.removeAt(index), expected, name);
          break;
        }
        case 10: {
          const item = pick();
          const count = int(7) - 3;
          assertEquals(list.removeMatching(item, count), removeMatching(model, item, count), name);
          break;
        }
        case 11: {
          if (growing || random() < 0.7 || model.length === 0) break;
          const start = int(model.length);
          // From start - 1 (which empties the list) up to the last index.
          const stop = start - 1 + int(model.length - start + 1);
          list.trim(start, stop);
          model.splice(0, model.length, ...model.slice(start, stop + 1));
          break;
        }
        case 12: {
          if (model.length === 0) break;
          const start = int(model.length);
          const stop = Math.min(model.length - 1, start + int(10));
          assertEquals(list.range(start, stop), model.slice(start, stop + 1), name);
          break;
        }
      }
      if (step % 97 === 0) assertSame(list, model, name);
      longest = Math.max(longest, model.length);
    }
    assertSame(list, model, `phase ${phase}`);
    shortestAtPhaseEnd = Math.min(shortestAtPhaseEnd, model.length);
  }
  // The run has to have resized the ring many times for the comparison to mean much.
  assert(longest > 256, `the list grew only to ${longest}`);
  assert(shortestAtPhaseEnd < 8, `the list shrank only to ${shortestAtPhaseEnd}`);
});

/** LREM on a plain array, as the Redis docs define it. */
function removeMatching(model: string[], value: string, count: number): number {
  let removed = 0;
  const limit = count === 0 ? Infinity : Math.abs(count);
  if (count >= 0) {
    for (let i = 0; i < model.length && removed < limit;) {
      if (model[i] === value) {
        model.splice(i, 1);
        removed++;
      } else {
        i++;
      }
    }
  } else {
    for (let i = model.length - 1; i >= 0 && removed < limit; i--) {
      if (model[i] === value) {
        model.splice(i, 1);
        removed++;
      }
    }
  }
  return removed;
}

Deno.test("ListValue pushes and pops a million elements in a few seconds", () => {
  const n = 1_000_000;
  const list = new ListValue();
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    if (i % 2 === 0) list.pushTail("v");
    else list.pushHead("w");
  }
  assertEquals(list.length, n);
  assertEquals(list.bytes, n * 9);
  assertEquals(list.at(n / 2), "v");
  for (let i = 0; i < n; i++) {
    const item = i % 2 === 0 ? list.popHead() : list.popTail();
    assert(item !== undefined);
  }
  const elapsed = performance.now() - started;
  assertEquals(list.length, 0);
  assertEquals(list.bytes, 0);
  // A wide bound: it takes tens of milliseconds; an O(n) push or pop would take minutes.
  assert(elapsed < 5_000, `1M pushes and pops took ${elapsed.toFixed(0)} ms`);
});

Deno.test("ListValue drained of a million elements gives its ring back", async () => {
  // A child process, so it can collect garbage before each reading.
  const listValue = JSON.stringify(import.meta.resolve("../../src/store/list_value.ts"));
  const script = `
    import { ListValue } from ${listValue};
    const heap = () => { gc(); gc(); return Deno.memoryUsage().heapUsed; };
    const list = new ListValue();
    const empty = heap();
    for (let i = 0; i < 1_000_000; i++) list.pushTail("v");
    const full = heap();
    while (list.length > 0) list.popHead();
    const drained = heap();
    list.pushTail("still usable");
    console.log(JSON.stringify({ full: full - empty, drained: drained - empty, length: list.length }));
  `;
  const { full, drained, length } = await evalWithGc(script);
  assertEquals(length, 1);
  // A million slots are at least 4 MB (compressed pointers); an 8-slot ring is a few hundred bytes.
  assert(full > 4_000_000, `a full list grew the heap by only ${full} bytes`);
  assert(drained < 200_000, `a drained list still holds ${drained} bytes`);
});
