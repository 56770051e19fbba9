import { assertEquals } from "@std/assert";
import { binaryFromText } from "../../src/io/binary.ts";
import { djb2 } from "../../src/store/djb2.ts";
import { prng } from "../helpers/prng.ts";

/** The definition, over the UTF-8 bytes of `key`: h = 5381; h = (h * 33 + byte) mod 2^32. */
function reference(key: string): number {
  let h = 5381n;
  for (const byte of new TextEncoder().encode(key)) h = (h * 33n + BigInt(byte)) % 2n ** 32n;
  return Number(h);
}

Deno.test("djb2 of the empty string is the seed 5381", () => {
  assertEquals(djb2(""), 5381);
});

Deno.test("djb2 of a single ASCII byte", () => {
  // 5381 * 33 + 97 = 177573 + 97
  assertEquals(djb2("a"), 177670);
  // 177670 * 33 + 98 = 5863110 + 98
  assertEquals(djb2("ab"), 5863208);
});

Deno.test("djb2 of hello, step by step past 2^32", () => {
  // h: 5381 → 177677 (h) → 5863442 (e) → 193493694 (l)
  //    → 6385292010 mod 2^32 = 2090324714 (l)
  //    → 68980715673 mod 2^32 = 261238937 (o)
  assertEquals(djb2("h"), 177677);
  assertEquals(djb2("he"), 5863442);
  assertEquals(djb2("hel"), 193493694);
  assertEquals(djb2("hell"), 2090324714);
  assertEquals(djb2("hello"), 261238937);
});

Deno.test("djb2 hashes a 2-byte UTF-8 character by its bytes", () => {
  // "é" is C3 A9: 5381 * 33 + 195 = 177768; 177768 * 33 + 169 = 5866513.
  assertEquals(djb2(binaryFromText("é")), 5866513);
  assertEquals(djb2("\xc3\xa9"), 5866513);
});

Deno.test("djb2 hashes a binary string by its character codes, one byte each", () => {
  // A lone 0xE9 is not valid UTF-8, but as a binary string it is one byte.
  assertEquals(djb2("\xe9"), (5381 * 33 + 0xe9) >>> 0);
  assertEquals(djb2("\x00"), 5381 * 33);
  assertEquals(djb2("\xff\xff"), ((5381 * 33 + 0xff) * 33 + 0xff) >>> 0);
});

Deno.test("djb2 hashes a 3-byte UTF-8 character by its bytes", () => {
  // "€" is E2 82 AC: 177799 → 5867497 → 193627573.
  assertEquals(djb2(binaryFromText("€")), 193627573);
});

Deno.test("djb2 hashes a surrogate pair as one 4-byte UTF-8 character", () => {
  // "😀" (U+1F600) is F0 9F 98 80: 177813 → 5867988 → 193643756 → 2095276780.
  assertEquals("😀".length, 2);
  assertEquals(djb2(binaryFromText("😀")), 2095276780);
});

Deno.test("djb2 of a key given as text with a lone surrogate hashes U+FFFD", () => {
  // binaryFromText encodes a lone surrogate as U+FFFD, EF BF BD:
  // 177812 → 5867985 → 193643760.
  assertEquals(djb2(binaryFromText("\ufffd")), 193643760);
  assertEquals(djb2(binaryFromText("\ud800")), 193643760);
  assertEquals(djb2(binaryFromText("\udc00")), 193643760);
  assertEquals(djb2(binaryFromText("\ud83dx")), reference("\ufffdx"));
});

Deno.test("djb2 wraps to 32 bits on a long key", () => {
  const key = "the quick brown fox jumps over the lazy dog";
  assertEquals(djb2(key), 2012963070);
  const long = "x".repeat(10_000) + "é€😀";
  const h = djb2(binaryFromText(long));
  assertEquals(h, reference(long));
  assertEquals(h >>> 0, h);
});

Deno.test("djb2 equals the byte-wise definition for random strings", () => {
  const random = prng(0xdb2);
  // Code points from every UTF-8 length class, plus ASCII controls.
  const pools: [number, number][] = [
    [0x00, 0x7f],
    [0x80, 0x7ff],
    [0x800, 0xd7ff],
    [0xe000, 0xffff],
    [0x10000, 0x10ffff],
  ];
  for (let n = 0; n < 400; n++) {
    const length = Math.floor(random() * 40);
    let key = "";
    for (let i = 0; i < length; i++) {
      const [low, high] = pools[Math.floor(random() * pools.length)];
      key += String.fromCodePoint(low + Math.floor(random() * (high - low + 1)));
    }
    assertEquals(djb2(binaryFromText(key)), reference(key), `key ${JSON.stringify(key)}`);
  }
});
