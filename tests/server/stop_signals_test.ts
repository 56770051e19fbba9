/**
 * Stop signals as an operator sends them (src/server/stop_signals.ts): one
 * Ctrl-C under `deno task start` at a real terminal (a pty from python3),
 * which reaches walkv more than once, is one clean shutdown that keeps every
 * acknowledged write; a second signal within 500 ms of the first is the same
 * request; one a second later forces the exit.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { SAME_SIGNAL_MS, StopSignals } from "../../src/server/stop_signals.ts";
import { Shutdown } from "../../src/server/shutdown.ts";
import {
  freePort,
  RawConnection,
  REPO_ROOT,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { startTaskInPty } from "../helpers/pty_session.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();
const PIPELINED = 20_000;

Deno.test("StopSignals takes a signal within the window for the first, forces on a later one", () => {
  let now = 0;
  let forced = 0;
  const shutdown = new Shutdown();
  using signals = new StopSignals(shutdown, { now: () => now, force: () => forced++ });
  assert(!shutdown.requested);
  signals.receive("SIGINT");
  assert(shutdown.requested);
  now = 3;
  signals.receive("SIGINT"); // deno task's forwarded copy
  now = SAME_SIGNAL_MS - 1;
  signals.receive("SIGTERM");
  assertEquals(forced, 0);
  now = SAME_SIGNAL_MS;
  signals.receive("SIGINT");
  assertEquals(forced, 1);
});

/** Sends a long text pipeline of SETs and resolves once the first replies are back. */
async function pipelineInFlight(client: RawConnection): Promise<Promise<void>> {
  let commands = "";
  for (let i = 0; i < PIPELINED; i++) commands += `SET p${i} v${i}\n`;
  const sent = client.send(commands).catch(() => {}); // the server may close mid-send
  for (let i = 0; i < 500 && client.pending.length === 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  assert(client.pending.length > 0, "no reply to the pipeline within 5 s");
  return sent;
}

/** Checks that the first `answered` SETs of the pipeline are in the WAL at `walDir/walName`. */
async function assertDurable(walDir: string, walName: string, answered: number): Promise<void> {
  await using server = await startServer({ walDir, walName });
  using client = await RawConnection.connect(server.port);
  let gets = "";
  let expected = "";
  for (let i = 0; i < answered; i++) {
    gets += `GET p${i}\n`;
    expected += `+OK v${i}\n`;
  }
  const replies = client.readReplies(answered, 15_000);
  await client.send(gets);
  assertEquals(decoder.decode(await replies), expected);
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
}

Deno.test("Ctrl-C at a terminal under deno task start shuts down cleanly, exit 0, writes kept", async () => {
  // The task grants only ./wal_files, so the WAL lives there under a name of its own.
  const walDir = `${REPO_ROOT}wal_files`;
  const walName = `stop_signals_test_${Deno.pid}_${Date.now()}`;
  const port = freePort();
  try {
    await using task = startTaskInPty(["--port", String(port), "--wal", `wal_files/${walName}`]);
    await task.waitFor(`listening on 127.0.0.1:${port}`);
    let answered: number;
    {
      using client = await RawConnection.connect(port);
      const closed = client.readToEnd(20_000);
      const sent = await pipelineInFlight(client);
      await task.ctrlC();
      assertEquals(await task.exitCode(), 0, task.text());
      await sent;
      const replies = decoder.decode(await closed);
      answered = replies.length / 4;
      assert(answered >= 1 && Number.isInteger(answered), JSON.stringify(replies.slice(-40)));
      assertEquals(replies, "+OK\n".repeat(answered), "only whole +OK replies, in order");
    }
    const terminal = task.text();
    assertStringIncludes(terminal, "SIGINT received");
    assertStringIncludes(terminal, "shut down cleanly");
    assert(!terminal.includes("exiting now"), terminal);
    await assertDurable(walDir, walName, answered);
  } finally {
    for (const suffix of ["", ".lock", ".compact"]) {
      await Deno.remove(`${walDir}/${walName}${suffix}`).catch(() => {});
    }
  }
});

/**
 * A server whose shutdown cannot finish by itself: a client has asked for
 * far more reply bytes than it reads, so the reply in hand waits for it.
 * `release` closes that client, which lets the shutdown end.
 */
async function stuckShutdown(
  walDir: string,
): Promise<{ server: ServerProcess; release: () => void }> {
  const server = await startServer({ walDir, args: ["--no-persist"] });
  const setup = await RawConnection.connect(server.port);
  const value = "x".repeat(1 << 20);
  await setup.send(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n${value}\r\n`);
  assertEquals(await setup.readText(1), "+OK\r\n");
  setup.close();
  const stalled = await RawConnection.connect(server.port);
  await stalled.send("*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n".repeat(64)); // 64 MiB of replies, never read
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { server, release: () => stalled.close() };
}

Deno.test("two SIGINTs 100 ms apart are one request: the shutdown finishes, exit 0", async () => {
  await using dir = await tempDir();
  const { server, release } = await stuckShutdown(dir.path);
  await using _server = server;
  server.process.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 100));
  server.process.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 700)); // past the window
  assert(!server.stdoutText().includes("shut down cleanly"), "the shutdown was not held up");
  release();
  const status = await server.exited();
  assertEquals(status.code, 0, server.stderrText());
  assertStringIncludes(server.stdoutText(), "shut down cleanly");
  assert(!server.stderrText().includes("exiting now"), server.stderrText());
});

Deno.test("a second SIGINT 1 s after the first forces the exit, code 1", async () => {
  await using dir = await tempDir();
  const { server, release } = await stuckShutdown(dir.path);
  await using _server = server;
  server.process.kill("SIGINT");
  await new Promise((resolve) => setTimeout(resolve, 1000));
  server.process.kill("SIGINT");
  const status = await server.exited();
  release();
  assertEquals(status.code, 1, server.stderrText());
  assertStringIncludes(server.stderrText(), "second SIGINT");
  assertStringIncludes(server.stderrText(), "exiting now");
  assert(!server.stdoutText().includes("shut down cleanly"), server.stdoutText());
});
