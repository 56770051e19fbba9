import { assertEquals, assertInstanceOf, assertThrows } from "@std/assert";
import type { Reply } from "../../src/client/reply.ts";
import { INCOMPLETE, ReplyDecoder } from "../../src/client/reply_decoder.ts";
import { WalkvError } from "../../src/client/walkv_error.ts";

const encoder = new TextEncoder();

/** Every reply type, RESP2 and RESP3, one after another, with what each decodes to. */
const STREAM: [string, Reply][] = [
  ["+OK\r\n", "OK"],
  ["+\r\n", ""],
  ["-ERR unknown command 'NOPE'\r\n", new WalkvError("ERR unknown command 'NOPE'")],
  [":0\r\n", 0],
  [":-42\r\n", -42],
  [":9007199254740991\r\n", 9007199254740991],
  [":9223372036854775807\r\n", 9223372036854775807n],
  ["$5\r\nhé\r\n\r\n", "hé\r\n"],
  ["$0\r\n\r\n", ""],
  ["$-1\r\n", null],
  ["*-1\r\n", null],
  ["*0\r\n", []],
  ["*3\r\n$1\r\na\r\n*2\r\n:1\r\n$-1\r\n-WRONGTYPE x\r\n", [
    "a",
    [1, null],
    new WalkvError("WRONGTYPE x"),
  ]],
  ["_\r\n", null],
  ["#t\r\n", true],
  ["#f\r\n", false],
  [",1.5\r\n", 1.5],
  [",inf\r\n", Infinity],
  [",-inf\r\n", -Infinity],
  ["(123456789012345678901234567890\r\n", 123456789012345678901234567890n],
  ["!9\r\nERR bad\r\n\r\n", new WalkvError("ERR bad\r\n")],
  ["=8\r\ntxt:ab\r\n\r\n", "ab\r\n"],
  ["%2\r\n$1\r\na\r\n:1\r\n+b\r\n*1\r\n:2\r\n", new Map<Reply, Reply>([["a", 1], ["b", [2]]])],
  ["%0\r\n", new Map()],
  ["~2\r\n+x\r\n+y\r\n", ["x", "y"]],
  ["|1\r\n+ttl\r\n:3\r\n+after attribute\r\n", "after attribute"],
  ["*2\r\n|1\r\n+k\r\n+v\r\n:1\r\n:2\r\n", [1, 2]],
];

function decodeAll(decoder: ReplyDecoder, binary = false): { reply: Reply; push: boolean }[] {
  const out: { reply: Reply; push: boolean }[] = [];
  for (;;) {
    const reply = decoder.next(binary);
    if (reply === INCOMPLETE) return out;
    out.push({ reply, push: decoder.wasPush });
  }
}

/** `reply` with each error as `{ error: text }`: errors compare by their text, not their stacks. */
function plain(reply: Reply): unknown {
  if (reply instanceof WalkvError) return { error: reply.reply };
  if (Array.isArray(reply)) return reply.map(plain);
  if (reply instanceof Map) return new Map([...reply].map(([k, v]) => [plain(k), plain(v)]));
  return reply;
}

const bytes = encoder.encode(STREAM.map(([wire]) => wire).join(""));
const expected = STREAM.map(([, reply]) => plain(reply));

Deno.test("ReplyDecoder reads every RESP2 and RESP3 type from one buffer", () => {
  const decoder = new ReplyDecoder();
  decoder.push(bytes);
  assertEquals(decodeAll(decoder).map((r) => plain(r.reply)), expected);
  assertEquals(decoder.next(), INCOMPLETE);
});

Deno.test("ReplyDecoder reads the same replies fed one byte at a time", () => {
  const decoder = new ReplyDecoder();
  const replies: Reply[] = [];
  for (let i = 0; i < bytes.length; i++) {
    decoder.push(bytes.subarray(i, i + 1));
    replies.push(...decodeAll(decoder).map((r) => r.reply));
  }
  assertEquals(replies.map(plain), expected);
});

Deno.test("ReplyDecoder reads the same replies cut at every point into two pieces", () => {
  for (let cut = 0; cut <= bytes.length; cut++) {
    const decoder = new ReplyDecoder();
    decoder.push(bytes.subarray(0, cut));
    const replies = decodeAll(decoder).map((r) => r.reply);
    decoder.push(bytes.subarray(cut));
    replies.push(...decodeAll(decoder).map((r) => r.reply));
    assertEquals(replies.map(plain), expected, `cut at ${cut}`);
  }
});

Deno.test("ReplyDecoder gives bulk strings as bytes when asked, any bytes at all", () => {
  const decoder = new ReplyDecoder();
  decoder.push(new Uint8Array([...encoder.encode("*2\r\n$4\r\n"), 0, 0xff, 13, 10, 13, 10]));
  decoder.push(encoder.encode("+simple stays text\r\n\r\n"));
  const reply = decoder.next(true) as Reply[];
  assertEquals(reply[0], new Uint8Array([0, 0xff, 13, 10]));
  assertEquals(reply[1], "simple stays text");
  assertInstanceOf(reply[0], Uint8Array);
});

Deno.test("ReplyDecoder keeps the binary choice a reply began with", () => {
  const decoder = new ReplyDecoder();
  decoder.push(encoder.encode("*2\r\n$1\r\na\r\n"));
  assertEquals(decoder.next(true), INCOMPLETE);
  decoder.push(encoder.encode("$1\r\nb\r\n$1\r\nc\r\n"));
  assertEquals(decoder.next(false), [new Uint8Array([97]), new Uint8Array([98])]);
  assertEquals(decoder.next(false), "c");
});

Deno.test("ReplyDecoder marks RESP3 pushes, and only the reply that is one", () => {
  const decoder = new ReplyDecoder();
  decoder.push(
    encoder.encode(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n+OK\r\n*1\r\n>0\r\n"),
  );
  assertEquals(decodeAll(decoder), [
    { reply: ["message", "ch", "hi"], push: true },
    { reply: "OK", push: false },
    { reply: [[]], push: false },
  ]);
});

Deno.test("ReplyDecoder throws on bytes that are not RESP, quoting them", () => {
  const cases: [string, typeof SyntaxError | typeof RangeError, string][] = [
    ["?what\r\n", SyntaxError, 'Unknown reply type "?" in "?what"'],
    [":12a\r\n", SyntaxError, 'An integer reply must be digits, found "12a"'],
    ["$x\r\n", SyntaxError, 'A bulk length must be digits, found "x"'],
    ["$3\r\nabcd\r\n", SyntaxError, 'must end in CRLF, found "d\\r"'],
    ["+OK\n", SyntaxError, 'ends in LF without CR: "+OK"'],
    ["#x\r\n", SyntaxError, 'A RESP3 boolean is t or f, found "x"'],
    [",1.5x\r\n", SyntaxError, 'A RESP3 double must be a number, found "1.5x"'],
    ["$-2\r\n", RangeError, 'A bulk length must be 0 to 536870912 bytes, found "-2"'],
    ["*-2\r\n", RangeError, 'An aggregate length must be 0 to 4294967296, found "-2"'],
    ["=2\r\nab\r\n", SyntaxError, 'verbatim string starts with a format and a colon, found "ab"'],
  ];
  for (const [wire, type, message] of cases) {
    const decoder = new ReplyDecoder();
    decoder.push(encoder.encode(wire));
    assertThrows(() => decodeAll(decoder), type, message);
  }
});

Deno.test("ReplyDecoder checks lengths against its limits before waiting for the bytes", () => {
  const decoder = new ReplyDecoder({ maxBulk: 10, maxLine: 8 });
  decoder.push(encoder.encode("$11\r\n"));
  assertThrows(() => decoder.next(), RangeError, 'found "11"');
  // A line of 8 bytes (type byte included) is fine, however it arrives; 9 are too many.
  const fits = new ReplyDecoder({ maxLine: 8 });
  fits.push(encoder.encode("+1234567\r"));
  assertEquals(fits.next(), INCOMPLETE);
  fits.push(encoder.encode("\n"));
  assertEquals(fits.next(), "1234567");
  const long = new ReplyDecoder({ maxLine: 8 });
  long.push(encoder.encode("+12345678\r"));
  assertThrows(() => long.next(), RangeError, 'longer than 8 bytes: "+12345678\\r"');
});

Deno.test("ReplyDecoder reads a bulk string bigger than its buffer", () => {
  const decoder = new ReplyDecoder();
  const big = "x".repeat(3 * 1024 * 1024);
  const wire = encoder.encode(`$${big.length}\r\n${big}\r\n+next\r\n`);
  for (let at = 0; at < wire.length; at += 100_000) {
    decoder.push(wire.subarray(at, at + 100_000));
  }
  assertEquals(decoder.next(), big);
  assertEquals(decoder.next(), "next");
});
