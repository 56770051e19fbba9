/**
 * Pub/sub through two real Redis client libraries with their default
 * options (only host and port set), the same pinned versions
 * `client_defaults_test.ts` uses:
 *
 * - node-redis 6 (`npm:redis@6.3.1`), which speaks RESP3, so its messages
 *   arrive as pushes and a subscribed client may still run other commands;
 * - ioredis 5 (`npm:ioredis@5.4.1`), RESP2, in its subscriber mode.
 *
 * Each scenario subscribes to channels and a pattern (a binary channel in
 * buffer mode among them), publishes from a second client, asks PUBSUB, runs
 * commands on the subscribed client where the library lets it, and
 * unsubscribes; what the library returned and every message its listeners
 * got, in order, must be what it gets from redis-server, which is written
 * out first so the comparison rests on Redis's own answers.
 */
import { assertEquals } from "@std/assert";
import { Buffer } from "node:buffer";
import { createClient } from "npm:redis@6.3.1";
import { Redis } from "npm:ioredis@5.4.1";
import { startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** How long the messages of one scenario may take to arrive. */
const MESSAGES_TIMEOUT_MS = 5_000;
const BINARY = [0, 0xff, 0x0d, 0x0a, 0x80];

/** Waits until `ready()` holds, polling; throws after `timeoutMs` with `what`. */
async function waitUntil(ready: () => boolean, what: () => string): Promise<void> {
  const deadline = Date.now() + MESSAGES_TIMEOUT_MS;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The name and message of an error: what a caller can tell apart. */
function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: String(error) };
  return { class: error.constructor.name, message: error.message };
}

type Scenario = (port: number) => Promise<Record<string, unknown>>;

async function nodeRedisScenario(port: number): Promise<Record<string, unknown>> {
  const url = `redis://127.0.0.1:${port}`;
  const results: Record<string, unknown> = {};
  const got: unknown[] = [];
  const errors: unknown[] = [];
  const publisher = createClient({ url });
  const subscriber = createClient({ url });
  for (const client of [publisher, subscriber]) {
    client.on("error", (error: unknown) => errors.push(describeError(error)));
  }
  try {
    await publisher.connect();
    await subscriber.connect();
    await subscriber.subscribe(["news", "sports"], (message, channel) => {
      got.push(["channel", channel, message]);
    });
    await subscriber.pSubscribe("n*", (message, channel) => {
      got.push(["pattern n*", channel, message]);
    });
    await subscriber.subscribe("bin", (message, channel) => {
      got.push(["buffer", channel.toString("latin1"), [...message]]);
    }, true);
    results.numsub = await publisher.pubSubNumSub(["news", "bin", "zilch"]);
    results.numpat = await publisher.pubSubNumPat();
    results.channels = (await publisher.pubSubChannels()).sort();
    results.channelsMatching = await publisher.pubSubChannels("s*");
    results.published = [
      await publisher.publish("news", "hello"),
      await publisher.publish("zilch", "x"),
      await publisher.publish("sports", "goal"),
      await publisher.publish("bin", Buffer.from(BINARY)),
      await publisher.publish("news", "bye"),
    ];
    await waitUntil(() => got.length === 6, () => JSON.stringify(got));
    // RESP3 has no subscribed mode: the subscribed client runs anything.
    results.subscribedPing = await subscriber.ping();
    results.subscribedSet = await subscriber.set("k", "v");
    results.subscribedGet = await subscriber.get("k");
    await subscriber.unsubscribe("news");
    await subscriber.pUnsubscribe();
    results.afterUnsubscribe = await publisher.publish("news", "unheard");
    await subscriber.unsubscribe();
    results.numsubAfter = await publisher.pubSubNumSub(["sports", "bin"]);
    results.got = got;
    await subscriber.close();
    await publisher.close();
  } finally {
    for (const client of [publisher, subscriber]) if (client.isOpen) client.destroy();
  }
  results.errors = errors;
  return results;
}

const NODE_REDIS_EXPECTED = {
  numsub: { news: 1, bin: 1, zilch: 0 },
  numpat: 1,
  channels: ["bin", "news", "sports"],
  channelsMatching: ["sports"],
  published: [2, 0, 1, 1, 2],
  subscribedPing: "PONG",
  subscribedSet: "OK",
  subscribedGet: "v",
  afterUnsubscribe: 0,
  numsubAfter: { sports: 0, bin: 0 },
  got: [
    ["channel", "news", "hello"],
    ["pattern n*", "news", "hello"],
    ["channel", "sports", "goal"],
    ["buffer", "bin", BINARY],
    ["channel", "news", "bye"],
    ["pattern n*", "news", "bye"],
  ],
  errors: [],
};

async function ioredisScenario(port: number): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  const got: unknown[] = [];
  const errors: unknown[] = [];
  const publisher = new Redis({ host: "127.0.0.1", port });
  const subscriber = new Redis({ host: "127.0.0.1", port });
  for (const client of [publisher, subscriber]) {
    client.on("error", (error: unknown) => errors.push(describeError(error)));
  }
  subscriber.on("message", (channel: string, message: string) => {
    if (channel !== "bin") got.push(["message", channel, message]);
  });
  subscriber.on("messageBuffer", (channel: Buffer, message: Buffer) => {
    if (channel.toString("latin1") === "bin") got.push(["messageBuffer", "bin", [...message]]);
  });
  subscriber.on("pmessage", (pattern: string, channel: string, message: string) => {
    got.push(["pmessage", pattern, channel, message]);
  });
  try {
    results.subscribe = await subscriber.subscribe("news", "sports", "bin");
    results.psubscribe = await subscriber.psubscribe("n*");
    // RESP2's subscribed mode: PING answers Redis's array; ioredis itself refuses the rest.
    try {
      results.subscribedPing = await subscriber.ping();
    } catch (error: unknown) {
      results.subscribedPing = describeError(error);
    }
    try {
      results.subscribedGet = await subscriber.get("k");
    } catch (error: unknown) {
      results.subscribedGet = describeError(error);
    }
    results.numsub = await publisher.pubsub("NUMSUB", "news", "bin", "zilch");
    results.numpat = await publisher.pubsub("NUMPAT");
    results.channels = (await publisher.pubsub("CHANNELS") as string[]).sort();
    results.published = [
      await publisher.publish("news", "hello"),
      await publisher.publish("zilch", "x"),
      await publisher.publish("sports", "goal"),
      await publisher.publish("bin", Buffer.from(BINARY)),
      await publisher.publish("news", "bye"),
    ];
    await waitUntil(() => got.length === 6, () => JSON.stringify(got));
    results.unsubscribeNews = await subscriber.unsubscribe("news");
    results.punsubscribe = await subscriber.punsubscribe("n*");
    results.afterUnsubscribe = await publisher.publish("news", "unheard");
    // Named: ioredis 5.4.1 mishandles (P)UNSUBSCRIBE without names (on Redis too).
    results.unsubscribeRest = await subscriber.unsubscribe("sports", "bin");
    // Out of subscribed mode, everything runs again.
    results.getAfter = await subscriber.get("k");
    results.got = got;
    results.quit = [await subscriber.quit(), await publisher.quit()];
  } finally {
    subscriber.disconnect();
    publisher.disconnect();
  }
  results.errors = errors;
  return results;
}

const IOREDIS_EXPECTED = {
  subscribe: 3,
  psubscribe: 4,
  subscribedPing: ["pong", ""],
  subscribedGet: {
    class: "Error",
    message: "Connection in subscriber mode, only subscriber commands may be used",
  },
  numsub: ["news", 1, "bin", 1, "zilch", 0],
  numpat: 1,
  channels: ["bin", "news", "sports"],
  published: [2, 0, 1, 1, 2],
  unsubscribeNews: 3,
  punsubscribe: 2,
  afterUnsubscribe: 0,
  unsubscribeRest: 0,
  getAfter: null,
  got: [
    ["message", "news", "hello"],
    ["pmessage", "n*", "news", "hello"],
    ["message", "sports", "goal"],
    ["messageBuffer", "bin", BINARY],
    ["message", "news", "bye"],
    ["pmessage", "n*", "news", "bye"],
  ],
  quit: ["OK", "OK"],
  errors: [],
};

async function onRedis(scenario: Scenario): Promise<Record<string, unknown>> {
  await using redis = await startRedisServer();
  return await scenario(redis.port);
}

async function onWalkv(scenario: Scenario): Promise<Record<string, unknown>> {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  const results = await scenario(server.port);
  assertEquals((await server.stop()).code, 0, server.stderrText());
  return results;
}

Deno.test("client pubsub: node-redis 6.3.1 scenario passes against redis-server", async () => {
  assertEquals(await onRedis(nodeRedisScenario), NODE_REDIS_EXPECTED);
});

Deno.test("client pubsub: node-redis 6.3.1 gets from walkv what it gets from redis-server", async () => {
  assertEquals(await onWalkv(nodeRedisScenario), await onRedis(nodeRedisScenario));
});

Deno.test("client pubsub: ioredis 5.4.1 scenario passes against redis-server", async () => {
  assertEquals(await onRedis(ioredisScenario), IOREDIS_EXPECTED);
});

Deno.test("client pubsub: ioredis 5.4.1 gets from walkv what it gets from redis-server", async () => {
  assertEquals(await onWalkv(ioredisScenario), await onRedis(ioredisScenario));
});
