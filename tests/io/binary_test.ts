import { assert, assertEquals, assertStrictEquals } from "@std/assert";
import {
  binaryFromBytes,
  binaryFromText,
  bytesFromBinary,
  textFromBinary,
  writeBinary,
} from "../../src/io/binary.ts";
import { prng } from "../helpers/prng.ts";
import { evalWithGc } from "../helpers/eval_with_gc.ts";

/** Bytes 0..255 in order, then `repeat - 1` more copies. */
function allBytes(repeat = 1): Uint8Array {
  const bytes = new Uint8Array(256 * repeat);
  for (let i = 0; i < bytes.length; i++) bytes[i] = i % 256;
  return bytes;
}

/** The binary string a byte array should become, built the slow, obvious way. */
function expected(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return text;
}

Deno.test("binaryFromBytes gives one character per byte for all 256 byte values", () => {
  const bytes = allBytes();
  const binary = binaryFromBytes(bytes, 0, bytes.length);
  assertEquals(binary.length, 256);
  for (let i = 0; i < 256; i++) assertEquals(binary.charCodeAt(i), i);
  assertEquals(bytesFromBinary(binary), bytes);
});

Deno.test("binaryFromBytes round-trips each single byte, on the short path", () => {
  for (let byte = 0; byte < 256; byte++) {
    const bytes = new Uint8Array([0x41, byte, 0x42]);
    const binary = binaryFromBytes(bytes, 1, 2);
    assertEquals(binary, String.fromCharCode(byte));
    assertEquals(bytesFromBinary(binary), new Uint8Array([byte]));
  }
});

Deno.test("binaryFromBytes is exact at every length around its path boundaries", () => {
  // 64 and 8192 are where it changes method; 8-byte steps inside the short path.
  const source = allBytes(80); // 20,480 bytes
  const lengths = [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 255, 256, 8191, 8192, 8193, 16384, 16385];
  for (const length of lengths) {
    for (const start of [0, 3]) {
      const slice = source.subarray(start, start + length);
      const binary = binaryFromBytes(source, start, start + length);
      assertEquals(binary, expected(slice), `${length} bytes from ${start}`);
      assertEquals(bytesFromBinary(binary), slice, `${length} bytes from ${start}`);
    }
  }
});

Deno.test("binaryFromBytes and bytesFromBinary round-trip a value over 8192 bytes", () => {
  const bytes = new Uint8Array(100_003);
  let seed = 12345;
  for (let i = 0; i < bytes.length; i++) {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    bytes[i] = seed >>> 24;
  }
  const binary = binaryFromBytes(bytes, 0, bytes.length);
  assertEquals(binary.length, bytes.length);
  assertEquals(binary, expected(bytes));
  assertEquals(bytesFromBinary(binary), bytes);
});

Deno.test("writeBinary writes at an offset and returns the offset after", () => {
  const buffer = new Uint8Array(10).fill(0xee);
  assertEquals(writeBinary("ab\xff", buffer, 2), 5);
  assertEquals(
    buffer,
    new Uint8Array([0xee, 0xee, 0x61, 0x62, 0xff, 0xee, 0xee, 0xee, 0xee, 0xee]),
  );
  assertEquals(writeBinary("", buffer, 10), 10);
});

Deno.test("writeBinary takes the ASCII fast path for long text, exactly and in bounds", () => {
  let ascii = "";
  for (let i = 0; i < 5000; i++) ascii += String.fromCharCode(i % 128);
  const buffer = new Uint8Array(ascii.length + 20).fill(0xee);
  assertEquals(writeBinary(ascii, buffer, 10), 10 + ascii.length);
  assertEquals(buffer.subarray(10, 10 + ascii.length), new TextEncoder().encode(ascii));
  assertEquals(buffer.subarray(0, 10), new Uint8Array(10).fill(0xee));
  assertEquals(buffer.subarray(10 + ascii.length), new Uint8Array(10).fill(0xee));
});

Deno.test("writeBinary writes long non-ASCII binary byte for byte, in bounds", () => {
  // The fast path's UTF-8 encoder would widen these; they must stay one byte each.
  for (const text of [expected(allBytes(3)), "a".repeat(100) + "\xe9", "\x80" + "a".repeat(100)]) {
    const buffer = new Uint8Array(text.length + 8).fill(0xee);
    assertEquals(writeBinary(text, buffer, 4), 4 + text.length);
    assertEquals(buffer.subarray(4, 4 + text.length), bytesFromBinary(text));
    assertEquals(expected(buffer.subarray(4, 4 + text.length)), text);
    assertEquals(buffer.subarray(0, 4), new Uint8Array(4).fill(0xee));
    assertEquals(buffer.subarray(4 + text.length), new Uint8Array(4).fill(0xee));
  }
});

Deno.test("binaryFromText returns ASCII text itself", () => {
  const text = "hello world \x00\x7f";
  assertStrictEquals(binaryFromText(text), text);
  assertStrictEquals(binaryFromText(""), "");
});

Deno.test("binaryFromText gives the UTF-8 bytes of text", () => {
  assertEquals(binaryFromText("é"), "\xc3\xa9");
  assertEquals(binaryFromText("hé"), "h\xc3\xa9");
  assertEquals(binaryFromText("€"), "\xe2\x82\xac");
  assertEquals(binaryFromText("😀"), "\xf0\x9f\x98\x80");
  assertEquals(binaryFromText("\xff"), "\xc3\xbf", "U+00FF is two bytes in UTF-8");
  const text = "日本語 héllo €😀";
  assertEquals(bytesFromBinary(binaryFromText(text)), new TextEncoder().encode(text));
});

Deno.test("binaryFromText encodes a lone surrogate as U+FFFD", () => {
  assertEquals(binaryFromText("\ud800"), "\xef\xbf\xbd");
  assertEquals(binaryFromText("a\udc00b"), "a\xef\xbf\xbdb");
});

Deno.test("textFromBinary decodes UTF-8 and returns ASCII itself", () => {
  assertEquals(textFromBinary("h\xc3\xa9"), "hé");
  assertEquals(textFromBinary("\xf0\x9f\x98\x80"), "😀");
  const ascii = "plain ascii";
  assertStrictEquals(textFromBinary(ascii), ascii);
  for (const text of ["", "héllo", "日本語", "€😀", "a".repeat(10_000) + "é"]) {
    assertEquals(textFromBinary(binaryFromText(text)), text);
  }
});

Deno.test("textFromBinary turns invalid UTF-8 into U+FFFD", () => {
  assertEquals(textFromBinary("\xff"), "\ufffd");
  assertEquals(textFromBinary("a\xc3"), "a\ufffd");
  assertEquals(textFromBinary("\x80x"), "\ufffdx");
});

Deno.test("short binary strings come out flat: 19-byte ones hold under 100 heap bytes each", () => {
  // Joined from pieces with `+`, V8 keeps a 19-byte string as a tree of four
  // cons strings and two pieces, ~176 bytes; flat, it is ~40.
  const bytes = new TextEncoder().encode("member:000000123456".repeat(64));
  const count = 200_000;
  const kept: string[] = new Array(count);
  const before = Deno.memoryUsage().heapUsed;
  for (let i = 0; i < count; i++) {
    kept[i] = binaryFromBytes(bytes, (i % 60) * 19, (i % 60) * 19 + 19);
  }
  const perString = (Deno.memoryUsage().heapUsed - before) / count;
  assertEquals(kept[61], "member:000000123456");
  assert(perString < 100, `${perString.toFixed(0)} heap bytes per 19-byte string`);
});

// The thresholds in src/io/binary.ts: the short loops end at 64 bytes, base64
// starts at 192, long inputs go in 64 KiB pieces.
const PIECE = 64 * 1024;
const LENGTHS = [
  63,
  64,
  65,
  191,
  192,
  193,
  PIECE - 1,
  PIECE,
  PIECE + 1,
  2 * PIECE - 1,
  2 * PIECE,
  2 * PIECE + 1,
];

/** `length` random printable ASCII bytes. */
function asciiBytes(length: number, seed: number): Uint8Array {
  const random = prng(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = 0x20 + Math.floor(random() * 95);
  return bytes;
}

/** `length` random bytes of any value. */
function randomBytes(length: number, seed: number): Uint8Array {
  const random = prng(seed);
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
  return bytes;
}

/**
 * Checks `binary` has one character per byte of `bytes`, equal to it. Unlike
 * `assertEquals`, reports only the first difference: a diff of megabytes
 * would bury it.
 */
function assertBinaryOf(binary: string, bytes: Uint8Array, label: string): void {
  assertEquals(binary.length, bytes.length, `${label}: length`);
  for (let i = 0; i < bytes.length; i++) {
    if (binary.charCodeAt(i) !== bytes[i]) {
      throw new Error(
        `${label}: char ${i} is 0x${binary.charCodeAt(i).toString(16)}, expected 0x${
          bytes[i].toString(16)
        }`,
      );
    }
  }
}

/** Checks two byte arrays are equal, reporting the first difference. */
function assertSameBytes(actual: Uint8Array, expected: Uint8Array, label: string): void {
  assertEquals(actual.length, expected.length, `${label}: length`);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i]) {
      throw new Error(`${label}: byte ${i} is ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/**
 * Converts `bytes` both ways every way the module offers, also from an odd
 * offset in a larger buffer (so word-aligned reads start mid-word) and into
 * one at an offset, and checks each result exactly, including that a write
 * stays in its bounds. `want`, the binary string `bytes` should become, is
 * compared first when given: one native comparison instead of a loop.
 */
function assertRoundTrip(bytes: Uint8Array, label: string, want?: string): void {
  const check = (binary: string, how: string) => {
    if (binary !== want) assertBinaryOf(binary, bytes, `${label}, ${how}`);
  };
  const padded = new Uint8Array(bytes.length + 6).fill(0xee);
  padded.set(bytes, 3);
  const binary = binaryFromBytes(padded, 3, 3 + bytes.length);
  check(binary, "binaryFromBytes");
  check(binaryFromBytes(padded.subarray(1), 2, 2 + bytes.length), "from an odd view");
  assertSameBytes(bytesFromBinary(binary), bytes, `${label}, bytesFromBinary`);
  const buffer = new Uint8Array(bytes.length + 10).fill(0xee);
  assertEquals(writeBinary(binary, buffer, 5), 5 + bytes.length, `${label}, end offset`);
  assertSameBytes(buffer.subarray(5, 5 + bytes.length), bytes, `${label}, writeBinary`);
  assertSameBytes(buffer.subarray(0, 5), new Uint8Array(5).fill(0xee), `${label}, before`);
  assertSameBytes(
    buffer.subarray(5 + bytes.length),
    new Uint8Array(5).fill(0xee),
    `${label}, after`,
  );
}

Deno.test("binaryFromBytes and writeBinary round-trip ASCII, random and all-byte inputs at every threshold", () => {
  for (const length of LENGTHS) {
    assertRoundTrip(asciiBytes(length, length), `${length} ASCII bytes`);
    assertRoundTrip(randomBytes(length, length), `${length} random bytes`);
    const cycle = new Uint8Array(length);
    for (let i = 0; i < length; i++) cycle[i] = (i * 7 + 3) % 256;
    assertRoundTrip(cycle, `${length} bytes cycling through all values`);
  }
});

Deno.test("binaryFromBytes and writeBinary round-trip every byte value first, last and mid-piece in ASCII", () => {
  // ASCII around one other byte: at the start and the end it is seen when a
  // piece is sampled for ASCII, just past a piece boundary it is not, and the
  // piece that was taken for ASCII must still come out exact.
  for (const length of [65, 191, 192, PIECE, PIECE + 1, 2 * PIECE + 1]) {
    const filler = asciiBytes(length, 1000 + length);
    const fillerText = expected(filler);
    const positions = [0, length - 1, Math.min(PIECE, length - 1) >> 1];
    if (length > PIECE) positions.push(PIECE, PIECE - 1);
    for (const position of positions) {
      for (let byte = 0; byte < 256; byte++) {
        const bytes = filler.slice();
        bytes[position] = byte;
        const want = fillerText.slice(0, position) + String.fromCharCode(byte) +
          fillerText.slice(position + 1);
        assertRoundTrip(bytes, `byte ${byte} at ${position} of ${length}`, want);
      }
    }
  }
});

Deno.test("binaryFromBytes and writeBinary round-trip pieces that alternate between ASCII and not", () => {
  // Piece by piece: ASCII, random, then ASCII pieces each holding, where no
  // sample sees it, one valid UTF-8 sequence (which the decoder would turn
  // into fewer characters) or one invalid byte; then a short random tail.
  const hidden = [[0xc3, 0xa9], [0xe2, 0x82, 0xac], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbf, 0xbd], [
    0xff,
  ]];
  const parts = [asciiBytes(PIECE, 1), randomBytes(PIECE, 2)];
  hidden.forEach((sequence, i) => {
    const piece = asciiBytes(PIECE, 10 + i);
    piece.set(sequence, 12345);
    parts.push(piece);
  });
  const bytes = new Uint8Array(parts.length * PIECE + 100);
  parts.forEach((part, i) => bytes.set(part, i * PIECE));
  bytes.set(randomBytes(100, 5), parts.length * PIECE);
  assertRoundTrip(bytes, "alternating pieces");
  assertRoundTrip(bytes.subarray(7, bytes.length - 7), "alternating pieces, off their boundaries");
  for (let i = 0; i < hidden.length; i++) {
    const piece = parts[2 + i];
    assertRoundTrip(piece, `a piece hiding ${hidden[i]}`);
    assertRoundTrip(piece.subarray(0, 1000), `1000 bytes hiding ${hidden[i]}`);
  }
});

Deno.test("binaryFromBytes finds a lone non-ASCII byte near either end of a long range, at any alignment", () => {
  // A long range is first tested for ASCII whole, four bytes at a time with
  // unaligned bytes at either end: each place a byte can hide in that.
  const source = asciiBytes(PIECE + 40, 7);
  const sourceText = expected(source);
  for (let length = PIECE + 1; length <= PIECE + 16; length++) {
    for (let start = 0; start < 4; start++) {
      for (let k = 0; k < 16; k++) {
        for (const position of [start + k, start + length - 1 - k]) {
          const bytes = source.slice();
          bytes[position] = 0x80 + k;
          const binary = binaryFromBytes(bytes, start, start + length);
          const want = sourceText.slice(start, position) + String.fromCharCode(0x80 + k) +
            sourceText.slice(position + 1, start + length);
          if (binary !== want) {
            assertBinaryOf(
              binary,
              bytes.subarray(start, start + length),
              `${length} from ${start}`,
            );
          }
        }
      }
    }
  }
});

Deno.test("binaryFromBytes and writeBinary round-trip 64 MiB of random and of ASCII bytes", () => {
  const length = 64 * 1024 * 1024;
  const random = randomBytes(length, 64);
  const binary = binaryFromBytes(random, 0, length);
  assertBinaryOf(binary, random, "random");
  assertSameBytes(bytesFromBinary(binary), random, "random, bytesFromBinary");
  // ASCII but for its very last byte, so the whole range is not taken for ASCII.
  const ascii = asciiBytes(length, 65);
  assertBinaryOf(binaryFromBytes(ascii, 0, length), ascii, "ASCII");
  ascii[length - 1] = 0x80;
  const nearlyAscii = binaryFromBytes(ascii, 0, length);
  assertBinaryOf(nearlyAscii, ascii, "ASCII with a last byte of 0x80");
  assertSameBytes(bytesFromBinary(nearlyAscii), ascii, "ASCII with 0x80, bytesFromBinary");
});

Deno.test("writeBinary keeps the low byte of a character above 0xFF, as it always did", () => {
  // Not a binary string, so base64 refuses it; the byte loop takes over.
  for (const length of [10, 100, 300, PIECE + 300]) {
    const text = "a".repeat(length - 1) + "\u20ac";
    const bytes = bytesFromBinary(text);
    assertEquals(bytes.length, length);
    assertEquals(bytes[length - 1], 0xac);
    assertEquals(bytes[length - 2], 0x61);
  }
});

Deno.test("binaryFromBytes and writeBinary keep a long non-ASCII value at one byte per character", async () => {
  // In a child process with a garbage collector to call, so that the heap it
  // reports holds only the string: V8 keeps a string of codes 0-255 in one
  // byte per character only if whoever made it chose to. Writing it back must
  // not leave native memory behind either (what V8 reports as external).
  const script = `
    import { binaryFromBytes, writeBinary } from ${
    JSON.stringify(import.meta.resolve("../../src/io/binary.ts"))
  };
    const length = 32 * 1024 * 1024;
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = (i * 2654435761) >>> 24;
    const buffer = new Uint8Array(length);
    gc();
    const before = Deno.memoryUsage();
    const kept = binaryFromBytes(bytes, 0, length);
    gc();
    const made = Deno.memoryUsage();
    writeBinary(kept, buffer, 0);
    const written = Deno.memoryUsage();
    console.log(JSON.stringify({
      heap: (made.heapUsed - before.heapUsed) / length,
      external: (written.external - made.external) / length,
    }));
  `;
  const perChar = await evalWithGc(script);
  assert(
    perChar.heap > 0.9 && perChar.heap < 1.2,
    `the string takes ${perChar.heap} bytes a character`,
  );
  assert(
    perChar.external < 0.1,
    `writing it left ${perChar.external} bytes a character outside the heap`,
  );
});
