import { assertEquals } from "@std/assert";
import { del } from "../../src/commands/del.ts";
import { get } from "../../src/commands/get.ts";
import { set } from "../../src/commands/set.ts";
import { binaryFromText } from "../../src/io/binary.ts";
import { TextReplyWriter } from "../../src/protocol/text_reply_writer.ts";

Deno.test("TextReplyWriter writes ok as +OK", () => {
  const replies = new TextReplyWriter();
  replies.ok();
  assertEquals(replies.count, 1);
  assertEquals(replies.take(), "+OK\n");
});

Deno.test("TextReplyWriter writes a value after +OK and a space", () => {
  const replies = new TextReplyWriter();
  replies.value("world");
  assertEquals(replies.take(), "+OK world\n");
});

Deno.test("TextReplyWriter passes a binary value's bytes through unchanged", () => {
  const replies = new TextReplyWriter();
  replies.value(binaryFromText("héllo😀"));
  replies.value("\xff\x00");
  assertEquals(replies.take(), binaryFromText("+OK héllo😀\n") + "+OK \xff\x00\n");
});

Deno.test("TextReplyWriter writes missing with the seed's wording", () => {
  const replies = new TextReplyWriter();
  replies.missing(get, "hello");
  assertEquals(replies.take(), "-GET could not find hello in store\n");
});

Deno.test("TextReplyWriter writes unknownCommand as -INVALID COMMAND", () => {
  const replies = new TextReplyWriter();
  replies.unknownCommand("FLY");
  assertEquals(replies.take(), "-INVALID COMMAND\n");
});

Deno.test("TextReplyWriter writes wrongArity with the command's usage", () => {
  const replies = new TextReplyWriter();
  replies.wrongArity(set);
  replies.wrongArity(get);
  replies.wrongArity(del);
  assertEquals(
    replies.take(),
    "-SET expected 2 arguments KEY and VALUE\n" +
      "-GET expected 1 argument KEY\n" +
      "-DEL expected 1 argument KEY\n",
  );
});

Deno.test("TextReplyWriter writes error after a dash", () => {
  const replies = new TextReplyWriter();
  replies.error("ERR something failed");
  assertEquals(replies.take(), "-ERR something failed\n");
});

Deno.test("TextReplyWriter error replaces CR and LF so a reply stays one line", () => {
  const replies = new TextReplyWriter();
  replies.error("bad\r\ninput\nhere\rnow");
  replies.error("\n");
  assertEquals(replies.count, 2);
  assertEquals(replies.take(), "-bad input here now\n- \n");
});

Deno.test("TextReplyWriter counts replies in order and take empties it", () => {
  const replies = new TextReplyWriter();
  assertEquals(replies.count, 0);
  assertEquals(replies.take(), "");
  replies.ok();
  replies.value("v");
  replies.missing(get, "k");
  replies.unknownCommand("X");
  replies.wrongArity(set);
  replies.error("e");
  assertEquals(replies.count, 6);
  assertEquals(
    replies.take(),
    "+OK\n+OK v\n-GET could not find k in store\n-INVALID COMMAND\n" +
      "-SET expected 2 arguments KEY and VALUE\n-e\n",
  );
  assertEquals(replies.count, 0);
  assertEquals(replies.take(), "");
  replies.ok();
  assertEquals(replies.take(), "+OK\n");
});

Deno.test("TextReplyWriter failAll replaces every reply with the error, keeping the count", () => {
  const replies = new TextReplyWriter();
  replies.ok();
  replies.value("v");
  replies.missing(get, "k");
  replies.failAll("WAL write failed:\ndisk full");
  assertEquals(replies.count, 3);
  assertEquals(
    replies.take(),
    "-WAL write failed: disk full\n".repeat(3),
  );
  assertEquals(replies.count, 0);
});

Deno.test("TextReplyWriter failAll with nothing waiting writes nothing", () => {
  const replies = new TextReplyWriter();
  replies.failAll("boom");
  assertEquals(replies.count, 0);
  assertEquals(replies.take(), "");
});

Deno.test("TextReplyWriter refuses to send a value holding a line break as one reply", () => {
  const replies = new TextReplyWriter();
  replies.value("two\nlines");
  replies.value("carriage\rreturn");
  assertEquals(replies.count, 2);
  const text = replies.take();
  assertEquals(text.split("\n").length, 3);
  assertEquals(text.startsWith("-value holds a line break"), true);
});
