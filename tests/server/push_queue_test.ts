import { assert, assertEquals } from "@std/assert";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { RespWriter } from "../../src/protocol/resp_writer.ts";
import { PUSHED, PushQueue, type PushQueueOptions } from "../../src/server/push_queue.ts";

/** A queue on a fresh writer, a clock the test moves, and what overflowed. */
function setup(options: Partial<PushQueueOptions> = {}) {
  const replies = new RespWriter();
  const time = { now: 0, atomic: false, unsent: 0 };
  const overflows: string[] = [];
  const pushes = new PushQueue({
    replies,
    atomic: () => time.atomic,
    unsentBytes: () => replies.length + time.unsent,
    onOverflow: (reason) => overflows.push(reason),
    now: () => time.now,
    ...options,
  });
  const text = (writer: RespWriter) => binaryFromBytes(writer.bytes, 0, writer.length);
  return { replies, time, overflows, pushes, text };
}

Deno.test("push queue encodes messages in the connection's protocol, in order", () => {
  const { replies, pushes, text } = setup();
  pushes.deliver(null, "ch", "a");
  replies.protocol = 3;
  pushes.deliver("c*", "ch", "b\r\n");
  assertEquals(text(replies), "", "queued, not in the replies");
  pushes.moveTo(replies);
  assertEquals(pushes.length, 0);
  assertEquals(
    text(replies),
    "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$1\r\na\r\n" +
      ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$3\r\nb\r\n\r\n",
  );
});

Deno.test("push queue writes a message to its own running command straight into the replies, except inside EXEC", () => {
  const { replies, time, pushes, text } = setup();
  replies.protocol = 3;
  pushes.direct = true;
  pushes.deliver(null, "ch", "mine");
  assertEquals(text(replies), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nmine\r\n");
  assertEquals(pushes.length, 0);
  time.atomic = true;
  pushes.deliver(null, "ch", "in exec");
  assert(pushes.length > 0, "inside EXEC it waits in the queue, after the EXEC's reply");
});

Deno.test("push queue arrival resolves when a message is queued, at once if one is", async () => {
  const { pushes } = setup();
  let woke = false;
  const arrival = pushes.arrival().then((value) => {
    woke = value === PUSHED;
  });
  await Promise.resolve();
  assertEquals(woke, false);
  pushes.deliver(null, "ch", "x");
  await arrival;
  assertEquals(woke, true);
  assertEquals(await pushes.arrival(), PUSHED);
});

Deno.test("push queue passes the hard limit once: the connection is dropped and later messages too", () => {
  const { time, overflows, pushes } = setup({ hardLimitBytes: 1000, softLimitBytes: 500 });
  time.unsent = 400; // a batch in flight
  pushes.deliver(null, "ch", "x".repeat(300));
  assertEquals(overflows, []);
  pushes.deliver(null, "ch", "x".repeat(300));
  assertEquals(overflows, ["hard limit 1000 bytes"]);
  assertEquals(pushes.overflowed, true);
  assertEquals(pushes.length, 0, "what was queued is let go");
  pushes.deliver(null, "ch", "y");
  assertEquals(pushes.length, 0);
  assertEquals(overflows.length, 1);
});

Deno.test("push queue passes the soft limit only after staying over it for longer than its time", () => {
  const { time, overflows, pushes } = setup({
    hardLimitBytes: 100_000,
    softLimitBytes: 1000,
    softLimitMs: 60_000,
  });
  time.unsent = 2000;
  pushes.deliver(null, "ch", "x"); // over the soft limit from now
  time.now = 60_000;
  pushes.deliver(null, "ch", "x");
  assertEquals(overflows, [], "60 s is not over 60 s");
  time.unsent = 0;
  pushes.moveTo(new RespWriter());
  time.now = 61_000;
  pushes.deliver(null, "ch", "x"); // back under it: the clock starts over
  time.unsent = 2000;
  time.now = 62_000;
  pushes.deliver(null, "ch", "x");
  time.now = 121_000;
  pushes.deliver(null, "ch", "x");
  assertEquals(overflows, [], "59 s over it since it went back under");
  time.now = 122_001;
  pushes.deliver(null, "ch", "x");
  assertEquals(overflows, ["soft limit 1000 bytes for over 60 s"]);
});
