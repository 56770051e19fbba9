import { assert, assertEquals } from "@std/assert";
import { binaryFromBytes, bytesFromBinary } from "../../src/io/binary.ts";
import {
  INCOMPLETE,
  MAX_ARRAY_LENGTH,
  PROTOCOL_ERROR,
  RespParser,
} from "../../src/protocol/resp_parser.ts";

const MAX_BULK = 512 * 1024 * 1024;

/** A request as RESP bytes: an array of bulk strings (binary strings). */
function frame(...fields: string[]): string {
  return `*${fields.length}\r\n` +
    fields.map((field) => `$${field.length}\r\n${field}\r\n`).join("");
}

/** Parses binary string `text` from `start`; returns the result and a copy of the fields. */
function parse(text: string, start = 0, parser = new RespParser({ maxBulkBytes: MAX_BULK })) {
  const bytes = bytesFromBinary(text);
  const end = parser.parse(bytes, start, bytes.length);
  return { end, fields: [...parser.fields], error: parser.error };
}

/** Asserts `text` is refused with exactly `Protocol error: <reason>`. */
function assertProtocolError(text: string, reason: string, maxBulkBytes = MAX_BULK): void {
  const parser = new RespParser({ maxBulkBytes });
  const result = parse(text, 0, parser);
  assertEquals(result.end, PROTOCOL_ERROR, JSON.stringify(text));
  assertEquals(result.error, `Protocol error: ${reason}`, JSON.stringify(text));
  assertEquals(result.fields, [], "no fields are left from a refused request");
}

Deno.test("RespParser parses a whole request and says where it ends", () => {
  const text = frame("SET", "key", "value");
  assertEquals(parse(text), { end: text.length, fields: ["SET", "key", "value"], error: "" });
  assertEquals(parse("*1\r\n$4\r\nPING\r\n").fields, ["PING"]);
});

Deno.test("RespParser keeps empty bulk strings", () => {
  const text = frame("SET", "", "");
  assertEquals(parse(text).fields, ["SET", "", ""]);
  assertEquals(parse(text).end, text.length);
});

Deno.test("RespParser says incomplete at every split point, then parses the whole", () => {
  const requests = [
    frame("SET", "key", "value"),
    frame("GET", "k"),
    frame("SET", "k", "x".repeat(300)),
    frame("PING"),
    frame("SET", "k", ""),
    "*0\r\n",
    "PING\r\n",
  ];
  for (const text of requests) {
    const bytes = bytesFromBinary(text);
    const parser = new RespParser({ maxBulkBytes: MAX_BULK });
    for (let k = 0; k < bytes.length; k++) {
      // A copy of the prefix, and the whole buffer with a short `end`: the
      // parser must not read past `end` either way.
      assertEquals(parser.parse(bytes.slice(0, k), 0, k), INCOMPLETE, `${k} of ${text}`);
      assertEquals(parser.fields, [], `no fields from ${k} bytes`);
      assertEquals(parser.parse(bytes, 0, k), INCOMPLETE, `end ${k} of ${text}`);
    }
    assertEquals(parser.parse(bytes, 0, bytes.length), bytes.length, text);
  }
});

Deno.test("RespParser fed one byte at a time yields each pipelined request once", () => {
  const requests = [
    ["SET", "a", "1"],
    ["GET", "a"],
    ["DEL", "a", "b", "c"],
    ["SET", "bin", "\r\n\x00\xff"],
    ["GET", "a"],
  ];
  const stream = bytesFromBinary(requests.map((fields) => frame(...fields)).join(""));
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const seen: string[][] = [];
  let start = 0;
  for (let end = 1; end <= stream.length; end++) {
    const result = parser.parse(stream, start, end);
    if (result === INCOMPLETE) continue;
    assert(result > start, `progress at ${end}`);
    seen.push([...parser.fields]);
    start = result;
  }
  assertEquals(start, stream.length);
  assertEquals(seen, requests);
});

Deno.test("RespParser parses pipelined requests from a start offset", () => {
  const first = frame("SET", "a", "1");
  const second = frame("GET", "a");
  const text = first + second + "*1\r\n$4\r\nPI";
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const bytes = bytesFromBinary(text);
  assertEquals(parser.parse(bytes, 0, bytes.length), first.length);
  assertEquals(parser.fields, ["SET", "a", "1"]);
  assertEquals(parser.parse(bytes, first.length, bytes.length), first.length + second.length);
  assertEquals(parser.fields, ["GET", "a"]);
  assertEquals(parser.parse(bytes, first.length + second.length, bytes.length), INCOMPLETE);
});

Deno.test("RespParser gives the same name string for a repeated command", () => {
  // Names are cached by length; a different name of the same length must not be confused.
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const bytes = bytesFromBinary(frame("GET", "a") + frame("SET", "a", "b") + frame("GET", "b"));
  let at = parser.parse(bytes, 0, bytes.length);
  assertEquals(parser.fields[0], "GET");
  at = parser.parse(bytes, at, bytes.length);
  assertEquals(parser.fields, ["SET", "a", "b"]);
  parser.parse(bytes, at, bytes.length);
  assertEquals(parser.fields, ["GET", "b"]);
  const long = "X".repeat(40);
  assertEquals(parse(frame(long)).fields, [long]);
});

Deno.test("RespParser carries binary payloads with CR, LF and NUL exactly", () => {
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  const values = ["\r\n", "a\r\nb", "\x00", "\r", "\n", "$3\r\n*1\r\n", all, all.repeat(40)];
  for (const value of values) {
    const text = frame("SET", value, value);
    assertEquals(parse(text), { end: text.length, fields: ["SET", value, value], error: "" });
  }
});

Deno.test("RespParser takes *0 as an empty request to skip", () => {
  assertEquals(parse("*0\r\n"), { end: 4, fields: [], error: "" });
  const text = "*0\r\n" + frame("PING");
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const bytes = bytesFromBinary(text);
  assertEquals(parser.parse(bytes, 0, bytes.length), 4);
  assertEquals(parser.parse(bytes, 4, bytes.length), bytes.length);
  assertEquals(parser.fields, ["PING"]);
});

Deno.test("RespParser parses inline commands split on spaces and tabs", () => {
  assertEquals(parse("PING\r\n"), { end: 6, fields: ["PING"], error: "" });
  assertEquals(parse("PING\n"), { end: 5, fields: ["PING"], error: "" });
  assertEquals(parse("SET k v\r\n").fields, ["SET", "k", "v"]);
  assertEquals(parse("  GET \t k  \r\n").fields, ["GET", "k"]);
  assertEquals(parse("GET k\r\n*1\r\n").end, 7);
  assertEquals(parse("SET k \xff\xfe\r\n").fields, ["SET", "k", "\xff\xfe"]);
});

Deno.test("RespParser takes a blank inline line as an empty request", () => {
  assertEquals(parse("\r\n"), { end: 2, fields: [], error: "" });
  assertEquals(parse("   \n"), { end: 4, fields: [], error: "" });
});

Deno.test("RespParser waits for the newline of an inline command", () => {
  assertEquals(parse("PING").end, INCOMPLETE);
  assertEquals(parse("SET k v\r").end, INCOMPLETE);
});

Deno.test("RespParser refuses an inline command over 64 KiB without a newline", () => {
  assertEquals(parse("x".repeat(64 * 1024)).end, INCOMPLETE);
  assertProtocolError("x".repeat(64 * 1024 + 1), "too big inline request");
});

Deno.test("RespParser accepts an array of 1048576 elements and refuses one more", () => {
  assertEquals(MAX_ARRAY_LENGTH, 1048576);
  assertEquals(parse("*1048576\r\n").end, INCOMPLETE);
  assertProtocolError("*1048577\r\n", "invalid multibulk length");
  assertProtocolError("*99999999999\r\n", "invalid multibulk length");
});

Deno.test("RespParser refuses negative or non-numeric array lengths", () => {
  for (const text of ["*-1\r\n", "*-5\r\n", "*abc\r\n", "*\r\n", "*1x\r\n", "*1\rx", "* 1\r\n"]) {
    assertProtocolError(text, "invalid multibulk length");
  }
  // Sixteen digits are refused before any allocation, even with no CRLF yet.
  assertProtocolError("*" + "1".repeat(16), "invalid multibulk length");
});

Deno.test("RespParser refuses negative or non-numeric bulk lengths", () => {
  for (const bulk of ["$-1\r\n", "$x\r\n", "$\r\n", "$3x\r\nabc\r\n", "$-0\r\n"]) {
    assertProtocolError("*1\r\n" + bulk, "invalid bulk length");
  }
  assertProtocolError("*1\r\n$" + "9".repeat(16), "invalid bulk length");
});

Deno.test("RespParser refuses a bulk longer than maxBulkBytes before it arrives", () => {
  assertEquals(parse("*1\r\n$10\r\n", 0, new RespParser({ maxBulkBytes: 10 })).end, INCOMPLETE);
  assertProtocolError("*1\r\n$11\r\n", "invalid bulk length", 10);
  assertProtocolError("*2\r\n$3\r\nGET\r\n$536870913\r\n", "invalid bulk length");
});

Deno.test("RespParser refuses an array element that is not a bulk string", () => {
  assertProtocolError("*1\r\nx", "expected '$', got 'x'");
  assertProtocolError("*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'");
  assertProtocolError("*1\r\n*1\r\n$1\r\na\r\n", "expected '$', got '*'");
});

Deno.test("RespParser takes the bulk's length on trust, as Redis does, not its CRLF", () => {
  // Redis skips the two bytes after a bulk without looking at them.
  assertEquals(parse("*1\r\n$4\r\nPINGxx").fields, ["PING"]);
});

Deno.test("RespParser clears the fields of the last request on every parse", () => {
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const bytes = bytesFromBinary(frame("GET", "k") + "*2\r\n$3\r\nGET\r\n");
  const end = parser.parse(bytes, 0, bytes.length);
  assertEquals(parser.fields, ["GET", "k"]);
  assertEquals(parser.parse(bytes, end, bytes.length), INCOMPLETE);
  assertEquals(parser.fields, []);
  assertEquals(binaryFromBytes(bytes, end, end + 1), "*");
});
