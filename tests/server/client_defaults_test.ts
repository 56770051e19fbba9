/**
 * walkv through three real Redis client libraries with their default options
 * (only host, port, password and database set), against a redis-server and a
 * walkv that both require the password `pw`:
 *
 * - node-redis 6 (`npm:redis@6.3.1`), which speaks RESP3: it connects with
 *   `HELLO 3 AUTH default pw`, `SELECT 2`, two `CLIENT SETINFO`s and
 *   `CLIENT MAINT_NOTIFICATIONS ON moving-endpoint-type external-ip` (whose
 *   errors it ignores), and retries a refused handshake forever;
 * - ioredis 5 (`npm:ioredis@5.4.1`), RESP2, commands in lower case:
 *   `auth pw`, `select 3`, then an `info` ready check;
 * - Debian's python3-redis (4.3.4, run by Debian's `/usr/bin/python3`, see
 *   `tests/helpers/python_redis_scenario.py`), RESP2: `AUTH pw`, `SELECT 1`.
 *
 * Each scenario covers PING, SET/GET, INCR, a MULTI/EXEC transaction, a WATCH
 * conflict (a second client changes the watched key, and the library reports
 * it its own way), a pipeline, database isolation, QUIT, and that without the
 * password (or with a wrong one) the library fails to connect or gets NOAUTH
 * instead of silently working.
 *
 * The libraries talk through a recording proxy, so besides what the library
 * returned, the test compares what went over the wire: every command each
 * connection sent (so walkv steered the library down the same path as Redis
 * did) and the exact bytes of every reply, normalised only where a reply
 * legitimately differs (connection ids, INFO's contents). Each scenario first runs
 * against redis-server alone with its expected results written out, so the
 * comparison rests on Redis's own answers.
 */
import { assertEquals } from "@std/assert";
import { createClient, WatchError } from "npm:redis@6.3.1";
import { Redis } from "npm:ioredis@5.4.1";
import { startRedisServer } from "../helpers/redis_server.ts";
import { REPO_ROOT, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const PASSWORD = "pw";
const decoder = new TextDecoder();

// ---------------------------------------------------------------------------
// The recording proxy.

/** One command a client sent and the exact text of the reply it got. */
interface Exchange {
  command: string[];
  reply: string;
}

/** What one client connection said and heard, in order. */
interface Transcript {
  exchanges: Exchange[];
  /** Commands still unanswered when the connection ended (QUIT's reply always comes). */
  unanswered: string[][];
  /**
   * Reply bytes left over once every command had its reply (a framing bug).
   * Replies are paired with commands in order, which holds as long as no
   * RESP3 push or attribute arrives; none of these scenarios subscribes or
   * tracks keys, and Redis 7.0 sends no attributes.
   */
  unexpected: string[];
}

/**
 * Where the RESP frame (RESP2 or RESP3) that starts at `start` ends, or -1
 * while it has not all arrived.
 */
function frameEnd(buffer: Uint8Array, start: number): number {
  const lineEnd = buffer.indexOf(0x0a, start);
  if (lineEnd === -1) return -1;
  const next = lineEnd + 1;
  const type = String.fromCharCode(buffer[start]);
  const header = decoder.decode(buffer.subarray(start + 1, lineEnd - 1));
  switch (type) {
    case "+":
    case "-":
    case ":":
    case "_":
    case ",":
    case "#":
    case "(":
      return next;
    case "$":
    case "!":
    case "=": {
      const length = Number(header);
      if (length < 0) return next;
      return buffer.length >= next + length + 2 ? next + length + 2 : -1;
    }
    case "*":
    case "~":
    case ">":
    case "%":
    case "|": {
      const count = Number(header) * (type === "%" || type === "|" ? 2 : 1);
      let at = next;
      for (let i = 0; i < count; i++) {
        at = frameEnd(buffer, at);
        if (at === -1) return -1;
      }
      return at;
    }
    default:
      throw new SyntaxError(
        `Expected a RESP frame, found ${JSON.stringify(decoder.decode(buffer.subarray(start)))}`,
      );
  }
}

/** The arguments of a request (an array of bulk strings) that ends at `end`. */
function requestArguments(buffer: Uint8Array, start: number): string[] {
  const args: string[] = [];
  let at = buffer.indexOf(0x0a, start) + 1;
  const count = Number(decoder.decode(buffer.subarray(start + 1, at - 2)));
  for (let i = 0; i < count; i++) {
    const lineEnd = buffer.indexOf(0x0a, at);
    const length = Number(decoder.decode(buffer.subarray(at + 1, lineEnd - 1)));
    args.push(decoder.decode(buffer.subarray(lineEnd + 1, lineEnd + 1 + length)));
    at = lineEnd + 1 + length + 2;
  }
  return args;
}

/** Splits a byte stream into whole frames as they arrive. */
class FrameSplitter {
  #pending = new Uint8Array(0);

  /** Adds `chunk` and calls `onFrame` with each frame it completes. */
  push(chunk: Uint8Array, onFrame: (buffer: Uint8Array, start: number, end: number) => void) {
    const joined = new Uint8Array(this.#pending.length + chunk.length);
    joined.set(this.#pending);
    joined.set(chunk, this.#pending.length);
    let start = 0;
    while (start < joined.length) {
      const end = frameEnd(joined, start);
      if (end === -1) break;
      onFrame(joined, start, end);
      start = end;
    }
    this.#pending = joined.slice(start);
  }
}

/**
 * A loopback TCP proxy in front of a server that passes bytes through
 * unchanged and records, per client connection, each command and its reply.
 */
class RecordingProxy implements AsyncDisposable {
  readonly port: number;
  /** One transcript per accepted connection, in the order they connected. */
  readonly transcripts: Transcript[] = [];
  #listener: Deno.Listener;
  #conns = new Set<Deno.Conn>();
  #handlers: Promise<void>[] = [];
  #accepting: Promise<void>;

  constructor(targetPort: number) {
    this.#listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    this.port = (this.#listener.addr as Deno.NetAddr).port;
    this.#accepting = this.#accept(targetPort);
  }

  async #accept(targetPort: number): Promise<void> {
    try {
      for await (const client of this.#listener) {
        const transcript: Transcript = { exchanges: [], unanswered: [], unexpected: [] };
        this.transcripts.push(transcript);
        this.#handlers.push(this.#relay(client, targetPort, transcript));
      }
    } catch (error: unknown) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }

  async #relay(client: Deno.Conn, targetPort: number, transcript: Transcript): Promise<void> {
    this.#conns.add(client);
    let server: Deno.Conn;
    try {
      server = await Deno.connect({ hostname: "127.0.0.1", port: targetPort });
    } catch (error: unknown) {
      this.#close(client);
      throw error;
    }
    this.#conns.add(server);
    const pending: string[][] = [];
    const requests = new FrameSplitter();
    const replies = new FrameSplitter();
    await Promise.all([
      this.#pipe(
        client,
        server,
        (chunk) =>
          requests.push(chunk, (buffer, start) => pending.push(requestArguments(buffer, start))),
      ),
      this.#pipe(server, client, (chunk) =>
        replies.push(chunk, (buffer, start, end) => {
          const reply = decoder.decode(buffer.subarray(start, end));
          const command = pending.shift();
          if (command === undefined) transcript.unexpected.push(reply);
          else transcript.exchanges.push({ command, reply });
        })),
    ]);
    transcript.unanswered.push(...pending);
    this.#close(client);
    this.#close(server);
  }

  /** Copies `from` to `to` until `from` ends, then half-closes `to`. */
  async #pipe(from: Deno.Conn, to: Deno.Conn, onChunk: (chunk: Uint8Array) => void) {
    const buffer = new Uint8Array(64 * 1024);
    try {
      for (;;) {
        const n = await from.read(buffer);
        if (n === null) break;
        const chunk = buffer.slice(0, n);
        onChunk(chunk);
        let rest = chunk;
        while (rest.length > 0) rest = rest.subarray(await to.write(rest));
      }
      await to.closeWrite();
    } catch {
      // A reset or a closed peer ends the relay; both sockets are closed below.
      this.#close(from);
      this.#close(to);
    }
  }

  #close(conn: Deno.Conn): void {
    if (!this.#conns.delete(conn)) return;
    try {
      conn.close();
    } catch { /* already closed */ }
  }

  /** Waits until every connection has ended (up to `timeoutMs`), closing any left. */
  async settle(timeoutMs = 2_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.#conns.size > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.#listener.close();
    await this.#accepting;
    for (const conn of [...this.#conns]) this.#close(conn);
    await Promise.allSettled(this.#handlers);
  }
}

/**
 * The transcripts with the parts that legitimately differ between two
 * servers replaced by placeholders, one rule each:
 * - the `id` a HELLO reply carries is a per-server connection counter;
 * - INFO's text is server statistics (ioredis only reads `loading` from it).
 *
 * `CLIENT SETINFO` (Redis 7.2's) needs no rule: both answer it "unknown
 * subcommand", and the libraries pipeline it and ignore the reply.
 */
function normalised(transcripts: Transcript[]): unknown[] {
  return transcripts.map((transcript) => ({
    ...transcript,
    exchanges: transcript.exchanges.map(({ command, reply }) => {
      const name = command.map((arg) => arg.toUpperCase()).slice(0, 2).join(" ");
      if (name.startsWith("HELLO")) {
        reply = reply.replace(/(\$2\r\nid\r\n:)\d+\r\n/, "$1<id>\r\n");
      } else if (name.startsWith("INFO") && reply.startsWith("$")) {
        reply = "$<INFO text>";
      }
      return { command: command.join(" "), reply };
    }),
  }));
}

/** Only the commands of each connection, for checking a library's handshake. */
function commandsSent(transcripts: Transcript[]): string[][] {
  return transcripts.map((transcript) =>
    transcript.exchanges.map(({ command }) => command.join(" "))
  );
}

/** A scenario: drives a library at `proxyPort` (or, for retrying refusals, `serverPort`). */
type Scenario = (serverPort: number, proxyPort: number) => Promise<Record<string, unknown>>;

/** What a scenario saw: the library's own results and the wire's transcripts. */
interface Outcome {
  results: Record<string, unknown>;
  transcripts: Transcript[];
}

/**
 * How long one scenario may take. Against Redis each takes well under a
 * second; a library left waiting by a server (a retried handshake, a reply
 * that never comes) would otherwise wait forever.
 */
const SCENARIO_TIMEOUT_MS = 15_000;
/** How long a library may take to connect and finish its handshake. */
const CONNECT_TIMEOUT_MS = 5_000;

/** Runs `scenario` through a recording proxy in front of `serverPort`. */
async function recorded(serverPort: number, scenario: Scenario): Promise<Outcome> {
  await using proxy = new RecordingProxy(serverPort);
  const running = scenario(serverPort, proxy.port);
  const results = await within(running, SCENARIO_TIMEOUT_MS, null);
  if (results === null) {
    running.catch(() => {}); // it fails once the proxy closes its connections
    throw new Error(
      `the scenario did not finish in ${SCENARIO_TIMEOUT_MS} ms; the wire so far:\n` +
        JSON.stringify(normalised(proxy.transcripts), null, 1),
    );
  }
  await proxy.settle();
  return { results, transcripts: proxy.transcripts };
}

/** The name and message of an error, which is what a caller can tell apart. */
function describeError(error: unknown): Record<string, unknown> {
  if (!(error instanceof Error)) return { thrown: String(error) };
  const described: Record<string, unknown> = {
    class: error.constructor.name,
    message: error.message,
  };
  // node-redis's MultiErrorReply carries every reply of the failed EXEC.
  if ("replies" in error && Array.isArray(error.replies)) {
    described.replies = error.replies.map((reply: unknown) =>
      reply instanceof Error ? describeError(reply) : reply
    );
  }
  return described;
}

/** Resolves with `promise`'s value, or `onTimeout` after `ms`. */
async function within<T, U>(promise: Promise<T>, ms: number, onTimeout: U): Promise<T | U> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<U>((resolve) => timer = setTimeout(() => resolve(onTimeout), ms));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** `scenario` against a fresh redis-server that requires the password. */
async function onRedis(scenario: Scenario): Promise<Outcome> {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  return await recorded(redis.port, scenario);
}

/** `scenario` against a fresh walkv that requires the password; walkv must then stop cleanly. */
async function onWalkv(scenario: Scenario): Promise<Outcome> {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    args: ["--requirepass", PASSWORD, "--databases", "16"],
  });
  const outcome = await recorded(server.port, scenario);
  assertEquals((await server.stop()).code, 0, server.stderrText());
  return outcome;
}

/** The library's results, then the normalised wire transcripts, must be the same. */
function assertSameOutcome(actual: Outcome, expected: Outcome): void {
  assertEquals(actual.results, expected.results, "the library's results differ");
  assertEquals(
    normalised(actual.transcripts),
    normalised(expected.transcripts),
    "what went over the wire differs",
  );
}

// ---------------------------------------------------------------------------
// node-redis 6.3.1

/**
 * A node-redis client that should be refused: the first error it reports,
 * or that it connected. With default options node-redis retries a failed
 * handshake forever, so the attempt is ended after its first error.
 */
async function nodeRedisRefusal(url: string): Promise<Record<string, unknown>> {
  const client = createClient({ url });
  const firstError = Promise.withResolvers<unknown>();
  client.on("error", (error: unknown) => firstError.resolve(error));
  const connected = client.connect().then(() => "connected", () => "rejected");
  const outcome = await within(
    Promise.race([connected, firstError.promise]),
    CONNECT_TIMEOUT_MS,
    "neither connected nor failed",
  );
  if (client.isOpen) client.destroy();
  await within(connected, 1_000, null);
  if (typeof outcome === "string") return { outcome };
  return { outcome: "error", ...describeError(outcome) };
}

async function nodeRedisScenario(
  serverPort: number,
  proxyPort: number,
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  // Straight to the server: node-redis's retries would make the proxy's connection count vary.
  results.noPassword = await nodeRedisRefusal(`redis://127.0.0.1:${serverPort}/2`);
  results.wrongPassword = await nodeRedisRefusal(`redis://:wrong@127.0.0.1:${serverPort}/2`);

  const errors: unknown[] = [];
  const clients: { isOpen: boolean; destroy(): void }[] = [];
  /** A client on database `db`, connected; one at a time, so the proxy sees a fixed order. */
  const open = async (db: number) => {
    const client = createClient({ url: `redis://:${PASSWORD}@127.0.0.1:${proxyPort}/${db}` });
    clients.push(client);
    client.on("error", (error: unknown) => errors.push(error));
    const connected = client.connect().then(() => true, () => false);
    if (await within(connected, CONNECT_TIMEOUT_MS, false)) return client;
    throw new Error(
      `node-redis did not connect to database ${db} in ${CONNECT_TIMEOUT_MS} ms: ` +
        JSON.stringify(errors.map(describeError)),
    );
  };
  try {
    const client = await open(2);
    results.ping = await client.ping();
    results.set = await client.set("greeting", "hello");
    results.get = await client.get("greeting");
    results.getMissing = await client.get("missing");
    results.incr = [await client.incr("counter"), await client.incr("counter")];
    results.multi = await client.multi().set("m", "1").incr("m").get("m").exec();
    results.pipeline = await client.multi().set("p", "1").incr("p").get("p").execAsPipeline();
    try {
      await client.multi().set("word", "abc").incr("word").exec();
      results.multiWithError = "exec resolved";
    } catch (error: unknown) {
      results.multiWithError = describeError(error);
    }
    results.wordAfter = await client.get("word");

    // A WATCH conflict: a second client changes the watched key before EXEC.
    const other = await open(2);
    results.watch = await client.watch("watched");
    results.watchedBefore = await client.get("watched");
    results.otherSet = await other.set("watched", "theirs");
    try {
      results.conflictedExec = await client.multi().set("watched", "mine").exec();
    } catch (error: unknown) {
      results.conflictedExec = {
        ...describeError(error),
        isWatchError: error instanceof WatchError,
      };
    }
    results.watchedAfter = await client.get("watched");
    // With no conflict, the same transaction goes through.
    await client.watch("watched");
    results.unconflictedExec = await client.multi().set("watched", "mine").exec();
    results.watchedFinally = await other.get("watched");

    // Database 2 is its own keyspace: a client on database 0 sees none of it.
    const db0 = await open(0);
    results.db0Greeting = await db0.get("greeting");
    results.db0Set = await db0.set("greeting", "from db 0");
    results.db2Greeting = await client.get("greeting");
    results.db0Size = await db0.dbSize();
    results.db2Size = await client.dbSize();

    results.quit = await client.quit();
    await other.close();
    await db0.close();
  } finally {
    // Only after a failure: a client left open would go on reconnecting.
    for (const client of clients) if (client.isOpen) client.destroy();
  }
  results.errors = errors.map(describeError);
  return results;
}

const NODE_REDIS_EXPECTED = {
  noPassword: {
    outcome: "error",
    class: "SimpleError",
    message: "NOAUTH HELLO must be called with the client already authenticated, otherwise the " +
      "HELLO AUTH <user> <pass> option can be used to authenticate the client and select the " +
      "RESP protocol version at the same time",
  },
  wrongPassword: {
    outcome: "error",
    class: "SimpleError",
    message: "WRONGPASS invalid username-password pair or user is disabled.",
  },
  ping: "PONG",
  set: "OK",
  get: "hello",
  getMissing: null,
  incr: [1, 2],
  multi: ["OK", 2, "2"],
  pipeline: ["OK", 2, "2"],
  // EXEC runs both commands; the INCR's error comes back inside its reply.
  multiWithError: {
    class: "MultiErrorReply",
    message: "1 commands failed, see .replies and .errorIndexes for more information",
    replies: ["OK", {
      class: "SimpleError",
      message: "ERR value is not an integer or out of range",
    }],
  },
  wordAfter: "abc",
  watch: "OK",
  watchedBefore: null,
  otherSet: "OK",
  conflictedExec: {
    class: "WatchError",
    message: "One (or more) of the watched keys has been changed",
    isWatchError: true,
  },
  watchedAfter: "theirs",
  unconflictedExec: ["OK"],
  watchedFinally: "mine",
  db0Greeting: null,
  db0Set: "OK",
  db2Greeting: "hello",
  db0Size: 1,
  db2Size: 6,
  quit: "OK",
  errors: [],
};

Deno.test("client defaults: node-redis 6.3.1 scenario passes against redis-server", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const { results, transcripts } = await recorded(redis.port, nodeRedisScenario);
  assertEquals(results, NODE_REDIS_EXPECTED);
  const sent = commandsSent(transcripts);
  assertEquals(sent.length, 3, "three connections: db 2, a second db 2 client, db 0");
  assertEquals(sent[0][0], `HELLO 3 AUTH default ${PASSWORD}`);
  assertEquals(sent[0][1], "SELECT 2");
  assertEquals(sent[2].filter((command) => command.startsWith("SELECT")), [], "db 0 needs none");
});

Deno.test("client defaults: node-redis 6.3.1 gets from walkv what it gets from redis-server", async () => {
  assertSameOutcome(await onWalkv(nodeRedisScenario), await onRedis(nodeRedisScenario));
});

// ---------------------------------------------------------------------------
// ioredis 5.4.1

/** ioredis's `[error, result]` pairs with errors described. */
function ioredisReplies(replies: [Error | null, unknown][] | null): unknown {
  if (replies === null) return null;
  return replies.map(([error, result]) => error ? describeError(error) : result);
}

/** An ioredis client that should be refused: what its first command and its error events say. */
async function ioredisRefusal(port: number, password?: string): Promise<Record<string, unknown>> {
  const client = new Redis({ host: "127.0.0.1", port, password });
  const errors: unknown[] = [];
  client.on("error", (error: unknown) => errors.push(error));
  let ping: unknown;
  try {
    ping = await within(client.ping(), CONNECT_TIMEOUT_MS, "PING neither answered nor failed");
  } catch (error: unknown) {
    ping = describeError(error);
  }
  client.disconnect();
  return { ping, errors: errors.map(describeError) };
}

async function ioredisScenario(
  serverPort: number,
  proxyPort: number,
): Promise<Record<string, unknown>> {
  const results: Record<string, unknown> = {};
  // Straight to the server: ioredis reconnects by itself, which would vary the proxy's count.
  results.noPassword = await ioredisRefusal(serverPort);
  results.wrongPassword = await ioredisRefusal(serverPort, "wrong");

  const errors: unknown[] = [];
  const clients: Redis[] = [];
  /** A client on database `db`, ready; one at a time, so the proxy sees a fixed order. */
  const open = async (db: number) => {
    const client = new Redis({ host: "127.0.0.1", port: proxyPort, password: PASSWORD, db });
    clients.push(client);
    client.on("error", (error: unknown) => errors.push(error));
    const ready = new Promise<boolean>((resolve) => {
      client.once("ready", () => resolve(true));
      client.once("end", () => resolve(false));
    });
    if (await within(ready, CONNECT_TIMEOUT_MS, false)) return client;
    throw new Error(
      `ioredis did not get ready on database ${db} in ${CONNECT_TIMEOUT_MS} ms: ` +
        JSON.stringify(errors.map(describeError)),
    );
  };
  try {
    const client = await open(3);
    results.ping = await client.ping();
    results.set = await client.set("greeting", "hello");
    results.get = await client.get("greeting");
    results.getMissing = await client.get("missing");
    results.incr = [await client.incr("counter"), await client.incr("counter")];
    results.multi = ioredisReplies(await client.multi().set("m", "1").incr("m").get("m").exec());
    results.multiWithError = ioredisReplies(
      await client.multi().set("word", "abc").incr("word").exec(),
    );
    results.pipeline = ioredisReplies(
      await client.pipeline().set("p", "1").incr("p").get("p").incr("word").exec(),
    );

    // A WATCH conflict: EXEC resolves null once a second client changed the key.
    const other = await open(3);
    results.watch = await client.watch("watched");
    results.watchedBefore = await client.get("watched");
    results.otherSet = await other.set("watched", "theirs");
    results.conflictedExec = ioredisReplies(await client.multi().set("watched", "mine").exec());
    results.watchedAfter = await client.get("watched");
    await client.watch("watched");
    results.unconflictedExec = ioredisReplies(await client.multi().set("watched", "mine").exec());
    results.watchedFinally = await other.get("watched");

    // Database 3 is its own keyspace: a client on database 0 sees none of it.
    const db0 = await open(0);
    results.db0Greeting = await db0.get("greeting");
    results.db0Set = await db0.set("greeting", "from db 0");
    results.db3Greeting = await client.get("greeting");
    results.db0Size = await db0.dbsize();
    results.db3Size = await client.dbsize();

    results.quit = await client.quit();
    results.otherQuit = await other.quit();
  } finally {
    // disconnect() also stops ioredis's reconnecting; after a QUIT it does nothing.
    for (const client of clients) client.disconnect();
  }
  results.errors = errors.map(describeError);
  return results;
}

const IOREDIS_EXPECTED = {
  noPassword: {
    ping: { class: "ReplyError", message: "NOAUTH Authentication required." },
    errors: [{ class: "ReplyError", message: "NOAUTH Authentication required." }],
  },
  wrongPassword: {
    ping: {
      class: "ReplyError",
      message: "WRONGPASS invalid username-password pair or user is disabled.",
    },
    errors: [{
      class: "ReplyError",
      message: "WRONGPASS invalid username-password pair or user is disabled.",
    }],
  },
  ping: "PONG",
  set: "OK",
  get: "hello",
  getMissing: null,
  incr: [1, 2],
  multi: ["OK", 2, "2"],
  multiWithError: ["OK", {
    class: "ReplyError",
    message: "ERR value is not an integer or out of range",
  }],
  pipeline: ["OK", 2, "2", {
    class: "ReplyError",
    message: "ERR value is not an integer or out of range",
  }],
  watch: "OK",
  watchedBefore: null,
  otherSet: "OK",
  conflictedExec: null,
  watchedAfter: "theirs",
  unconflictedExec: ["OK"],
  watchedFinally: "mine",
  db0Greeting: null,
  db0Set: "OK",
  db3Greeting: "hello",
  db0Size: 1,
  db3Size: 6,
  quit: "OK",
  otherQuit: "OK",
  errors: [],
};

Deno.test("client defaults: ioredis 5.4.1 scenario passes against redis-server", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const { results, transcripts } = await recorded(redis.port, ioredisScenario);
  assertEquals(results, IOREDIS_EXPECTED);
  const sent = commandsSent(transcripts);
  assertEquals(sent.length, 3, "three connections: db 3, a second db 3 client, db 0");
  // ioredis spells commands in lower case, and selects the database before its INFO ready check.
  assertEquals(sent[0].slice(0, 3), [`auth ${PASSWORD}`, "select 3", "info"]);
  assertEquals(sent[2].slice(0, 2), [`auth ${PASSWORD}`, "info"], "db 0 needs no SELECT");
});

Deno.test("client defaults: ioredis 5.4.1 gets from walkv what it gets from redis-server", async () => {
  assertSameOutcome(await onWalkv(ioredisScenario), await onRedis(ioredisScenario));
});

// ---------------------------------------------------------------------------
// Debian's python3-redis

const PYTHON_SCENARIO = `${REPO_ROOT}tests/helpers/python_redis_scenario.py`;

/**
 * Debian's interpreter, where `apt-get install python3-redis` puts the
 * library; a `python3` earlier on PATH (pyenv's, say) would not see it.
 */
async function debianPython(): Promise<string> {
  try {
    await Deno.stat("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

async function pythonScenario(
  _serverPort: number,
  proxyPort: number,
): Promise<Record<string, unknown>> {
  // redis-py never retries a refused handshake, so even its refusals go through the proxy.
  const output = await new Deno.Command(await debianPython(), {
    args: [PYTHON_SCENARIO, String(proxyPort), PASSWORD],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(20_000),
  }).output();
  const stderr = decoder.decode(output.stderr);
  if (/No module named 'redis'/.test(stderr)) {
    throw new Error("python3-redis is needed for this test (apt-get install python3-redis)");
  }
  assertEquals(output.code, 0, `the python scenario failed:\n${stderr}`);
  const lines = decoder.decode(output.stdout).trim().split("\n");
  assertEquals(lines.length, 1, `expected one JSON line, got ${JSON.stringify(lines)}`);
  return JSON.parse(lines[0]);
}

const PYTHON_EXPECTED = {
  library: "redis-py 4.3.4",
  noPassword: { class: "AuthenticationError", message: "Authentication required." },
  wrongPassword: {
    class: "ResponseError",
    message: "WRONGPASS invalid username-password pair or user is disabled.",
  },
  ping: true,
  set: true,
  get: "hello",
  getMissing: null,
  incr: [1, 2],
  transactionPipeline: [true, 2, "2"],
  transactionWithError: {
    class: "ResponseError",
    message:
      "Command # 2 (INCRBY word 1) of pipeline caused error: value is not an integer or out of range",
  },
  transactionWithErrorNoRaise: [true, {
    class: "ResponseError",
    message: "value is not an integer or out of range",
  }],
  plainPipeline: [true, 2, "2"],
  watchedBefore: null,
  otherSet: true,
  conflictedExecute: { class: "WatchError", message: "Watched variable changed." },
  watchedAfter: "theirs",
  transactionHelper: [true],
  transactionSeen: [null, "1"],
  account: "11",
  db0Greeting: null,
  db0Set: true,
  db1Greeting: "hello",
  db0Size: 1,
  db1Size: 8,
  quit: true,
};

Deno.test("client defaults: python3-redis scenario passes against redis-server", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const { results, transcripts } = await recorded(redis.port, pythonScenario);
  assertEquals(results, PYTHON_EXPECTED);
  const sent = commandsSent(transcripts);
  // The two refusals, then the db 1 client, the second db 1 client and the db 0 client.
  assertEquals(sent.length, 5);
  assertEquals(sent[0], ["SELECT 1"]);
  assertEquals(sent[1], ["AUTH wrong"]);
  assertEquals(sent[2].slice(0, 2), [`AUTH ${PASSWORD}`, "SELECT 1"]);
  assertEquals(sent[4].slice(0, 1), [`AUTH ${PASSWORD}`], "db 0 needs no SELECT");
});

Deno.test("client defaults: python3-redis gets from walkv what it gets from redis-server", async () => {
  assertSameOutcome(await onWalkv(pythonScenario), await onRedis(pythonScenario));
});

Deno.test("client defaults: two redis-servers agree after normalisation (checks the comparison)", async () => {
  for (const scenario of [nodeRedisScenario, ioredisScenario, pythonScenario]) {
    assertSameOutcome(await onRedis(scenario), await onRedis(scenario));
  }
});
