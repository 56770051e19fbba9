import { assert, assertEquals } from "@std/assert";
import { binaryFromBytes, bytesFromBinary } from "../../src/io/binary.ts";
import { prng } from "../helpers/prng.ts";
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

Deno.test("RespParser accepts an array of 2^31-1 elements and refuses one more", () => {
  assertEquals(MAX_ARRAY_LENGTH, 2147483647);
  assertEquals(parse("*2147483647\r\n").end, INCOMPLETE);
  assertProtocolError("*2147483648\r\n", "invalid multibulk length");
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

/** What {@linkcode feed} saw: each non-empty request's fields, then the error, if any. */
interface Fed {
  requests: string[][];
  error: string;
  /** Parse calls made. */
  calls: number;
  /** Bytes the parser read, counted as {@linkcode countingView} does. */
  examined: number;
}

/** How {@linkcode feed} hands the stream over. */
interface FeedOptions {
  /** The size of the next read. */
  piece: () => number;
  /** Draws the junk around the pending bytes and where a grown buffer puts them. */
  random: () => number;
  /** Count the bytes the parser reads (slow: every read goes through a Proxy). */
  count?: boolean;
  /** Called after every parse call, with what was fed so far. */
  afterParse?: (fed: Fed, bytesFed: number) => void;
}

/** Bytes a parser reading out of bounds would trip on. */
const JUNK = bytesFromBinary("*$\r\n0123456789x ");

/** A buffer of `length` junk bytes, from a random point of the pattern. */
function junk(length: number, random: () => number): Uint8Array {
  const bytes = new Uint8Array(length);
  const shift = Math.floor(random() * JUNK.length);
  for (let i = 0; i < length; i++) bytes[i] = JUNK[(i + shift) % JUNK.length];
  return bytes;
}

/**
 * A view of `bytes` that counts the bytes read through it: one per index,
 * and the length of every `subarray` taken (the inline newline search).
 */
function countingView(bytes: Uint8Array, counter: { examined: number }): Uint8Array {
  return new Proxy(bytes, {
    get(target, key) {
      if (typeof key === "string" && key.length > 0 && key.charCodeAt(0) <= 0x39) {
        counter.examined++;
        return target[Number(key)];
      }
      if (key === "subarray") {
        return (from: number, to: number) => {
          counter.examined += Math.max(0, to - from);
          return target.subarray(from, to);
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/**
 * Feeds `stream` to `parser` read by read, keeping the pending bytes as the
 * RESP session does: a read lands after them; when they fill the buffer they
 * are copied to its front, or, if already there, into a buffer twice as
 * large (here at a random offset). So `start` moves between the calls for
 * one request, and the bytes outside `[start, end)` are junk.
 */
function feed(stream: Uint8Array, parser: RespParser, options: FeedOptions): Fed {
  const fed: Fed = { requests: [], error: "", calls: 0, examined: 0 };
  let buffer = junk(8, options.random);
  let start = 0;
  let end = 0;
  let sent = 0;
  while (sent < stream.length) {
    if (start === end) {
      start = end = 0;
    } else if (end === buffer.length) {
      if (start > 0) {
        buffer.copyWithin(0, start, end);
        end -= start;
        start = 0;
      } else {
        const shift = Math.floor(options.random() * 4);
        const larger = junk(buffer.length * 2 + shift, options.random);
        larger.set(buffer.subarray(start, end), shift);
        buffer = larger;
        start = shift;
        end += shift;
      }
    }
    const read = Math.min(options.piece(), buffer.length - end, stream.length - sent);
    buffer.set(stream.subarray(sent, sent + read), end);
    end += read;
    sent += read;
    while (start < end) {
      const view = options.count ? countingView(buffer, fed) : buffer;
      const next = parser.parse(view, start, end);
      fed.calls++;
      options.afterParse?.(fed, sent);
      if (next === INCOMPLETE) break;
      if (next === PROTOCOL_ERROR) {
        fed.error = parser.error;
        return fed;
      }
      assert(next > start && next <= end, `parse returned ${next} for [${start}, ${end})`);
      if (parser.fields.length > 0) fed.requests.push([...parser.fields]);
      start = next;
    }
  }
  return fed;
}

/** Parses `stream` from one buffer holding all of it. */
function parseWhole(stream: Uint8Array): { requests: string[][]; error: string } {
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const requests: string[][] = [];
  let start = 0;
  while (start < stream.length) {
    const next = parser.parse(stream, start, stream.length);
    if (next === PROTOCOL_ERROR) return { requests, error: parser.error };
    if (next === INCOMPLETE) break;
    if (parser.fields.length > 0) requests.push([...parser.fields]);
    start = next;
  }
  return { requests, error: "" };
}

/** A pipeline with every shape of request: many bulks, empty, binary, long, inline. */
function mixedPipeline(): string {
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  return [
    frame("SET", "key", "value"),
    frame("GET", "key"),
    "*0\r\n",
    frame("SET", "", ""),
    frame("MSET", ...Array.from({ length: 40 }, (_, i) => `k${i}`)),
    frame("SET", "bin", "\r\n$3\r\n*1\r\n\x00"),
    "PING\r\n",
    "  ECHO \t two  \r\n",
    "\r\n",
    frame("ECHO", all.repeat(5)),
    frame("X".repeat(40), "long name"),
    frame("SET", "k", "v".repeat(12345)),
    "SET a b\n",
    frame("PING"),
  ].join("");
}

Deno.test("RespParser fed one byte at a time, its pending bytes moved, gives one call's fields", () => {
  const stream = bytesFromBinary(mixedPipeline());
  const whole = parseWhole(stream);
  assertEquals(whole.requests.length, 12);
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const fed = feed(stream, parser, { piece: () => 1, random: prng(1) });
  assertEquals(fed.requests, whole.requests);
  assertEquals(fed.error, "");
});

Deno.test("RespParser fed in random splits, its pending bytes moved, gives one call's fields", () => {
  const stream = bytesFromBinary(mixedPipeline());
  const whole = parseWhole(stream);
  for (let seed = 1; seed <= 200; seed++) {
    const random = prng(seed);
    // Mostly short reads, now and then a long one.
    const piece = () =>
      random() < 0.9 ? 1 + Math.floor(random() * 16) : Math.floor(random() * 5000);
    const parser = new RespParser({ maxBulkBytes: MAX_BULK });
    const fed = feed(stream, parser, { piece, random });
    assertEquals(fed.requests, whole.requests, `seed ${seed}`);
    assertEquals(fed.error, "", `seed ${seed}`);
  }
});

Deno.test("RespParser fed a broken request in pieces refuses it as one call does", () => {
  const good = frame("SET", "a", "1") + "PING\r\n";
  const broken: [string, string][] = [
    ["*2\r\n$3\r\nGET\r\n:1\r\n", "expected '$', got ':'"],
    ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-0\r\n", "invalid bulk length"],
    ["*2\r\n$3\r\nGET\r\n$536870913\r\n", "invalid bulk length"],
    ["*2\r\n$3\r\nGET\r\n$" + "9".repeat(16), "invalid bulk length"],
    ["*2147483648\r\n", "invalid multibulk length"],
    ["*1\r\n$4x\r\n", "invalid bulk length"],
    ["x".repeat(64 * 1024 + 1), "too big inline request"],
  ];
  for (const [text, reason] of broken) {
    const stream = bytesFromBinary(good + text);
    const whole = parseWhole(stream);
    const name = JSON.stringify(text.slice(0, 40));
    assertEquals(whole.error, `Protocol error: ${reason}`, name);
    for (const size of [1, 3, 7]) {
      const parser = new RespParser({ maxBulkBytes: MAX_BULK });
      const fed = feed(stream, parser, { piece: () => size, random: prng(size) });
      assertEquals(fed.requests, whole.requests, `${name} in reads of ${size}`);
      assertEquals(fed.error, whole.error, `${name} in reads of ${size}`);
    }
  }
});

Deno.test("RespParser refuses a trickled bulk over maxBulkBytes once its length line is in", () => {
  const parser = new RespParser({ maxBulkBytes: 10 });
  const bytes = bytesFromBinary("*2\r\n$3\r\nGET\r\n$11\r\n" + "x".repeat(11) + "\r\n");
  const lineEnd = "*2\r\n$3\r\nGET\r\n$11\r\n".length;
  for (let end = 1; end < lineEnd; end++) {
    assertEquals(parser.parse(bytes, 0, end), INCOMPLETE, `${end} bytes`);
  }
  assertEquals(parser.parse(bytes, 0, lineEnd), PROTOCOL_ERROR);
  assertEquals(parser.error, "Protocol error: invalid bulk length");
});

Deno.test("RespParser examines a trickled array's bytes a bounded number of times", () => {
  // Each call reads its first byte, the length lines that are new, and
  // again the one it finds cut (at most 18 bytes); the last call reads every
  // bulk once to make its string. Checking from the request's start on every
  // call, as the parser once did, reads the elements before thousands of times.
  const elements = 20_000;
  const keys = Array.from({ length: elements }, (_, i) => `k${i % 100}`);
  const stream = bytesFromBinary(frame("EXISTS", ...keys));
  const random = prng(9);
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const fed = feed(stream, parser, {
    piece: () => 1 + Math.floor(random() * 12),
    random,
    count: true,
    afterParse(fed, bytesFed) {
      const bound = 2 * bytesFed + 20 * fed.calls;
      assert(
        fed.examined <= bound,
        `${fed.examined} bytes examined after ${fed.calls} calls fed ${bytesFed} bytes`,
      );
    },
  });
  assertEquals(fed.requests, [["EXISTS", ...keys]]);
  assert(fed.calls > stream.length / 12, `only ${fed.calls} calls`);
});

Deno.test("RespParser examines a trickled inline command's bytes a bounded number of times", () => {
  // Each call searches only the new bytes for the newline; the last one
  // reads the line about three times more to split it and make its words.
  const line = "ECHO " + "x".repeat(60 * 1024) + "\r\n";
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const fed = feed(bytesFromBinary(line), parser, {
    piece: () => 16,
    random: prng(3),
    count: true,
    afterParse(fed, bytesFed) {
      const bound = 4 * bytesFed + 2 * fed.calls;
      assert(fed.examined <= bound, `${fed.examined} bytes examined, fed ${bytesFed}`);
    },
  });
  assertEquals(fed.requests, [["ECHO", "x".repeat(60 * 1024)]]);
});

Deno.test("RespParser parses an array of 1M elements from reads of 64 KiB", () => {
  const ELEMENTS = 1024 * 1024;
  const keys = Array.from({ length: ELEMENTS - 1 }, (_, i) => String(i % 1000));
  // Joined by hand: a million arguments overflow the stack of `frame(...keys)`.
  const stream = bytesFromBinary(
    `*${ELEMENTS}\r\n$6\r\nEXISTS\r\n` +
      keys.map((key) => `$${key.length}\r\n${key}\r\n`).join(""),
  );
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const fed = feed(stream, parser, { piece: () => 64 * 1024, random: prng(5) });
  assertEquals(fed.requests.length, 1);
  const fields = fed.requests[0];
  assertEquals(fields.length, ELEMENTS);
  assertEquals(fields[0], "EXISTS");
  // One by one: assertEquals on a million elements takes seconds.
  const wrong = keys.findIndex((key, i) => fields[i + 1] !== key);
  assertEquals(wrong, -1, `field ${wrong + 1} is ${JSON.stringify(fields[wrong + 1])}`);
});

Deno.test("RespParser reset drops a request left incomplete", () => {
  const parser = new RespParser({ maxBulkBytes: MAX_BULK });
  const cut = bytesFromBinary(frame("SET", "key", "value"));
  assertEquals(parser.parse(cut, 0, 20), INCOMPLETE);
  parser.reset();
  // Without the reset, this would be read as the rest of the SET.
  const next = bytesFromBinary(frame("GET", "other") + "PING\r\n");
  const at = parser.parse(next, 0, next.length);
  assertEquals(parser.fields, ["GET", "other"]);
  // And an inline command's newline search starts over too.
  assertEquals(parser.parse(next, at, next.length - 2), INCOMPLETE);
  parser.reset();
  assertEquals(parser.parse(next, 0, next.length), at);
  assertEquals(parser.fields, ["GET", "other"]);
  assertEquals(parser.parse(next, at, next.length), next.length);
  assertEquals(parser.fields, ["PING"]);
});
