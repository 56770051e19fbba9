/**
 * The listener under hostile clients (`src/server/listener.ts`): a flood of
 * connections reset before they are accepted, running out of file
 * descriptors, and clients over `--maxclients`. Each test drives a real
 * walkv on loopback; the floods come from `tests/helpers/rst_flood.py`,
 * since Deno cannot set SO_LINGER 0, and the descriptor limit from a
 * python3 `setrlimit` wrapper. python3 is required, as redis-server is for
 * the compatibility tests: a missing one fails the test, saying so.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const FLOOD_SCRIPT = new URL("../helpers/rst_flood.py", import.meta.url).pathname;
/** Connections reset in one flood, and over how long: ~200 a second, as in the report. */
const FLOOD_CONNECTIONS = 400;
const FLOOD_SECONDS = 2;
/** A new client must be answered this soon after the cause of trouble is gone. */
const SERVED_WITHIN_MS = 1000;
/**
 * The descriptor limit for the EMFILE test: walkv uses ~27 descriptors of
 * its own, so this leaves room for a few dozen clients.
 */
const FD_LIMIT = 64;
/** More connections than FD_LIMIT could ever serve, so the search below ends. */
const MAX_PROBES = 2 * FD_LIMIT;
/** How long a probe waits for its PONG before it counts as not served. */
const PROBE_MS = 1000;

/** `/usr/bin/python3` if present, else `python3` from PATH. */
async function python(): Promise<string> {
  try {
    await Deno.stat("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/** Runs python3 to completion, failing with what it printed if it fails. */
async function runPython(args: string[]): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(await python(), {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("python3 is needed for this test (apt-get install python3-minimal)");
    }
    throw error;
  }
  const decoder = new TextDecoder();
  const stdout = decoder.decode(output.stdout);
  assertEquals(output.code, 0, `python3 ${args.join(" ")}: ${decoder.decode(output.stderr)}`);
  return stdout;
}

/** Lines of the server's stderr that report a failed accept. */
function acceptWarnings(stderr: string): string[] {
  return stderr.split("\n").filter((line) => line.includes("accept failed"));
}

/** Sends a RESP PING and waits up to `timeoutMs` for the PONG; false if none came. */
async function answersPing(connection: RawConnection, timeoutMs: number): Promise<boolean> {
  await connection.send(frame("PING"));
  try {
    return await readRespReply(connection, timeoutMs) === "+PONG\r\n";
  } catch {
    return false;
  }
}

Deno.test("listener serves a new client within 1 s of a connect-and-reset flood", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using existing = await RawConnection.connect(server.port);
  assertEquals(await request(existing, "SET before flood"), "+OK");

  const flood = await runPython([
    FLOOD_SCRIPT,
    String(server.port),
    String(FLOOD_CONNECTIONS),
    String(FLOOD_SECONDS),
  ]);
  const floodEnded = performance.now();
  const reset = Number(/^reset (\d+) of/.exec(flood)?.[1]);
  assert(reset >= FLOOD_CONNECTIONS * 0.9, `the flood did not happen: ${flood}`);

  using fresh = await RawConnection.connect(server.port);
  await fresh.send(frame("PING"));
  const left = SERVED_WITHIN_MS - (performance.now() - floodEnded);
  const pong = await readRespReply(fresh, Math.max(0, left)).catch((error: Error) => {
    throw new Error(
      `a new client was not served within ${SERVED_WITHIN_MS} ms of the flood ` +
        `ending (${flood.trim()}): ${error.message}`,
    );
  });
  assertEquals(pong, "+PONG\r\n");
  using text = await RawConnection.connect(server.port);
  assertEquals(await request(text, "SET after flood"), "+OK");
  assertEquals(await request(text, "GET before"), "+OK flood");
  assertEquals(await request(existing, "GET after"), "+OK flood");

  // A client that gave up says nothing about the server: no warning for it.
  assertEquals(acceptWarnings(server.stderrText()), []);
  existing.close();
  fresh.close();
  text.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

/**
 * Runs the command after it with RLIMIT_NOFILE lowered to `argv[1]`: the
 * server then runs out of descriptors after a few dozen clients.
 */
const WITH_FD_LIMIT = "import os, resource, sys\n" +
  "n = int(sys.argv[1])\n" +
  "resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))\n" +
  "os.execv(sys.argv[2], sys.argv[2:])\n";

const TOO_MANY = "-ERR max number of clients reached\r\n";

Deno.test("out of descriptors, the next client is refused at once and maxclients lowered", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    commandPrefix: [await python(), "-c", WITH_FD_LIMIT, String(FD_LIMIT)],
  });
  const served: RawConnection[] = [];
  try {
    // Connect until one is not served. It must be told so within a second,
    // not left in the accept queue unanswered.
    let refused = "";
    while (refused === "" && served.length < MAX_PROBES) {
      const connection = await RawConnection.connect(server.port);
      await connection.send(frame("PING"));
      const reply = await readRespReply(connection, PROBE_MS).catch(() => "(no reply)");
      if (reply === "+PONG\r\n") served.push(connection);
      else {
        refused = reply;
        connection.close();
      }
    }
    assertEquals(refused, TOO_MANY);
    assert(served.length >= 3, `only ${served.length} connection(s) served under the limit`);
    // The clients already in keep being served.
    assert(await answersPing(served[0], PROBE_MS), "a connected client was not served");
    const reduced = /maxclients has been reduced to (\d+)/.exec(server.stderrText());
    assert(reduced !== null, `no reduction logged: ${server.stderrText()}`);
    const maxClients = Number(reduced?.[1]);
    assert(maxClients < served.length, `maxclients ${maxClients}, ${served.length} served`);

    // Once enough clients leave, a new one is served again within a second.
    for (const connection of served.splice(0, served.length - maxClients + 1)) connection.close();
    const freed = performance.now();
    let servedAgain = false;
    while (!servedAgain && performance.now() - freed < SERVED_WITHIN_MS) {
      using next = await RawConnection.connect(server.port);
      servedAgain = await answersPing(next, PROBE_MS);
    }
    assert(servedAgain, `no new client was served within ${SERVED_WITHIN_MS} ms`);
    assertEquals(acceptWarnings(server.stderrText()), [], "a refusal is not an accept failure");
  } finally {
    for (const connection of served) connection.close();
  }
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("listener refuses clients over --maxclients with Redis's error, counted", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--maxclients", "2"] });
  using text = await RawConnection.connect(server.port);
  using resp = await RawConnection.connect(server.port);
  assertEquals(await request(text, "SET k v"), "+OK");
  assertEquals(await respCall(resp, "PING"), "+PONG\r\n");

  // A RESP client reads an error reply; a text client an error line.
  for (let i = 0; i < 2; i++) {
    using refused = await RawConnection.connect(server.port);
    assertEquals(new TextDecoder().decode(await refused.readToEnd()), TOO_MANY);
  }
  assertEquals(
    await respCall(resp, "CONFIG", "GET", "maxclients"),
    "*2\r\n$10\r\nmaxclients\r\n$1\r\n2\r\n",
  );
  const stats = await respCall(resp, "INFO", "stats");
  assertStringIncludes(stats, "\r\nrejected_connections:2\r\n");

  // A freed place is taken again (the server notices the close soon, not at once).
  text.close();
  const servedAgain = async (): Promise<boolean> => {
    using next = await RawConnection.connect(server.port);
    await next.send("GET k\n");
    // A refused client may also see a reset: the server did not read its GET.
    return await next.readText(1).then((reply) => reply === "+OK v\n", () => false);
  };
  const deadline = Date.now() + 10_000;
  let served = false;
  while (!served && Date.now() < deadline) {
    served = await servedAgain();
    if (!served) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert(served, "no place was freed after a client left");
  resp.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
