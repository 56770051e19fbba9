/**
 * Protected mode, walkv against a real redis-server: a server with no
 * password answers a client that is not on the loopback address 127.0.0.1
 * with Redis's `-DENIED …` text, byte for byte, and closes it; 127.0.0.1 is
 * served; `--protected-mode no` serves everyone; and with `--requirepass`
 * the outsider is let in far enough to be told `-NOAUTH` (and may AUTH).
 *
 * The outsider is a python3 socket bound to 127.0.0.2 connecting to
 * 127.0.0.1 (`tests/helpers/connect_from.py`; Deno cannot pick the local
 * address): it never leaves the machine, yet the server sees a peer other
 * than 127.0.0.1, which is what Redis checks. Each scenario runs the same
 * clients against both servers, and Redis's replies are also checked
 * against the expected texts, so the comparison cannot pass by both servers
 * agreeing on something else.
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const CONNECT_FROM = new URL("../helpers/connect_from.py", import.meta.url).pathname;
/** The address that stands for another machine. Loopback, as all of 127.0.0.0/8 is on Linux. */
const OUTSIDER = "127.0.0.2";
const LOCAL = "127.0.0.1";

/** What redis-server 7.0.15 sends a client it refuses in protected mode, then it closes. */
const DENIED = "-DENIED Redis is running in protected mode because protected mode is enabled " +
  "and no password is set for the default user. In this mode connections are only accepted " +
  "from the loopback interface. If you want to connect from external computers to Redis you " +
  "may adopt one of the following solutions: 1) Just disable protected mode sending the " +
  "command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis " +
  "from the same host the server is running, however MAKE SURE Redis is not publicly " +
  "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
  "2) Alternatively you can just disable the protected mode by editing the Redis " +
  "configuration file, and setting the protected mode option to 'no', and then restarting " +
  "the server. 3) If you started the server manually just for testing, restart it with the " +
  "'--protected-mode no' option. 4) Setup a an authentication password for the default user. " +
  "NOTE: You only need to do one of the above things in order for the server to start " +
  "accepting connections from the outside.\r\n";

/** PING, then QUIT so that a served client is closed by the server and the read ends at once. */
const PING_QUIT = concat(frame("PING"), frame("QUIT"));
const SERVED = "+PONG\r\n+OK\r\n";

/** What one client saw: every byte (a binary string) and how the connection ended. */
interface Outcome {
  received: string;
  /** The server closed the connection (an orderly close or a reset). */
  closed: boolean;
}

/** `/usr/bin/python3` if present, else `python3` from PATH. */
async function python(): Promise<string> {
  try {
    await Deno.stat("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Connects from `source` to 127.0.0.1:`port`, listens 300 ms for a greeting
 * (Redis sends -DENIED on accept), sends `request` unless closed by then, and
 * reads until the server closes or 3 s pass.
 */
async function connectFrom(source: string, port: number, request: Uint8Array): Promise<Outcome> {
  const output = await new Deno.Command(await python(), {
    args: [CONNECT_FROM, "--source", source, "--port", String(port), "--send-hex", hex(request)],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(10_000),
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  assertEquals(
    output.code,
    0,
    `connect_from.py failed: ${new TextDecoder().decode(output.stderr)}`,
  );
  const result = JSON.parse(stdout) as { received: string; closed: boolean; reset: boolean };
  // atob gives one character per byte: the exact bytes, whatever they are.
  return { received: atob(result.received), closed: result.closed || result.reset };
}

/**
 * Runs `scenario` against a redis-server started with `flags`, checking
 * Redis's outcomes against `expected` (so the expectations are Redis's
 * behaviour, and are checked even while walkv lacks a flag), then against a
 * walkv started with the same flags, whose outcomes must be the same.
 */
async function compare(
  flags: string[],
  scenario: (port: number) => Promise<Outcome[]>,
  expected: Outcome[],
): Promise<void> {
  {
    await using redis = await startRedisServer({ args: flags });
    assertEquals(await scenario(redis.port), expected, "redis-server is not as expected");
  }
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: flags });
  assertEquals(await scenario(walkv.port), expected, "walkv differs from redis-server");
}

/** A client from 127.0.0.2 and one from 127.0.0.1, each sending PING and QUIT. */
async function outsiderThenLocal(port: number): Promise<Outcome[]> {
  return [
    await connectFrom(OUTSIDER, port, PING_QUIT),
    await connectFrom(LOCAL, port, PING_QUIT),
  ];
}

Deno.test("protected mode: 127.0.0.2 gets Redis's -DENIED and is closed, 127.0.0.1 is served", async () => {
  // Redis 7 applies protected mode whatever it is bound to: startRedisServer binds 127.0.0.1.
  await compare(
    [],
    outsiderThenLocal,
    [{ received: DENIED, closed: true }, { received: SERVED, closed: true }],
  );
});

Deno.test("protected mode: --protected-mode no serves 127.0.0.2", async () => {
  await compare(
    ["--protected-mode", "no"],
    outsiderThenLocal,
    [{ received: SERVED, closed: true }, { received: SERVED, closed: true }],
  );
});

Deno.test("protected mode: with --requirepass, 127.0.0.2 gets -NOAUTH, not -DENIED, then may AUTH", async () => {
  await compare(
    ["--requirepass", "pw"],
    async (port) => [
      await connectFrom(OUTSIDER, port, PING_QUIT),
      await connectFrom(OUTSIDER, port, concat(frame("AUTH", "pw"), PING_QUIT)),
      await connectFrom(OUTSIDER, port, concat(frame("AUTH", "wrong"), PING_QUIT)),
    ],
    [
      // QUIT needs no authentication, in Redis 7 as before.
      { received: "-NOAUTH Authentication required.\r\n+OK\r\n", closed: true },
      { received: "+OK\r\n" + SERVED, closed: true },
      {
        received: "-WRONGPASS invalid username-password pair or user is disabled.\r\n" +
          "-NOAUTH Authentication required.\r\n+OK\r\n",
        closed: true,
      },
    ],
  );
});
