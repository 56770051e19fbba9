/**
 * AUTH, byte for byte against a real redis-server: both run with
 * `--requirepass s3cret` and get the same requests on raw sockets, and every
 * reply's bytes must be equal: NOAUTH before AUTH (PING too), wrong and right
 * passwords, the user forms, arity, HELLO with AUTH, QUIT, the limits Redis
 * puts on a client that has not authenticated (11 arguments, a bulk longer
 * than 16 KiB: a protocol error, then the connection is closed), a server
 * without a password, and CONFIG SET requirepass. Client libraries match on
 * these texts, and the limits keep an unauthenticated client from making the
 * server buffer much. Each scenario runs against redis-server first, so its
 * half is checked even while walkv lacks the feature.
 *
 * Then walkv alone: AUTH on the seed's text protocol, which Redis has no
 * equivalent of, and that the password never appears in walkv's output.
 */
import { assert, assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello, Transcript } from "../helpers/transcript.ts";
import { frame } from "../helpers/resp_frames.ts";

const decoder = new TextDecoder();

const PASSWORD = "s3cret";
const NOAUTH = "-NOAUTH Authentication required.\r\n";
const WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
const NO_PASSWORD_CONFIGURED = "-ERR AUTH <password> called without any password configured " +
  "for the default user. Are you sure your configuration is correct?\r\n";
/** How long a connection the server should close may stay open before the step says so. */
const CLOSE_WAIT_MS = 2_000;

/** The shared transcript, plus steps that end with the server closing the connection. */
class AuthTranscript extends Transcript {
  constructor() {
    super(label);
  }

  /**
   * Sends `bytes` and logs everything that arrives until the server closes
   * the connection, or that it stayed open.
   */
  async sendUntilClosed(connection: RawConnection, what: string, bytes: Uint8Array): Promise<void> {
    await connection.send(bytes).catch((error: unknown) => {
      // The server may close while a large request is still being written.
      if (
        !(error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset)
      ) {
        throw error;
      }
    });
    let outcome: string;
    try {
      outcome = `${
        JSON.stringify(decoder.decode(await connection.readToEnd(CLOSE_WAIT_MS)))
      } closed`;
    } catch (error: unknown) {
      outcome = `still open after ${CLOSE_WAIT_MS} ms: ${(error as Error).message}`;
    }
    this.lines.push(`${what} -> ${outcome}`);
  }
}

/** A request as a log label, long arguments shortened. */
function label(args: string[]): string {
  return args.map((arg) => arg.length > 20 ? `<${arg.length} bytes>` : arg).join(" ");
}

/** `count` arguments: DEL and `count - 1` keys. */
function delWithArguments(count: number): string[] {
  return ["DEL", ...Array.from({ length: count - 1 }, (_, i) => `k${i}`)];
}

/** Before and after AUTH on a server with `--requirepass s3cret`. */
async function authScenario(port: number): Promise<string[]> {
  const log = new AuthTranscript();
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["PING"]);
    await log.call(connection, ["SET", "a", "b"]);
    // An unknown command is reported as unknown, not as NOAUTH: Redis looks it up first.
    await log.call(connection, ["NOPE"]);
    await log.call(connection, ["HELLO", "3"]);
    await log.call(connection, ["AUTH", "wrong"]);
    await log.call(connection, ["AUTH"]);
    await log.call(connection, ["AUTH", "a", "b", "c"]);
    await log.call(connection, ["AUTH", "nobody", PASSWORD]);
    await log.call(connection, ["HELLO", "2", "AUTH", "default", "wrong"]);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["AUTH", PASSWORD]);
    await log.call(connection, ["SET", "a", "b"]);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["AUTH", "default", PASSWORD]);
    // A failed AUTH does not undo an earlier one.
    await log.call(connection, ["AUTH", "wrong"]);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["PING"]);
  }
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["HELLO", "3", "AUTH", "default", "wrong"]);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["HELLO", "3", "AUTH", "default", PASSWORD], normaliseHello);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["GET", "missing"]);
  }
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["HELLO", "2", "AUTH", "default", PASSWORD], normaliseHello);
    await log.call(connection, ["GET", "missing"]);
  }
  {
    using connection = await RawConnection.connect(port);
    await log.sendUntilClosed(connection, "QUIT before AUTH", frame("QUIT"));
  }
  return log.lines;
}

/** The limits on a client that has not authenticated, and none after AUTH. */
async function limitsScenario(port: number): Promise<string[]> {
  const log = new AuthTranscript();
  {
    using connection = await RawConnection.connect(port);
    // Ten arguments are allowed, the command is just refused.
    await log.call(connection, delWithArguments(10));
    await log.call(connection, ["SET", "k", "x".repeat(16_384)]);
  }
  {
    using connection = await RawConnection.connect(port);
    await log.sendUntilClosed(connection, "11 arguments", frame(...delWithArguments(11)));
  }
  {
    using connection = await RawConnection.connect(port);
    await log.sendUntilClosed(
      connection,
      "a 16385-byte bulk",
      frame("SET", "k", "x".repeat(16_385)),
    );
  }
  {
    using connection = await RawConnection.connect(port);
    await log.sendUntilClosed(
      connection,
      "a 20000-byte bulk",
      frame("SET", "k", "x".repeat(20_000)),
    );
  }
  {
    // The declared length alone is refused: the server does not wait for the bytes.
    using connection = await RawConnection.connect(port);
    const header = new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20000\r\n");
    await log.sendUntilClosed(connection, "a 20000-byte bulk's header alone", header);
  }
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["AUTH", PASSWORD]);
    await log.call(connection, delWithArguments(11));
    await log.call(connection, ["SET", "k", "x".repeat(20_000)]);
    await log.call(connection, ["STRLEN", "k"]);
  }
  return log.lines;
}

/** CONFIG SET requirepass: new connections need the new password; an empty one turns AUTH off. */
async function configSetScenario(port: number): Promise<string[]> {
  const log = new AuthTranscript();
  using admin = await RawConnection.connect(port);
  await log.call(admin, ["AUTH", PASSWORD]);
  await log.call(admin, ["CONFIG", "GET", "requirepass"]);
  await log.call(admin, ["CONFIG", "SET", "requirepass", "newpw"]);
  // The connection that changed it stays authenticated.
  await log.call(admin, ["GET", "a"]);
  await log.call(admin, ["CONFIG", "GET", "requirepass"]);
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["AUTH", PASSWORD]);
    await log.call(connection, ["AUTH", "newpw"]);
    await log.call(connection, ["GET", "a"]);
  }
  await log.call(admin, ["CONFIG", "SET", "requirepass", ""]);
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["AUTH", "x"]);
    await log.call(connection, ["CONFIG", "GET", "requirepass"]);
  }
  return log.lines;
}

/** AUTH on a server without a password. */
async function noPasswordScenario(port: number): Promise<string[]> {
  const log = new AuthTranscript();
  {
    using connection = await RawConnection.connect(port);
    await log.call(connection, ["SET", "a", "b"]);
    await log.call(connection, ["AUTH", "x"]);
    // The default user has no password, so any password is accepted for it by name.
    await log.call(connection, ["AUTH", "default", "x"]);
    await log.call(connection, ["AUTH", "nobody", "x"]);
    await log.call(connection, ["AUTH"]);
    await log.call(connection, ["GET", "a"]);
    await log.call(connection, ["CONFIG", "GET", "requirepass"]);
    await log.call(connection, ["HELLO", "2", "AUTH", "default", "x"], normaliseHello);
  }
  {
    // With no password an unauthenticated client has no request limits.
    using connection = await RawConnection.connect(port);
    await log.call(connection, delWithArguments(11));
    await log.call(connection, ["SET", "k", "x".repeat(20_000)]);
  }
  return log.lines;
}

/** Asserts that a log line for `request` is there with `reply`, so the reference is what we think. */
function assertStep(lines: string[], request: string, reply: string): void {
  const line = `${request} -> ${JSON.stringify(reply)}`;
  assert(lines.includes(line), `expected ${line} in\n${lines.join("\n")}`);
}

/** Asserts that a log line says the server answered `what` with `reply` and closed the connection. */
function assertClosedStep(lines: string[], what: string, reply: string): void {
  const line = `${what} -> ${JSON.stringify(reply)} closed`;
  assert(lines.includes(line), `expected ${line} in\n${lines.join("\n")}`);
}

Deno.test("auth: replies before and after AUTH match redis-server byte for byte", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const expected = await authScenario(redis.port);
  assertStep(expected, "GET a", NOAUTH);
  assertStep(expected, "PING", NOAUTH);
  assertStep(expected, "AUTH wrong", WRONGPASS);
  assertStep(expected, "AUTH s3cret", "+OK\r\n");
  assertStep(expected, "AUTH default s3cret", "+OK\r\n");
  assertStep(expected, "AUTH", "-ERR wrong number of arguments for 'auth' command\r\n");
  assertStep(expected, "AUTH a b c", "-ERR syntax error\r\n");
  assertStep(expected, "GET missing", "_\r\n");

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--requirepass", PASSWORD] });
  assertEquals(await authScenario(walkv.port), expected);
  await walkv.stop();
  assert(!walkv.stdoutText().includes(PASSWORD), walkv.stdoutText());
  assert(!walkv.stderrText().includes(PASSWORD), walkv.stderrText());
});

Deno.test("auth: unauthenticated request limits match redis-server, and close the connection", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const expected = await limitsScenario(redis.port);
  assertStep(expected, "SET k <16384 bytes>", NOAUTH);
  assertClosedStep(
    expected,
    "11 arguments",
    "-ERR Protocol error: unauthenticated multibulk length\r\n",
  );
  assertClosedStep(
    expected,
    "a 20000-byte bulk",
    "-ERR Protocol error: unauthenticated bulk length\r\n",
  );

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--requirepass", PASSWORD] });
  assertEquals(await limitsScenario(walkv.port), expected);
});

Deno.test("auth: CONFIG SET requirepass takes effect for new connections, as in redis-server", async () => {
  await using redis = await startRedisServer({ args: ["--requirepass", PASSWORD] });
  const expected = await configSetScenario(redis.port);
  // Redis shows the password itself to an authenticated client.
  assertStep(expected, "CONFIG GET requirepass", "*2\r\n$11\r\nrequirepass\r\n$5\r\nnewpw\r\n");
  assertStep(expected, "AUTH x", NO_PASSWORD_CONFIGURED);

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--requirepass", PASSWORD] });
  assertEquals(await configSetScenario(walkv.port), expected);
  await walkv.stop();
  const output = walkv.stdoutText() + walkv.stderrText();
  assert(!output.includes(PASSWORD) && !output.includes("newpw"), output);
});

Deno.test("auth: AUTH without a password configured matches redis-server", async () => {
  await using redis = await startRedisServer();
  const expected = await noPasswordScenario(redis.port);
  assertStep(expected, "AUTH x", NO_PASSWORD_CONFIGURED);
  assertStep(expected, "AUTH default x", "+OK\r\n");

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await noPasswordScenario(walkv.port), expected);
});

/** Sends each text-protocol line and asserts the exact bytes of its one reply. */
async function textExchange(connection: RawConnection, steps: [string, string][]): Promise<void> {
  for (const [send, reply] of steps) {
    await connection.send(send);
    assertEquals(decoder.decode(await connection.readReplies(1, 5_000)), reply, `reply to ${send}`);
  }
}

Deno.test("auth: the text protocol needs AUTH when a password is set", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--requirepass", PASSWORD] });
  {
    using connection = await RawConnection.connect(walkv.port);
    await textExchange(connection, [
      ["SET a b\n", "-NOAUTH Authentication required.\n"],
      ["GET a\n", "-NOAUTH Authentication required.\n"],
      ["AUTH wrong\n", "-WRONGPASS invalid username-password pair or user is disabled.\n"],
      ["AUTH\n", "-AUTH expected 1 argument PASSWORD\n"],
      ["SET a b\n", "-NOAUTH Authentication required.\n"],
      [`AUTH ${PASSWORD}\n`, "+OK\n"],
      ["SET a b\n", "+OK\n"],
      ["GET a\n", "+OK b\n"],
      ["DEL a\n", "+OK\n"],
      ["GET a\n", "-GET could not find a in store\n"],
    ]);
  }
  {
    // Authentication belongs to the connection: a new one starts unauthenticated.
    using connection = await RawConnection.connect(walkv.port);
    await textExchange(connection, [["GET a\n", "-NOAUTH Authentication required.\n"]]);
  }
  await walkv.stop();
  assert(!walkv.stdoutText().includes(PASSWORD), walkv.stdoutText());
  assert(!walkv.stderrText().includes(PASSWORD), walkv.stderrText());
});

Deno.test("auth: the text protocol without a password needs no AUTH and refuses one", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(walkv.port);
  // SET goes first, so the connection is a text one whatever AUTH as a first line would pick.
  await textExchange(connection, [
    ["SET a b\n", "+OK\n"],
    ["AUTH x\n", NO_PASSWORD_CONFIGURED.replace("\r\n", "\n")],
    ["GET a\n", "+OK b\n"],
  ]);
});

Deno.test("auth: an unauthenticated text line longer than 16 KB closes the connection", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--requirepass", "s3cret"] });
  {
    using stranger = await RawConnection.connect(walkv.port);
    await stranger.send(`SET k ${"x".repeat(20_000)}\n`);
    const reply = new TextDecoder().decode(await stranger.readToEnd(5_000));
    assertEquals(reply, "-line too long: more than 16384 bytes without a newline; closing\n");
  }
  // Once authenticated, the usual --max-line applies.
  using client = await RawConnection.connect(walkv.port);
  await client.send(`AUTH s3cret\nSET k ${"x".repeat(20_000)}\nGET k\n`);
  const replies = new TextDecoder().decode(await client.readReplies(3));
  assertEquals(replies, `+OK\n+OK\n+OK ${"x".repeat(20_000)}\n`);
});
