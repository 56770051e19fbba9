/**
 * walkv through a widely used Redis client, node-redis 4 (`npm:redis`), as
 * an application would use it: strings, binary Buffers, counters, TTLs,
 * auto-pipelined bursts, pipelines, SCAN iteration, errors, QUIT. The same
 * scenario runs against a real redis-server first, so every expectation
 * here is Redis's own answer.
 */
import { assert, assertEquals, assertRejects } from "@std/assert";
import { Buffer } from "node:buffer";
import { createClient } from "npm:redis@4.7.1";
import { startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Every byte value, twice, so the key and the value differ. */
const ALL_BYTES = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256));
const BINARY_KEY = Buffer.from([0x00, 0x0d, 0x0a, 0xff, 0x80, 0x6b]);

/** The whole scenario against whatever listens on `port`. */
async function scenario(port: number): Promise<void> {
  const errors: unknown[] = [];
  const client = createClient({ socket: { host: "127.0.0.1", port, reconnectStrategy: false } });
  client.on("error", (error: unknown) => errors.push(error));
  await client.connect();
  try {
    assertEquals(await client.ping(), "PONG");
    assertEquals(await client.flushAll(), "OK");

    // Strings.
    assertEquals(await client.set("greeting", "héllo wörld"), "OK");
    assertEquals(await client.get("greeting"), "héllo wörld");
    assertEquals(await client.get("missing"), null);
    assertEquals(await client.set("greeting", "x", { NX: true }), null);
    assertEquals(await client.set("greeting", "bye", { XX: true, GET: true }), "héllo wörld");
    assertEquals(await client.strLen("greeting"), 3);
    assertEquals(await client.append("greeting", "!"), 4);
    assertEquals(await client.getDel("greeting"), "bye!");
    assertEquals(await client.exists("greeting"), 0);

    // Binary keys and values round-trip as Buffers, byte for byte.
    assertEquals(await client.set(BINARY_KEY, ALL_BYTES), "OK");
    const binary = await client.get(client.commandOptions({ returnBuffers: true }), BINARY_KEY);
    if (!(binary instanceof Buffer)) throw new TypeError(`GET returned ${binary}, not a Buffer`);
    assertEquals(binary.length, ALL_BYTES.length);
    assert(binary.equals(ALL_BYTES), "the value came back changed");
    assertEquals(await client.strLen(BINARY_KEY), ALL_BYTES.length);

    // Counters.
    assertEquals(await client.incr("n"), 1);
    assertEquals(await client.incrBy("n", 41), 42);
    assertEquals(await client.decr("n"), 41);
    assertEquals(await client.decrBy("n", 40), 1);
    assertEquals(await client.incrByFloat("f", 0.5), "0.5");
    await client.set("word", "abc");
    await assertRejects(
      () => client.incr("word"),
      Error,
      "value is not an integer or out of range",
    );

    // MSET and MGET.
    assertEquals(await client.mSet({ a: "1", b: "2", c: "3" }), "OK");
    assertEquals(await client.mGet(["a", "missing", "b", "c"]), ["1", null, "2", "3"]);
    assertEquals(await client.mSetNX({ a: "9", d: "4" }), false);
    assertEquals(await client.get("d"), null);

    // TTLs.
    assertEquals(await client.expire("a", 100), true);
    assertEquals(await client.ttl("a"), 100);
    const pttl = await client.pTTL("a");
    assert(pttl > 99_000 && pttl <= 100_000, `PTTL said ${pttl}`);
    assertEquals(await client.persist("a"), true);
    assertEquals(await client.ttl("a"), -1);
    assertEquals(await client.ttl("missing"), -2);
    assertEquals(await client.set("brief", "v", { PX: 50 }), "OK");
    await new Promise((resolve) => setTimeout(resolve, 120));
    assertEquals(await client.get("brief"), null);
    assertEquals(await client.setEx("ex", 100, "v"), "OK");
    assertEquals(await client.ttl("ex"), 100);

    // A burst in one tick goes out as one pipelined write; replies keep their order.
    const count = 2000;
    const sets = await Promise.all(
      Array.from({ length: count }, (_, i) => client.set(`burst:${i}`, `value ${i}`)),
    );
    assert(sets.every((reply) => reply === "OK"));
    const gets = await Promise.all(
      Array.from({ length: count }, (_, i) => client.get(`burst:${i}`)),
    );
    assertEquals(gets, Array.from({ length: count }, (_, i) => `value ${i}`));
    const counters = await Promise.all(Array.from({ length: 500 }, () => client.incr("hits")));
    assertEquals(counters, Array.from({ length: 500 }, (_, i) => i + 1));

    // An explicit pipeline (no MULTI/EXEC), mixing replies of every kind.
    const pipelined = await client.multi()
      .set("p", "1")
      .incr("p")
      .get("p")
      .exists(["p", "missing"])
      .type("p")
      .del("p")
      .get("p")
      .execAsPipeline();
    assertEquals(pipelined, ["OK", 2, "2", 1, "string", 1, null]);

    // SCAN to completion, small pages.
    const scanned = new Set<string>();
    for await (const key of client.scanIterator({ MATCH: "burst:1*", COUNT: 50 })) {
      scanned.add(key);
    }
    const expected = Array.from({ length: count }, (_, i) => `burst:${i}`)
      .filter((key) => key.startsWith("burst:1"));
    assertEquals([...scanned].sort(), expected.sort());
    assertEquals((await client.keys("burst:1*")).sort(), expected.sort());

    // Keys.
    assertEquals(await client.rename("b", "b2"), "OK");
    assertEquals(await client.renameNX("b2", "c"), false);
    assertEquals(await client.type("b2"), "string");
    assertEquals(await client.del(["b2", "c", "missing"]), 2);
    assertEquals(await client.dbSize(), count + 7); // + binary, n, f, word, a, ex, hits
    assertEquals(await client.sendCommand(["ECHO", "raw"]), "raw");
    await assertRejects(() => client.sendCommand(["NOSUCHCOMMAND"]), Error, "unknown command");
    // The connection survives command errors.
    assertEquals(await client.ping(), "PONG");
  } finally {
    if (client.isOpen) await client.quit();
  }
  assertEquals(errors, []);
}

Deno.test("node-redis scenario passes against redis-server (checks the test itself)", async () => {
  await using redis = await startRedisServer();
  await scenario(redis.port);
});

Deno.test("node-redis scenario passes against walkv", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await scenario(server.port);
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
