import { assertEquals } from "@std/assert";
import { binaryFromBytes, bytesFromBinary } from "../../src/io/binary.ts";
import { RespWriter } from "../../src/protocol/resp_writer.ts";

/** What `replies` holds, as a binary string; the writer is emptied. */
function take(replies: RespWriter): string {
  const bytes = replies.take();
  return binaryFromBytes(bytes, 0, bytes.length);
}

Deno.test("RespWriter writes ok and simple strings", () => {
  const replies = new RespWriter();
  replies.ok();
  replies.simple("PONG");
  replies.simple("");
  assertEquals(take(replies), "+OK\r\n+PONG\r\n+\r\n");
});

Deno.test("RespWriter writes errors as given, code first", () => {
  const replies = new RespWriter();
  replies.error("ERR unknown command 'FLY'");
  replies.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  assertEquals(
    take(replies),
    "-ERR unknown command 'FLY'\r\n" +
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
  );
});

Deno.test("RespWriter turns each CR and LF in errors and simple strings into a space, as Redis", () => {
  const replies = new RespWriter();
  replies.error("ERR bad\r\nkey\nhere\rnow");
  replies.error("ERR " + "x".repeat(100) + "\r\n" + "y".repeat(10)); // a long line too
  replies.simple("two\nlines");
  assertEquals(
    take(replies),
    "-ERR bad  key here now\r\n" +
      "-ERR " + "x".repeat(100) + "  " + "y".repeat(10) + "\r\n" +
      "+two lines\r\n",
  );
});

Deno.test("RespWriter writes error text as bytes, binary client input included", () => {
  const replies = new RespWriter();
  replies.error("ERR unknown command '\xff\x00'");
  assertEquals(take(replies), "-ERR unknown command '\xff\x00'\r\n");
});

Deno.test("RespWriter writes integers, negative and large ones too", () => {
  const replies = new RespWriter();
  for (const n of [0, 1, -1, -2, 42, 9007199254740991, -9007199254740991]) replies.integer(n);
  assertEquals(
    take(replies),
    ":0\r\n:1\r\n:-1\r\n:-2\r\n:42\r\n:9007199254740991\r\n:-9007199254740991\r\n",
  );
});

Deno.test("RespWriter writes bulk strings with their byte length", () => {
  const replies = new RespWriter();
  replies.bulk("world");
  replies.bulk("");
  replies.bulk("0123456789");
  replies.bulk("\r\n\x00\xff");
  assertEquals(
    take(replies),
    "$5\r\nworld\r\n$0\r\n\r\n$10\r\n0123456789\r\n$4\r\n\r\n\x00\xff\r\n",
  );
});

Deno.test("RespWriter writes every byte value of a bulk string unchanged", () => {
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  const replies = new RespWriter();
  replies.bulk(all);
  const bytes = replies.take();
  assertEquals(binaryFromBytes(bytes, 0, 7), "$256\r\n\x00");
  assertEquals(bytes.subarray(6, 262), bytesFromBinary(all));
  assertEquals(bytes.length, 264);
});

Deno.test("RespWriter writes null bulk strings and null arrays", () => {
  const replies = new RespWriter();
  replies.nullBulk();
  replies.bulkOrNull(undefined);
  replies.bulkOrNull("v");
  replies.nullArray();
  assertEquals(take(replies), "$-1\r\n$-1\r\n$1\r\nv\r\n*-1\r\n");
});

Deno.test("RespWriter writes arrays as a header then their elements", () => {
  const replies = new RespWriter();
  replies.array(3);
  replies.integer(1);
  replies.bulk("a");
  replies.array(0);
  replies.bulkArray(["x", undefined, ""]);
  replies.bulkArray([]);
  assertEquals(
    take(replies),
    "*3\r\n:1\r\n$1\r\na\r\n*0\r\n" + "*3\r\n$1\r\nx\r\n$-1\r\n$0\r\n\r\n" + "*0\r\n",
  );
});

Deno.test("RespWriter grows past its first 16 KiB without losing bytes", () => {
  const replies = new RespWriter();
  let expected = "";
  // Many small replies across the boundary, then values larger than the buffer.
  for (let i = 0; i < 3000; i++) {
    replies.bulk(`value:${i}`);
    expected += `$${`value:${i}`.length}\r\nvalue:${i}\r\n`;
  }
  for (const size of [16 * 1024, 70_000, 1 << 20]) {
    let value = "";
    for (let i = 0; i < size; i++) value += String.fromCharCode(i % 251);
    replies.bulk(value);
    expected += `$${size}\r\n${value}\r\n`;
    replies.error("ERR " + "e".repeat(size));
    expected += "-ERR " + "e".repeat(size) + "\r\n";
  }
  assertEquals(replies.length, expected.length);
  assertEquals(take(replies), expected);
  assertEquals(replies.length, 0);
  replies.ok();
  assertEquals(take(replies), "+OK\r\n");
});

Deno.test("RespWriter gives a huge buffer back after take, bytes intact", () => {
  const replies = new RespWriter();
  const big = "b".repeat(5 * 1024 * 1024);
  replies.bulk(big);
  const bytes = replies.take();
  replies.ok(); // written into a fresh buffer: the view taken stays valid
  assertEquals(bytes.length, big.length + 12);
  assertEquals(binaryFromBytes(bytes, 0, 9), "$5242880\r");
  assertEquals(binaryFromBytes(bytes, bytes.length - 3, bytes.length), "b\r\n");
  assertEquals(take(replies), "+OK\r\n");
});

Deno.test("RespWriter length counts waiting bytes and rewind drops replies after a mark", () => {
  const replies = new RespWriter();
  assertEquals(replies.length, 0);
  replies.ok();
  const mark = replies.length;
  assertEquals(mark, 5);
  replies.array(2);
  replies.bulk("half");
  replies.rewind(mark);
  assertEquals(replies.length, 5);
  replies.error("ERR instead");
  assertEquals(take(replies), "+OK\r\n-ERR instead\r\n");
  replies.bulk("x".repeat(40_000)); // rewinding past a growth keeps the earlier bytes
  replies.rewind(0);
  replies.integer(7);
  assertEquals(take(replies), ":7\r\n");
});

Deno.test("RespWriter take empties the writer", () => {
  const replies = new RespWriter();
  assertEquals(replies.take().length, 0);
  replies.ok();
  assertEquals(take(replies), "+OK\r\n");
  assertEquals(replies.take().length, 0);
});
