import { assertEquals } from "@std/assert";
import { binaryFromBytes, binaryFromText } from "../../src/io/binary.ts";
import { TextReplyWriter } from "../../src/protocol/text_reply_writer.ts";

/** The replies written so far, as one binary string; the writer is emptied. */
function taken(replies: TextReplyWriter): string {
  const bytes = replies.take();
  return binaryFromBytes(bytes, 0, bytes.length);
}

Deno.test("TextReplyWriter writes ok as +OK", () => {
  const replies = new TextReplyWriter();
  replies.ok();
  assertEquals(taken(replies), "+OK\n");
});

Deno.test("TextReplyWriter writes a value after +OK and a space", () => {
  const replies = new TextReplyWriter();
  replies.value("world");
  assertEquals(taken(replies), "+OK world\n");
});

Deno.test("TextReplyWriter passes a binary value's bytes through unchanged", () => {
  const replies = new TextReplyWriter();
  replies.value(binaryFromText("héllo😀"));
  replies.value("\xff\x00");
  assertEquals(taken(replies), binaryFromText("+OK héllo😀\n") + "+OK \xff\x00\n");
});

Deno.test("TextReplyWriter writes missing with the seed's wording", () => {
  const replies = new TextReplyWriter();
  replies.missing("GET", "hello");
  assertEquals(taken(replies), "-GET could not find hello in store\n");
});

Deno.test("TextReplyWriter writes error after a dash", () => {
  const replies = new TextReplyWriter();
  replies.error("ERR something failed");
  assertEquals(taken(replies), "-ERR something failed\n");
});

Deno.test("TextReplyWriter error replaces CR and LF so a reply stays one line", () => {
  const replies = new TextReplyWriter();
  replies.error("bad\r\ninput\nhere\rnow");
  replies.error("\n");
  assertEquals(taken(replies), "-bad input here now\n- \n");
});

Deno.test("TextReplyWriter keeps replies in order, take empties it, rewind drops the last", () => {
  const replies = new TextReplyWriter();
  assertEquals(replies.length, 0);
  assertEquals(taken(replies), "");
  replies.ok();
  replies.value("v");
  replies.missing("GET", "k");
  replies.error("e");
  assertEquals(taken(replies), "+OK\n+OK v\n-GET could not find k in store\n-e\n");
  assertEquals(replies.length, 0);
  assertEquals(taken(replies), "");
  replies.ok();
  const mark = replies.length;
  replies.value("dropped");
  replies.rewind(mark);
  assertEquals(taken(replies), "+OK\n");
});

Deno.test("TextReplyWriter refuses to send a value holding a line break as one reply", () => {
  const replies = new TextReplyWriter();
  replies.value("two\nlines");
  replies.value("carriage\rreturn");
  const text = taken(replies);
  assertEquals(text.split("\n").length, 3);
  assertEquals(text.startsWith("-value holds a line break"), true);
});
