import { assertEquals } from "@std/assert";
import { scoreText, ZSetValue } from "../../src/store/zset_value.ts";

Deno.test("ZSetValue is compact while Redis would keep a listpack, and writes -0 as 0 there", () => {
  const small = new ZSetValue();
  for (let i = 0; i < 128; i++) small.add(`m${i}`, i);
  assertEquals(small.compact, true);
  small.add("m0", 5); // a new score for a member is no growth
  small.add("x".repeat(64), -0);
  assertEquals(small.compact, false, "a 129th member leaves the listpack");
  // The member that made the set leave keeps -0, as Redis inserts it into the new skip list.
  assertEquals(Object.is(small.score("x".repeat(64)), -0), true);
  small.remove("x".repeat(64));
  assertEquals(small.compact, false, "and it never goes back");
  const listpack = new ZSetValue();
  listpack.add("a", -0);
  assertEquals(Object.is(listpack.score("a"), 0), true);
  listpack.add("y".repeat(65), -0);
  assertEquals(listpack.compact, false, "a member past 64 bytes leaves it too");
  assertEquals(Object.is(listpack.score("y".repeat(65)), -0), true);
  listpack.add("b", -0);
  assertEquals(Object.is(listpack.score("b"), -0), true);
});

Deno.test("ZSetValue restore keeps -0 as a record gave it, even while compact", () => {
  const zset = new ZSetValue();
  zset.restore("a", -0);
  assertEquals(zset.compact, true);
  assertEquals(Object.is(zset.score("a"), -0), true);
});

Deno.test("ZSetValue randomElement picks members at random ranks, all of them in time", () => {
  const zset = new ZSetValue();
  assertEquals(zset.randomElement(), undefined);
  for (let i = 0; i < 10; i++) zset.add(`m${i}`, i);
  const seen = new Set<string>();
  for (let k = 0; k < 1000; k++) {
    const [member, score] = zset.randomElement() as [string, number];
    assertEquals(zset.score(member), score);
    seen.add(member);
  }
  assertEquals(seen.size, 10);
});

Deno.test("scoreText writes scores that Number reads back as the same double", () => {
  for (const score of [0, -0, 0.1, 1.1, -2.5, 1e20, 5e-324, Infinity, -Infinity, 2 ** 53 + 2]) {
    const text = scoreText(score);
    assertEquals(Object.is(Number(text), score), true, text);
  }
  assertEquals(scoreText(-0), "-0");
  assertEquals(scoreText(-Infinity), "-Infinity");
});
