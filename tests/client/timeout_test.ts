import { assert, assertEquals, assertRejects } from "@std/assert";
import { WalkvClient } from "../../src/client/mod.ts";
import { answer, drain, readCommands, scriptedServer } from "../helpers/scripted_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

Deno.test("commandTimeout rejects a command a silent server never answers", async () => {
  await using silent = scriptedServer(drain);
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port: silent.port,
    commandTimeout: 200,
  });
  const started = performance.now();
  const error = await assertRejects(() => client.ping(), Deno.errors.TimedOut);
  const waited = performance.now() - started;
  assertEquals(error.message, "walkv did not answer PING within 200 ms");
  assert(waited >= 190 && waited < 2_000, `waited ${waited} ms`);
  // Every command gets its own timeout, pipelines too.
  const pipeline = client.pipeline();
  pipeline.get("a");
  const get = pipeline.get("b");
  await assertRejects(() => pipeline.exec(), Deno.errors.TimedOut, "GET within 200 ms");
  await assertRejects(() => get, Deno.errors.TimedOut);
});

Deno.test("A reply that comes after its timeout is dropped; the next command gets its own", async () => {
  await using late = scriptedServer(async (conn) => {
    // FIRST, then SECOND (sent once FIRST timed out), then both replies at once.
    await readCommands(late, conn, 2);
    await answer(conn, "+late\r\n+second\r\n");
    await drain(conn);
  });
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port: late.port,
    commandTimeout: 100,
  });
  await assertRejects(() => client.send("FIRST"), Deno.errors.TimedOut, "FIRST within 100 ms");
  const second = client.send("SECOND");
  assertEquals(await second, "second");
  assertEquals(late.commands, [["FIRST"], ["SECOND"]]);
});

Deno.test("connectTimeout covers the handshake with a server that never answers", async () => {
  await using silent = scriptedServer(drain);
  for (
    const [options, sent] of [
      [{ password: "pw" }, "AUTH"],
      [{ protocol: 3 as const }, "HELLO"],
      [{ db: 3, name: "n" }, "CLIENT, SELECT"],
    ] as const
  ) {
    const started = performance.now();
    const error = await assertRejects(
      () =>
        WalkvClient.connect({
          readyCheck: false,
          port: silent.port,
          connectTimeout: 200,
          ...options,
        }),
      Deno.errors.TimedOut,
    );
    const waited = performance.now() - started;
    assertEquals(
      error.message,
      `walkv at 127.0.0.1:${silent.port} did not answer the handshake (${sent}) within 200 ms`,
    );
    assert(waited >= 190 && waited < 2_000, `waited ${waited} ms`);
  }
});

Deno.test("A blocking command's own timeout is added to the command timeout", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using client = await WalkvClient.connect({ port: server.port, commandTimeout: 200 });
  await using pusher = await WalkvClient.connect({ port: server.port });
  const started = performance.now();
  assertEquals(await client.blpop("empty", 0.6), null);
  assert(performance.now() - started >= 550, "BLPOP waited its own timeout");
  // BRPOP with 0 waits for ever: no command timeout at all.
  const waiting = client.brpop(["a", "b"], 0);
  await new Promise((resolve) => setTimeout(resolve, 400));
  await pusher.rpush("b", "late but fine");
  assertEquals(await waiting, ["b", "late but fine"]);
});
