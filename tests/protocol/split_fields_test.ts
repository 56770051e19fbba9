/**
 * `splitFields` against Go's `strings.Fields` on the same bytes. Go is not
 * installed here, so the expected fields are reasoned from Go's documented
 * rules (`unicode.IsSpace`: the White_Space property; `utf8.DecodeRuneInString`:
 * shortest form only, no surrogates, nothing past U+10FFFF, an invalid
 * sequence is RuneError of width 1) and checked against `goFields` below, a
 * model that decodes whole code points the way RFC 3629 defines them.
 */
import { assertEquals } from "@std/assert";
import { binaryFromText } from "../../src/io/binary.ts";
import { splitFields } from "../../src/protocol/split_fields.ts";
import { prng } from "../helpers/prng.ts";

/** The binary string of `text`'s UTF-8 bytes. */
const utf8 = binaryFromText;

/** Go's White_Space code points (its `unicode.White_Space` table). */
const WHITE_SPACE = new Set([
  0x09,
  0x0a,
  0x0b,
  0x0c,
  0x0d,
  0x20,
  0x85,
  0xa0,
  0x1680,
  ...Array.from({ length: 11 }, (_, i) => 0x2000 + i),
  0x2028,
  0x2029,
  0x202f,
  0x205f,
  0x3000,
]);

/**
 * The rune at `i` of binary string `s` and its width, as Go decodes it;
 * `-1` stands for RuneError. Decodes the code point from the bit pattern and
 * then rejects what RFC 3629 forbids, unlike `splitFields`, which matches
 * byte patterns: two routes to the same answer.
 */
function decodeRune(s: string, i: number): [rune: number, width: number] {
  const lead = s.charCodeAt(i);
  if (lead < 0x80) return [lead, 1];
  // The count of leading one bits; 0xf8 and up name no length UTF-8 allows.
  const length = lead < 0xc0 ? 0 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : lead < 0xf8 ? 4 : 0;
  if (length === 0) return [-1, 1];
  let rune = lead & (0x7f >> length);
  for (let k = 1; k < length; k++) {
    const next = s.charCodeAt(i + k);
    if (!(next >= 0x80 && next <= 0xbf)) return [-1, 1];
    rune = (rune << 6) | (next & 0x3f);
  }
  const shortest = [0, 0, 0x80, 0x800, 0x10000][length];
  if (rune < shortest || (rune >= 0xd800 && rune <= 0xdfff) || rune > 0x10ffff) return [-1, 1];
  return [rune, length];
}

/** Go's `strings.Fields` on binary string `s`, rune by rune. */
function goFields(s: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i < s.length;) {
    const [rune, width] = decodeRune(s, i);
    if (WHITE_SPACE.has(rune)) {
      if (start !== -1) fields.push(s.slice(start, i));
      start = -1;
    } else if (start === -1) {
      start = i;
    }
    i += width;
  }
  if (start !== -1) fields.push(s.slice(start));
  return fields;
}

/** Asserts `splitFields(line)` is `expected`, and that the model agrees. */
function assertFields(line: string, expected: string[]): void {
  const message = `splitFields(${JSON.stringify(line)})`;
  assertEquals(splitFields(line), expected, message);
  assertEquals(goFields(line), expected, `goFields(${JSON.stringify(line)})`);
}

Deno.test("splitFields splits on single spaces", () => {
  assertFields("SET hello world", ["SET", "hello", "world"]);
  assertFields("GET", ["GET"]);
});

Deno.test("splitFields treats runs of spaces and tabs as one separator", () => {
  assertFields("SET  \t hello\t\tworld", ["SET", "hello", "world"]);
});

Deno.test("splitFields ignores leading and trailing white space", () => {
  assertFields("  SET\thello   world ", ["SET", "hello", "world"]);
  assertFields("\tGET k\r", ["GET", "k"]);
});

Deno.test("splitFields of a blank line is empty", () => {
  assertFields("", []);
  assertFields("   ", []);
  assertFields(" \t\r\v\f\n ", []);
  assertFields(utf8("\u00a0 \u3000\u2028"), []);
});

Deno.test("splitFields splits on the ASCII controls Go counts as space", () => {
  assertFields("a\vb\fc\rd\ne", ["a", "b", "c", "d", "e"]);
  // Other controls are part of a field, as in Go.
  assertFields("a\x00b\x08c\x1fd\x7f", ["a\x00b\x08c\x1fd\x7f"]);
});

Deno.test("splitFields splits a single byte only if it is ASCII white space", () => {
  for (let byte = 0; byte < 256; byte++) {
    const line = `a${String.fromCharCode(byte)}b`;
    const space = byte === 0x20 || (byte >= 0x09 && byte <= 0x0d);
    assertFields(line, space ? ["a", "b"] : [line]);
  }
});

Deno.test("splitFields splits on each Unicode space encoded as UTF-8", () => {
  const spaces: [string, string][] = [
    ["\u0085", "\xc2\x85"],
    ["\u00a0", "\xc2\xa0"],
    ["\u1680", "\xe1\x9a\x80"],
    ...Array.from({ length: 11 }, (_, i): [string, string] => [
      String.fromCharCode(0x2000 + i),
      "\xe2\x80" + String.fromCharCode(0x80 + i),
    ]),
    ["\u2028", "\xe2\x80\xa8"],
    ["\u2029", "\xe2\x80\xa9"],
    ["\u202f", "\xe2\x80\xaf"],
    ["\u205f", "\xe2\x81\x9f"],
    ["\u3000", "\xe3\x80\x80"],
  ];
  for (const [space, bytes] of spaces) {
    assertEquals(utf8(space), bytes, "the test's own table");
    assertFields(`SET${bytes}k${bytes}${bytes}v${bytes}`, ["SET", "k", "v"]);
    assertFields(`${bytes}k`, ["k"]);
  }
});

Deno.test("splitFields never splits on a lone or invalid byte", () => {
  for (let byte = 0x80; byte < 0x100; byte++) {
    const b = String.fromCharCode(byte);
    assertFields(`SET k${b} v${b}${b}`, ["SET", `k${b}`, `v${b}${b}`]);
    assertFields(`${b}`, [b]);
  }
  // The Latin-1 spaces as single bytes are not UTF-8 for them.
  assertFields("a\x85b\xa0c", ["a\x85b\xa0c"]);
});

Deno.test("splitFields keeps cut-short space encodings inside fields", () => {
  assertFields("a\xc2", ["a\xc2"]);
  assertFields("a\xc2 b", ["a\xc2", "b"]);
  assertFields("a\xe2\x80", ["a\xe2\x80"]);
  assertFields("a\xe2\x80b", ["a\xe2\x80b"]);
  assertFields("a\xe2\x80 b", ["a\xe2\x80", "b"]);
  assertFields("a\xe1\x9a", ["a\xe1\x9a"]);
  assertFields("a\xe3\x80x\x80", ["a\xe3\x80x\x80"]);
  assertFields("\xe2\x81", ["\xe2\x81"]);
});

Deno.test("splitFields keeps overlong, surrogate and out-of-range forms inside fields", () => {
  const invalid = [
    "\xc0\xa0", // U+0020 in two bytes
    "\xc0\x89", // U+0009 in two bytes
    "\xc0\x8a", // U+000A in two bytes
    "\xc1\x85", // U+0045 in two bytes: C0 and C1 start only overlong forms
    "\xe0\x80\xa0", // U+0020 in three bytes
    "\xe0\x82\x85", // U+0085 in three bytes
    "\xe0\x82\xa0", // U+00A0 in three bytes
    "\xf0\x80\x80\xa0", // U+0020 in four bytes
    "\xf0\x82\x80\x80", // U+2000 in four bytes
    "\xf0\x83\x80\x80", // U+3000 in four bytes
    "\xed\xa0\x80", // U+D800, a surrogate
    "\xf4\x90\x80\x80", // U+110000
    "\xf5\x80\x80\x80",
    "\xf8\x88\x80\x80\x80",
  ];
  for (const bytes of invalid) assertFields(`a${bytes}b`, [`a${bytes}b`]);
});

Deno.test("splitFields finds a space right after an invalid byte", () => {
  // E2 wants a continuation byte; C2 is not one, so E2 is one invalid byte.
  assertFields("\xe2\xc2\xa0", ["\xe2"]);
  assertFields("a\xe2\xc2\xa0b", ["a\xe2", "b"]);
  assertFields("\xc2\xc2\x85x", ["\xc2", "x"]);
  assertFields("\xe2\x80\xe2\x80\x80x", ["\xe2\x80", "x"]);
  assertFields("\x80\xc2\x85\x80", ["\x80", "\x80"]);
  assertFields("\xe0\xc2\xa0\xed\xe3\x80\x80", ["\xe0", "\xed"]);
  assertFields("\xf0\x9f\x98\xe2\x80\x83z", ["\xf0\x9f\x98", "z"]);
});

Deno.test("splitFields keeps non-space Unicode inside fields", () => {
  // U+200B (zero width space), U+FEFF and U+180E are not White_Space in Go.
  assertFields(utf8("SET héllo wörld€😀"), ["SET", utf8("héllo"), utf8("wörld€😀")]);
  assertFields(utf8("a\u200bb \ufeffc"), [utf8("a\u200bb"), utf8("\ufeffc")]);
  assertFields(utf8("x\u180ey"), [utf8("x\u180ey")]);
  assertFields(utf8("日本語 テキスト"), [utf8("日本語"), utf8("テキスト")]);
  assertFields(utf8("\u0084x\u0086\u1681\u200b\u2027\u2030\u205e\u3001"), [
    utf8("\u0084x\u0086\u1681\u200b\u2027\u2030\u205e\u3001"),
  ]);
  // A space right after a four-byte rune.
  assertFields(utf8("😀\u3000z"), [utf8("😀"), "z"]);
});

/** Bytes that start, continue, break or end the sequences that matter. */
const ALPHABET = [
  0x20,
  0x09,
  0x61,
  0x80,
  0x81,
  0x85,
  0x8a,
  0x8b,
  0x9a,
  0x9f,
  0xa0,
  0xa8,
  0xaf,
  0xbf,
  0xc0,
  0xc2,
  0xe0,
  0xe1,
  0xe2,
  0xe3,
  0xed,
  0xf0,
  0xf4,
  0xff,
].map((byte) => String.fromCharCode(byte));

Deno.test("splitFields agrees with Go's rules on every 4-byte string of the alphabet", () => {
  const n = ALPHABET.length;
  for (let code = 0; code < n ** 4; code++) {
    const line = ALPHABET[code % n] + ALPHABET[Math.floor(code / n) % n] +
      ALPHABET[Math.floor(code / n ** 2) % n] + ALPHABET[Math.floor(code / n ** 3)];
    const fields = splitFields(line);
    const expected = goFields(line);
    if (fields.length !== expected.length || fields.some((f, i) => f !== expected[i])) {
      assertEquals(fields, expected, JSON.stringify(line));
    }
  }
});

Deno.test("splitFields agrees with Go's rules on random lines", () => {
  const random = prng(9);
  for (let round = 0; round < 20_000; round++) {
    let line = "";
    const length = Math.floor(random() * 24);
    for (let i = 0; i < length; i++) {
      // Half from the alphabet, half any byte at all.
      line += random() < 0.5
        ? ALPHABET[Math.floor(random() * ALPHABET.length)]
        : String.fromCharCode(Math.floor(random() * 256));
    }
    assertEquals(splitFields(line), goFields(line), JSON.stringify(line));
  }
});
