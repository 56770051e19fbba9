import { assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { WalkvClient, WalkvError } from "../../src/client/mod.ts";
import { answer, scriptedServer } from "../helpers/scripted_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

async function withClient(test: (client: WalkvClient, port: number) => Promise<void>) {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using client = await WalkvClient.connect({ port: server.port });
  await test(client, server.port);
}

Deno.test("Pipeline returns every result in order, an error reply in its place", () =>
  withClient(async (client) => {
    const pipeline = client.pipeline();
    const set = pipeline.set("a", "1");
    const incr = pipeline.incr("a");
    const wrong = pipeline.hget("a", "f");
    pipeline.send("NOPE");
    const get = pipeline.get("a");
    const bytes = pipeline.getBytes("a");
    assertEquals(pipeline.length, 6);
    const results = await pipeline.exec();
    assertEquals(pipeline.length, 0);
    assertEquals(results.length, 6);
    assertEquals(results.slice(0, 2), [true, 2]);
    assertInstanceOf(results[2], WalkvError);
    assertEquals((results[2] as WalkvError).code, "WRONGTYPE");
    assertEquals(
      (results[3] as WalkvError).reply,
      "ERR unknown command 'NOPE', with args beginning with: ",
    );
    assertEquals(results.slice(4), ["2", new TextEncoder().encode("2")]);
    // Each helper's own promise has its own typed result.
    assertEquals(await set, true);
    assertEquals(await incr, 2);
    await assertRejects(() => wrong, WalkvError, "WRONGTYPE");
    assertEquals(await get, "2");
    assertEquals(await bytes, new TextEncoder().encode("2"));
    // Empty, and then reusable.
    assertEquals(await pipeline.exec(), []);
    pipeline.del("a");
    assertEquals(await pipeline.exec(), [1]);
  }));

Deno.test("Pipeline sends all its commands in one write, as do calls made in one tick", async () => {
  const received: string[] = [];
  await using server = scriptedServer(async (conn) => {
    const chunk = new Uint8Array(64 * 1024);
    for (;;) {
      const n = await conn.read(chunk);
      if (n === null) return;
      received.push(new TextDecoder().decode(chunk.subarray(0, n)));
      await answer(conn, "+OK\r\n:1\r\n$1\r\n1\r\n");
    }
  });
  await using client = await WalkvClient.connect({ readyCheck: false, port: server.port });
  const pipeline = client.pipeline();
  pipeline.set("k", "1");
  pipeline.exists("k");
  pipeline.get("k");
  assertEquals(await pipeline.exec(), [true, 1, "1"]);
  assertEquals(
    await Promise.all([client.set("k", "1"), client.exists("k"), client.get("k")]),
    [true, 1, "1"],
  );
  const batch = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n" +
    "*2\r\n$6\r\nEXISTS\r\n$1\r\nk\r\n" +
    "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  assertEquals(received, [batch, batch]);
});

Deno.test("Pipeline of ten thousand commands", () =>
  withClient(async (client) => {
    const pipeline = client.pipeline();
    for (let i = 0; i < 10_000; i++) pipeline.rpush("l", i);
    const results = await pipeline.exec();
    assertEquals(results.length, 10_000);
    assertEquals(results[9_999], 10_000);
    assertEquals(await client.llen("l"), 10_000);
  }));

Deno.test("Transaction runs its commands with MULTI/EXEC and returns EXEC's results", () =>
  withClient(async (client) => {
    await client.set("text", "abc");
    const transaction = client.multi();
    const incr = transaction.incr("n");
    transaction.incr("text"); // fails at run time; Redis runs the rest
    transaction.rpush("l", "x");
    transaction.getBytes("text");
    const get = transaction.get("n");
    const results = await transaction.exec();
    if (results === null) throw new Error("EXEC did not run the transaction");
    assertEquals(results[0], 1);
    assertEquals((results[1] as WalkvError).reply, "ERR value is not an integer or out of range");
    assertEquals(results.slice(2), [1, new TextEncoder().encode("abc"), "1"]);
    assertEquals(await incr, 1);
    assertEquals(await get, "1");
    // The connection is out of MULTI again.
    assertEquals(await client.get("n"), "1");
  }));

Deno.test("Transaction refused while queueing rejects with EXECABORT and runs nothing", () =>
  withClient(async (client) => {
    const transaction = client.multi();
    const set = transaction.set("k", "v");
    const bad = transaction.send("GET");
    const error = await assertRejects(() => transaction.exec(), WalkvError);
    assertEquals(error.reply, "EXECABORT Transaction discarded because of previous errors.");
    await assertRejects(() => bad, WalkvError, "wrong number of arguments for 'get' command");
    await assertRejects(() => set, WalkvError, "EXECABORT");
    assertEquals(await client.get("k"), null);
  }));

Deno.test("Transaction with WATCH resolves null when a watched key changed, and runs otherwise", () =>
  withClient(async (client, port) => {
    await using other = await WalkvClient.connect({ port });
    await client.set("balance", 10);
    await client.watch("balance");
    await other.set("balance", 99);
    const aborted = client.multi();
    const write = aborted.set("balance", 11);
    assertEquals(await aborted.exec(), null);
    await assertRejects(() => write, Error, "a watched key changed");
    assertEquals(await client.get("balance"), "99");

    await client.watch("balance");
    const transaction = client.multi();
    transaction.incrBy("balance", 1);
    assertEquals(await transaction.exec(), [100]);

    // UNWATCH forgets the keys.
    await client.watch("balance");
    await other.set("balance", 1);
    await client.unwatch();
    const unwatched = client.multi();
    unwatched.get("balance");
    assertEquals(await unwatched.exec(), ["1"]);
  }));

Deno.test("Transaction.discard sends nothing and rejects its commands", () =>
  withClient(async (client) => {
    const transaction = client.multi();
    const set = transaction.set("k", "v");
    transaction.discard();
    await assertRejects(() => set, Error, "discarded");
    assertEquals(transaction.length, 0);
    assertEquals(await transaction.exec(), []);
    assertEquals(await client.get("k"), null);
  }));
