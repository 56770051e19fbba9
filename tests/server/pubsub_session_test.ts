/**
 * How walkv's RESP session carries pub/sub, where there is no redis-server
 * answer to compare with: a subscriber waiting for messages is never closed
 * by `--timeout` (as in Redis) while an ordinary idle client is; a message a
 * RESP3 client publishes to itself inside MULTI/EXEC comes after the EXEC's
 * reply (Redis 7.0 writes it inside the EXEC's array); a message reaches an
 * idle subscriber while writes are being made durable; and SIGTERM closes
 * subscribers and exits cleanly.
 */
import { assert, assertEquals } from "@std/assert";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

Deno.test("pubsub session: --timeout spares a subscriber waiting for messages, not an idle client", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--timeout", "1"] });
  using subscriber = await RawConnection.connect(server.port);
  using idle = await RawConnection.connect(server.port);
  assertEquals(
    await respCall(subscriber, "SUBSCRIBE", "ch"),
    "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
  );
  assertEquals(await respCall(idle, "PING"), "+PONG\r\n");
  const idleClosed = idle.readToEnd(6_000);
  await sleep(3_000);
  assertEquals((await idleClosed).length, 0, "the idle client was closed, with nothing to read");
  using publisher = await RawConnection.connect(server.port);
  assertEquals(await respCall(publisher, "PUBLISH", "ch", "still here"), ":1\r\n");
  assertEquals(
    await readRespReply(subscriber),
    "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$10\r\nstill here\r\n",
  );
  publisher.close();
  subscriber.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("pubsub session: a RESP3 client's message to itself inside EXEC comes after the EXEC's reply", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using client = await RawConnection.connect(server.port);
  assert((await respCall(client, "HELLO", "3")).startsWith("%7\r\n"));
  assertEquals(
    await respCall(client, "SUBSCRIBE", "ch"),
    ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
  );
  await client.send(
    new Uint8Array([
      ...frame("MULTI"),
      ...frame("PUBLISH", "ch", "in exec"),
      ...frame("SET", "k", "v"),
      ...frame("EXEC"),
    ]),
  );
  const replies = [];
  for (let i = 0; i < 5; i++) replies.push(await readRespReply(client));
  assertEquals(replies, [
    "+OK\r\n",
    "+QUEUED\r\n",
    "+QUEUED\r\n",
    "*2\r\n:1\r\n+OK\r\n",
    ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$7\r\nin exec\r\n",
  ]);
  // Outside EXEC it comes before PUBLISH's reply, as in Redis.
  await client.send(frame("PUBLISH", "ch", "plain"));
  assertEquals(await readRespReply(client), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nplain\r\n");
  assertEquals(await readRespReply(client), ":1\r\n");
});

Deno.test("pubsub session: an idle subscriber gets every message while durable writes go on", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using subscriber = await RawConnection.connect(server.port);
  using writer = await RawConnection.connect(server.port);
  assertEquals(
    await respCall(subscriber, "SUBSCRIBE", "ch"),
    "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
  );
  const rounds = 200;
  const reading = (async () => {
    for (let i = 0; i < rounds; i++) {
      assertEquals(
        await readRespReply(subscriber),
        `*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$${String(i).length}\r\n${i}\r\n`,
      );
    }
  })();
  for (let i = 0; i < rounds; i++) {
    // Each message follows a write that is not yet durable when it is published.
    await writer.send(
      new Uint8Array([...frame("SET", `k${i}`, "v"), ...frame("PUBLISH", "ch", `${i}`)]),
    );
    assertEquals(await readRespReply(writer), "+OK\r\n");
    assertEquals(await readRespReply(writer), ":1\r\n");
  }
  await reading;
});

Deno.test("pubsub session: SIGTERM closes subscribers and exits cleanly", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using resp2 = await RawConnection.connect(server.port);
  using resp3 = await RawConnection.connect(server.port);
  assertEquals(
    await respCall(resp2, "SUBSCRIBE", "a"),
    "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n",
  );
  assert((await respCall(resp3, "HELLO", "3")).startsWith("%7\r\n"));
  assertEquals(
    await respCall(resp3, "PSUBSCRIBE", "*"),
    ">3\r\n$10\r\npsubscribe\r\n$1\r\n*\r\n:1\r\n",
  );
  const closed = Promise.all([resp2.readToEnd(10_000), resp3.readToEnd(10_000)]);
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
  assertEquals((await closed).map((rest) => rest.length), [0, 0]);
});

Deno.test("pubsub session: PUBSUB HELP lists what walkv has, in Redis's words", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using client = await RawConnection.connect(server.port);
  const lines = [
    "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "HELP",
    "    Prints this help.",
  ];
  assertEquals(
    await respCall(client, "PUBSUB", "HELP"),
    `*${lines.length}\r\n${lines.map((line) => `+${line}\r\n`).join("")}`,
  );
});
