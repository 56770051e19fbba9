/**
 * `--maxclients` against the open-file limit, walkv beside a real
 * redis-server: started under a limit of 200 descriptors (through
 * `prlimit`) and asked for 10,000 clients, a server cannot keep its
 * promise, so Redis lowers maxclients to what the limit allows, logs
 * `maxclients has been reduced to N`, and refuses client N + 1 with
 * `-ERR max number of clients reached` instead of failing to accept it.
 * walkv must do the same: log the line, serve N clients and refuse the next
 * one with Redis's error. Without the reduction, the clients past the
 * limit wait in the accept queue with no answer at all.
 *
 * Deno's sandbox does not let walkv read its open-file limit (`/proc`
 * needs `--allow-all`), so walkv lowers maxclients when accept first runs
 * out of descriptors: the client that hit the limit is refused through a
 * descriptor held in reserve, the line is logged, and from then on client
 * N + 1 is refused as by Redis.
 *
 * Also, without a low limit, `--maxclients 20`: the 21st client gets the
 * error and is closed, on both servers. Each scenario is one function of a
 * port, run against Redis first, so its expectations are Redis's.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import {
  freePort,
  RawConnection,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** The open-file limit (soft and hard) both servers run under. */
const FD_LIMIT = 200;
const PRLIMIT = ["prlimit", `--nofile=${FD_LIMIT}:${FD_LIMIT}`, "--"];
const TOO_MANY = "-ERR max number of clients reached\r\n";
/** How long a server may take to log the reduction once it listens. */
const LOG_WAIT_MS = 3_000;
/** How long the refused client may wait for its error and the close. */
const REFUSAL_WAIT_MS = 3_000;

/** Whether `prlimit` (util-linux) can be run here. */
async function prlimitWorks(): Promise<boolean> {
  try {
    const output = await new Deno.Command("prlimit", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return output.success;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

const HAS_PRLIMIT = await prlimitWorks();
if (!HAS_PRLIMIT) {
  console.warn(
    "maxclients_limit_test: prlimit (util-linux) is not installed, so the tests that lower " +
      "the open-file limit are ignored",
  );
}

/** A redis-server started through {@linkcode PRLIMIT}, killed on `await using`. */
interface LimitedRedis extends AsyncDisposable {
  readonly port: number;
  /** Everything it logged so far. */
  outputText(): string;
}

/**
 * Starts redis-server under {@linkcode PRLIMIT} with `args`, as
 * `startRedisServer` would start it (loopback, no snapshots, no AOF, a temp
 * dir), and resolves once it accepts connections. `startRedisServer` has no
 * way to start Redis through another command (`startServer`'s
 * `commandPrefix`); once it has, this can go.
 */
async function startLimitedRedis(args: string[]): Promise<LimitedRedis> {
  const dir = await tempDir();
  const port = freePort();
  const child = new Deno.Command(PRLIMIT[0], {
    args: [
      ...PRLIMIT.slice(1),
      "redis-server",
      ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      ...["--dir", dir.path, "--daemonize", "no", ...args],
    ],
    cwd: dir.path,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let output = "";
  const ready = Promise.withResolvers<boolean>();
  const drained = Promise.all([child.stdout, child.stderr].map(async (stream) => {
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      output += text;
      if (output.includes("Ready to accept connections")) ready.resolve(true);
    }
  }));
  let exited = false;
  child.status.then(() => {
    exited = true;
    ready.resolve(false);
  });
  const timer = setTimeout(() => ready.resolve(false), 10_000);
  const isReady = await ready.promise;
  clearTimeout(timer);
  const dispose = async () => {
    if (!exited) child.kill("SIGKILL");
    await drained;
    await child.status;
    await dir[Symbol.asyncDispose]();
  };
  if (!isReady) {
    await dispose();
    throw new Error(`redis-server under ${PRLIMIT.join(" ")} did not start:\n${output}`);
  }
  return { port, outputText: () => output, [Symbol.asyncDispose]: dispose };
}

/** The N of `maxclients has been reduced to N` in `output`, or `null` if no such line. */
function reducedTo(output: string): number | null {
  const match = /maxclients has been reduced to (\d+)/.exec(output);
  return match ? Number(match[1]) : null;
}

/** Waits up to {@linkcode LOG_WAIT_MS} for walkv to log the reduction (on either stream). */
async function walkvReducedTo(walkv: ServerProcess): Promise<number> {
  const deadline = Date.now() + LOG_WAIT_MS;
  for (;;) {
    const n = reducedTo(walkv.stdoutText() + walkv.stderrText());
    if (n !== null) return n;
    if (Date.now() > deadline) {
      throw new Error(
        `walkv under ${PRLIMIT.join(" ")} with --maxclients 10000 did not log ` +
          `"maxclients has been reduced to N"\n--- stdout ---\n${walkv.stdoutText()}\n` +
          `--- stderr ---\n${walkv.stderrText()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Opens clients on `port` until one is refused with Redis's error (each one
 * before it answered), then closes them all. Fails if none is refused
 * within the descriptor limit and a margin.
 */
async function connectUntilRefused(port: number): Promise<void> {
  const clients: RawConnection[] = [];
  try {
    for (let i = 0; i < FD_LIMIT + 20; i++) {
      const client = await RawConnection.connect(port);
      clients.push(client);
      await client.send("*1\r\n$4\r\nPING\r\n");
      const reply = new TextDecoder().decode(await client.readReplies(1, REFUSAL_WAIT_MS));
      if (reply === TOO_MANY) return;
      assertEquals(reply, "+PONG\r\n", `client ${i + 1}`);
    }
    throw new Error(`no client of ${FD_LIMIT + 20} was refused`);
  } finally {
    for (const client of clients) client.close();
  }
}

/**
 * The server on `port` takes `maxClients` clients, each answered, and
 * refuses the next with Redis's error and a close; the clients it has keep
 * being served, `CONFIG GET maxclients` says `maxClients`, and INFO counts
 * the one refusal.
 */
async function refusesAfter(port: number, maxClients: number, rejected = 1): Promise<void> {
  const clients: RawConnection[] = [];
  try {
    for (let i = 0; i < maxClients; i++) {
      const client = await RawConnection.connect(port);
      clients.push(client);
      assertEquals(await respCall(client, "PING"), "+PONG\r\n", `client ${i + 1} not served`);
    }
    using refused = await RawConnection.connect(port);
    const received = await refused.readToEnd(REFUSAL_WAIT_MS).catch((error: unknown) => {
      throw new Error(`client ${maxClients + 1} was neither refused nor closed: ${error}`);
    });
    assertEquals(new TextDecoder().decode(received), TOO_MANY);

    const [first, last] = [clients[0], clients[clients.length - 1]];
    assertEquals(await respCall(last, "PING"), "+PONG\r\n");
    const limit = String(maxClients);
    assertEquals(
      await respCall(first, "CONFIG", "GET", "maxclients"),
      `*2\r\n$10\r\nmaxclients\r\n$${limit.length}\r\n${limit}\r\n`,
    );
    assertStringIncludes(
      await respCall(first, "INFO", "stats"),
      `\r\nrejected_connections:${rejected}\r\n`,
    );
  } finally {
    for (const client of clients) client.close();
  }
}

Deno.test({
  name: "maxclients: under a 200-descriptor limit, --maxclients 10000 is reduced as in Redis",
  ignore: !HAS_PRLIMIT,
  async fn() {
    const flags = ["--maxclients", "10000"];
    {
      await using redis = await startLimitedRedis(flags);
      const n = reducedTo(redis.outputText());
      if (n === null) {
        throw new Error(`redis-server did not reduce maxclients:\n${redis.outputText()}`);
      }
      // Redis keeps 32 descriptors for itself: 168 of 200.
      assertEquals(n, FD_LIMIT - 32);
      await refusesAfter(redis.port, n);
    }
    await using dir = await tempDir();
    await using walkv = await startServer({
      walDir: dir.path,
      args: flags,
      commandPrefix: PRLIMIT,
    });
    await connectUntilRefused(walkv.port);
    const n = await walkvReducedTo(walkv);
    // Below the limit, and not thrown away: walkv needs a few dozen descriptors of its own.
    assert(n < FD_LIMIT && n >= FD_LIMIT / 2, `walkv reduced maxclients to ${n}`);
    // The clients are gone once the server has seen them close.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await refusesAfter(walkv.port, n, 2);
  },
});

Deno.test("maxclients: with --maxclients 20 the 21st client gets Redis's error and is closed", async () => {
  const flags = ["--maxclients", "20"];
  {
    await using redis = await startRedisServer({ args: flags });
    await refusesAfter(redis.port, 20);
  }
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: flags });
  await refusesAfter(walkv.port, 20);
  // No reduction to log: the limit was not the reason.
  assertEquals(reducedTo(walkv.stdoutText() + walkv.stderrText()), null);
});
