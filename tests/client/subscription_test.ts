import { assertEquals, assertRejects } from "@std/assert";
import { type PubSubMessage, WalkvClient } from "../../src/client/mod.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Resolves once `check` holds, polling; fails after `ms`. */
async function eventually(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

for (const protocol of [2, 3] as const) {
  Deno.test(`Subscription delivers messages to a listener over RESP${protocol}`, async () => {
    await using dir = await tempDir();
    await using server = await startServer({ walDir: dir.path });
    await using client = await WalkvClient.connect({ port: server.port, protocol });
    const seen: PubSubMessage[] = [];
    const subscription = await client.subscribe(["news", "sport"], (m) => seen.push(m));
    assertEquals(subscription.channels.sort(), ["news", "sport"]);
    assertEquals(await client.publish("news", "héllo"), 1);
    assertEquals(await client.publish("sport", "goal"), 1);
    assertEquals(await client.publish("weather", "rain"), 0);
    await subscription.psubscribe("w*");
    assertEquals(subscription.patterns, ["w*"]);
    assertEquals(await client.publish("weather", "sun"), 1);
    await subscription.unsubscribe("sport");
    assertEquals(await client.publish("sport", "unseen"), 0);
    assertEquals(subscription.channels, ["news"]);
    await eventually(() => seen.length === 3, "three messages");
    assertEquals(seen, [
      { channel: "news", message: "héllo" },
      { channel: "sport", message: "goal" },
      { pattern: "w*", channel: "weather", message: "sun" },
    ]);
    // Unsubscribing from everything, and from nothing, both settle.
    await subscription.unsubscribe();
    await subscription.unsubscribe();
    await subscription.punsubscribe();
    assertEquals([subscription.channels, subscription.patterns], [[], []]);
    assertEquals(await client.publish("news", "unseen"), 0);
    // The client's own connection was never in subscribed mode.
    assertEquals(await client.get("k"), null);
    // Closing the client closes its subscriptions.
    await client.close();
    assertEquals(await subscription.closed, undefined);
  });

  Deno.test(`Subscription is an async iterator over RESP${protocol}`, async () => {
    await using dir = await tempDir();
    await using server = await startServer({ walDir: dir.path });
    await using client = await WalkvClient.connect({ port: server.port, protocol });
    const subscription = await client.psubscribe("jobs:*");
    for (let i = 0; i < 3; i++) await client.publish(`jobs:${i}`, `job ${i}`);
    const received: string[] = [];
    for await (const { channel, message, pattern } of subscription) {
      assertEquals(pattern, "jobs:*");
      received.push(`${channel}=${message}`);
      if (received.length === 3) break; // leaving the loop closes the subscription
    }
    assertEquals(received, ["jobs:0=job 0", "jobs:1=job 1", "jobs:2=job 2"]);
    assertEquals(await subscription.closed, undefined);
    await assertRejects(() => subscription.psubscribe("more"), Error, "closed");
  });
}

Deno.test("Subscription iterator ends on close, and one reader at a time", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using client = await WalkvClient.connect({ port: server.port });
  const subscription = await client.subscribe("c");
  const iterator = subscription[Symbol.asyncIterator]();
  const first = iterator.next();
  await assertRejects(() => iterator.next(), TypeError, "one reader at a time");
  await subscription.close();
  assertEquals(await first, { value: undefined, done: true });
  await assertRejects(() => client.subscribe([]), TypeError, "SUBSCRIBE needs at least one name");
});

Deno.test("Subscription ends with a RangeError when too many messages wait unread", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using client = await WalkvClient.connect({ port: server.port, maxPendingMessages: 5 });
  const subscription = await client.subscribe("flood");
  for (let i = 0; i < 6; i++) await client.publish("flood", String(i));
  const ended = await subscription.closed;
  assertEquals(ended?.message, "More than 5 messages waited to be read, so the subscription ended");
  // The five that fit are still there to read, then the error.
  const read: string[] = [];
  const error = await assertRejects(async () => {
    for await (const { message } of subscription) read.push(message);
  }, RangeError);
  assertEquals(read, ["0", "1", "2", "3", "4"]);
  assertEquals(error, ended);
});
