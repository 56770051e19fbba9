import { assertEquals, assertStrictEquals } from "@std/assert";
import {
  binaryFromBytes,
  binaryFromText,
  bytesFromBinary,
  flatBinaryFromBytes,
  textFromBinary,
  writeBinary,
} from "../../src/io/binary.ts";

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

Deno.test("flatBinaryFromBytes gives the same strings as binaryFromBytes", () => {
  const bytes = new Uint8Array(300);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 97 + 13) % 256;
  for (const [start, end] of [[0, 0], [0, 1], [3, 19], [0, 64], [5, 70], [0, 300]]) {
    assertEquals(flatBinaryFromBytes(bytes, start, end), binaryFromBytes(bytes, start, end));
  }
});
