import { assert, assertEquals, assertRejects } from "@std/assert";
import { ConnectionLostError, type PubSubMessage, WalkvClient } from "../../src/client/mod.ts";
import { answer, readCommands, scriptedServer } from "../helpers/scripted_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Resolves once `check` holds, polling; fails after `ms`. */
async function eventually(
  check: () => boolean | Promise<boolean>,
  what: string,
  ms = 10_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!await check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const PATIENT = { attempts: 60, delay: 50, maxDelay: 250 };

Deno.test("WalkvClient reconnects after walkv is killed with SIGKILL and restarted", async () => {
  await using dir = await tempDir();
  const args = ["--requirepass", "pw"];
  const first = await startServer({ walDir: dir.path, args });
  const port = first.port;
  await using client = await WalkvClient.connect({
    port,
    password: "pw",
    db: 2,
    reconnect: PATIENT,
  });
  const seen: PubSubMessage[] = [];
  await using news = await client.subscribe("news", (message) => seen.push(message));
  await client.set("k", "durable");

  // A command in flight when the server dies is rejected, not sent again.
  const blocked = assertRejects(() => client.blpop("queue", 30), ConnectionLostError);
  await new Promise((resolve) => setTimeout(resolve, 100));
  await first.kill();
  const lost = await blocked;
  assert(lost.message.startsWith("The connection to walkv was lost"), lost.message);
  assertEquals(client.isConnected, false);

  // The next command reconnects (AUTH and SELECT again) once walkv is back.
  await using second = await startServer({ walDir: dir.path, args, port });
  assertEquals(await client.get("k"), "durable");
  assertEquals(client.isConnected, true);
  assertEquals(await client.send("CLIENT", "INFO").then((info) => /db=2/.test(String(info))), true);

  // The subscription subscribed again by itself.
  await eventually(async () => await client.publish("news", "back") === 1, "the resubscription");
  await eventually(() => seen.some((m) => m.message === "back"), "a message after the restart");
  assertEquals(news.channels, ["news"]);

  // A command made while walkv is down waits out the retries until it is back.
  await second.kill();
  await eventually(() => !client.isConnected, "the client to notice the kill");
  const waiting = client.incr("visits");
  await using third = await startServer({ walDir: dir.path, args, port });
  assertEquals(await waiting, 1);
  assertEquals(await client.get("k"), "durable");
  assertEquals(third.port, port);
});

/**
 * A server that answers GET with "value", hangs up on INCR without answering,
 * on the first GET of "flaky" and on every GET of "always-drop"; answers
 * WATCH, then hangs up.
 */
function flakyServer() {
  let droppedFlaky = false;
  const server = scriptedServer(async (conn) => {
    for (;;) {
      const [command] = await readCommands(server, conn, 1);
      if (command[0] === "INCR") return;
      if (command[0] === "WATCH") {
        await answer(conn, "+OK\r\n");
        return; // the watch is lost with the connection
      }
      if (command[1] === "always-drop") return;
      if (command[1] === "flaky" && !droppedFlaky) {
        droppedFlaky = true;
        return;
      }
      await answer(conn, command[0] === "GET" ? "$5\r\nvalue\r\n" : "+OK\r\n");
    }
  });
  return server;
}

Deno.test("A read-only helper in flight is retried once after a loss; a write is not", async () => {
  await using server = flakyServer();
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port: server.port,
    reconnect: PATIENT,
  });
  assertEquals(await client.get("flaky"), "value");
  assertEquals(server.commands, [["GET", "flaky"], ["GET", "flaky"]]);
  assertEquals(server.accepted, 2);

  await assertRejects(() => client.incr("n"), ConnectionLostError);
  assertEquals(await client.get("after"), "value");
  assertEquals(server.commands.filter(([name]) => name === "INCR").length, 1);
  assertEquals(server.accepted, 3);

  // Retried once, not twice.
  await assertRejects(() => client.get("always-drop"), ConnectionLostError);
  assertEquals(server.commands.filter(([, key]) => key === "always-drop").length, 2);
  // send() does not know what a command does, so it is never retried.
  await assertRejects(() => client.send("GET", "always-drop"), ConnectionLostError);
  assertEquals(server.commands.filter(([, key]) => key === "always-drop").length, 3);
});

Deno.test("A lost connection loses the WATCH, so EXEC is not sent", async () => {
  await using server = flakyServer();
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port: server.port,
    reconnect: PATIENT,
  });
  await client.watch("balance");
  await eventually(() => !client.isConnected, "the hang-up");
  const transaction = client.multi();
  const set = transaction.set("balance", 1);
  const error = await assertRejects(() => transaction.exec(), ConnectionLostError);
  assertEquals(
    error.message,
    "The connection was lost after WATCH, and the watch with it, so the transaction was not sent",
  );
  await assertRejects(() => set, ConnectionLostError);
  assertEquals(server.commands, [["WATCH", "balance"]]);
  // The next transaction, unwatched, runs on a new connection.
  const next = client.multi();
  next.get("x");
  // The fake server answers EXEC with +OK, not an array: what matters is that it was sent.
  await assertRejects(() => next.exec(), TypeError, 'Expected 1 results from EXEC, found "OK"');
  assertEquals(server.commands.slice(1), [["MULTI"], ["GET", "x"], ["EXEC"]]);
});

Deno.test("Reconnecting gives up after the bounded number of tries", async () => {
  const server = scriptedServer(async (conn) => {
    await readCommands(server, conn, 1);
  });
  const port = server.port;
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port,
    reconnect: { attempts: 3, delay: 50, maxDelay: 100 },
  });
  await server.close(); // nothing listens any more
  await eventually(() => !client.isConnected, "the client to notice");
  const started = performance.now();
  const error = await assertRejects(() => client.get("k"), ConnectionLostError);
  const waited = performance.now() - started;
  assertEquals(
    error.message.startsWith(`Could not reconnect to walkv at 127.0.0.1:${port} in 3 tries: `),
    true,
    error.message,
  );
  assert(error.cause instanceof Deno.errors.ConnectionRefused, String(error.cause));
  assert(waited >= 140 && waited < 3_000, `waited ${waited} ms for 3 tries`);
  // Each command gets a new round of tries.
  await assertRejects(() => client.set("k", "v"), ConnectionLostError, "in 3 tries");
});

Deno.test("With reconnect off, commands after a loss are rejected at once", async () => {
  const server = scriptedServer(async (conn) => {
    await readCommands(server, conn, 1);
  });
  await using client = await WalkvClient.connect({
    readyCheck: false,
    port: server.port,
    reconnect: false,
  });
  await assertRejects(() => client.ping(), ConnectionLostError, "walkv closed it");
  await server.close();
  await assertRejects(() => client.ping(), ConnectionLostError, "and reconnect is off");
  assertEquals(server.accepted, 1);
});

Deno.test("Closing the client stops a reconnect that is waiting between tries", async () => {
  const server = scriptedServer(async (conn) => {
    await readCommands(server, conn, 1);
  });
  const client = await WalkvClient.connect({
    readyCheck: false,
    port: server.port,
    reconnect: { attempts: 100, delay: 10_000, maxDelay: 10_000 },
  });
  await server.close();
  await eventually(() => !client.isConnected, "the client to notice");
  const waiting = assertRejects(() => client.get("k"), ConnectionLostError); // one try, then 10 s
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started = performance.now();
  await client.close();
  assertEquals((await waiting).message, "The client was closed while reconnecting");
  assert(performance.now() - started < 1_000, "close did not wait out the retry delay");
  await assertRejects(() => client.get("k"), ConnectionLostError, "The client is closed");
});
