/**
 * RESP framing under abuse, against a real walkv: malformed requests get
 * Redis's replies (checked against a real redis-server), protocol errors
 * end the connection, and a seeded fuzz of many connections sending random
 * bytes, malformed frames, garbage after valid frames and valid frames
 * split at random points never crashes the server nor disturbs a
 * well-behaved client on another connection.
 *
 * The fuzz is repeatable: set `WALKV_FUZZ_SEED` to replay a failing seed
 * (every failure message names its seed and round).
 */
import { assert, assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { prng as random } from "../helpers/prng.ts";
import { bulkReply, concat, frame } from "../helpers/resp_frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** walkv runs with this `--max-bulk`, so an oversized bulk is cheap to send. */
const MAX_BULK = 4096;
/** How long the fuzzers run. */
const FUZZ_MS = 4000;
/** Fuzzing connections at once. */
const FUZZERS = 24;
/** Any single wait for the server; far above what loopback needs. */
const READ_TIMEOUT_MS = 5000;

/** Sends `input` in one write, half-closes, and returns everything the server sends back. */
async function exchange(port: number, input: Uint8Array): Promise<string> {
  using connection = await RawConnection.connect(port);
  await connection.send(input);
  await connection.conn.closeWrite();
  return decoder.decode(await connection.readToEnd(READ_TIMEOUT_MS));
}

const PONG = "+PONG\r\n";
const BAD_MULTIBULK = "-ERR Protocol error: invalid multibulk length\r\n";
const BAD_BULK = "-ERR Protocol error: invalid bulk length\r\n";

/** Malformed input whose replies must match a real redis-server's, byte for byte. */
const LIKE_REDIS: string[] = [
  "*99999999999\r\n",
  // Redis 7.0's limit is 2^31-1 elements: one more is refused, the limit itself awaits its elements.
  "*2147483648\r\n",
  "*2147483647\r\n$4\r\nPING\r\n",
  "*1048577\r\n$4\r\nPING\r\n",
  "*abc\r\n",
  "*\r\n",
  "*1\r\n$\r\n",
  "*1\r\n$4x\r\n",
  "*1\r\nfoo\r\n",
  "*2\r\n$3\r\nGET\r\n$999999999999\r\n",
  "*2\r\n$3\r\nGET\r\n$-1\r\n",
  "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$-0\r\n",
  // After a RESP request, a line without `*` is an inline command, as in Redis.
  "*1\r\n$4\r\nPING\r\n$-5\r\n",
  "*1\r\n$4\r\nPING\r\n$abc\r\n",
  "*1\r\n$4\r\nPING\r\nPING\r\necho   two    spaces\r\n",
  // An empty request is skipped.
  "*0\r\n*1\r\n$4\r\nPING\r\n",
  // Valid requests, then garbage: replies to the first, then the error.
  "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\n*x\r\n*1\r\n$4\r\nPING\r\n",
  "*1\r\n$4\r\nPING\r\n*1\r\n$-1\r\n*1\r\n$4\r\nPING\r\n",
];

/** Malformed input where walkv's answer is its own: its limits, or a stricter reading. */
const WALKV_CASES: [input: Uint8Array, reply: string][] = [
  // A negative count is refused, not read as an empty request.
  [encoder.encode("*-3\r\n"), BAD_MULTIBULK],
  [encoder.encode("*1\r\n$4\r\nPING\r\n*-1\r\n"), PONG + BAD_MULTIBULK],
  // --max-bulk 4096: one byte more is a protocol error, before anything is buffered.
  [encoder.encode(`*2\r\n$4\r\nECHO\r\n$${MAX_BULK + 1}\r\n`), BAD_BULK],
  [
    frame("ECHO", new Uint8Array(MAX_BULK).fill(0x61)),
    `$${MAX_BULK}\r\n${"a".repeat(MAX_BULK)}\r\n`,
  ],
];

Deno.test("resp fuzz: malformed requests get the same replies as from redis-server", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  for (const input of LIKE_REDIS) {
    const bytes = encoder.encode(input);
    const [fromWalkv, fromRedis] = await Promise.all([
      exchange(walkv.port, bytes),
      exchange(redis.port, bytes),
    ]);
    assertEquals(fromWalkv, fromRedis, `for ${JSON.stringify(input)}`);
  }
});

Deno.test("resp fuzz: walkv's own limits are protocol errors that close the connection", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({
    walDir: dir.path,
    args: ["--max-bulk", String(MAX_BULK)],
  });
  for (const [input, reply] of WALKV_CASES) {
    const shown = JSON.stringify(decoder.decode(input.subarray(0, 40)));
    using connection = await RawConnection.connect(walkv.port);
    await connection.send(input);
    // After a protocol error the server must hang up by itself; otherwise
    // the half-close lets it.
    if (!reply.includes("Protocol error")) await connection.conn.closeWrite();
    const received = decoder.decode(await connection.readToEnd(READ_TIMEOUT_MS));
    assertEquals(received, reply, `for ${shown}`);
  }
});

/** The fuzzers' view of one connection's randomness. */
class Dice {
  readonly #next: () => number;
  constructor(seed: number) {
    this.#next = random(seed);
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.#next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }
  bytes(length: number): Uint8Array {
    const bytes = new Uint8Array(length);
    for (let i = 0; i < length; i++) bytes[i] = this.int(256);
    return bytes;
  }
}

/** Malformed tails: each must end the connection with exactly its error. */
const BROKEN: [input: string, reply: string][] = [
  ["*99999999999\r\n", BAD_MULTIBULK],
  ["*-3\r\n", BAD_MULTIBULK],
  ["*2147483648\r\n", BAD_MULTIBULK],
  ["*abc\r\n", BAD_MULTIBULK],
  ["*2\r\n$3\r\nGET\r\n$999999999999\r\n", BAD_BULK],
  ["*2\r\n$3\r\nGET\r\n$-1\r\n", BAD_BULK],
  ["*1\r\n$abc\r\n", BAD_BULK],
  [`*2\r\n$3\r\nGET\r\n$${MAX_BULK + 1}\r\n`, BAD_BULK],
  ["*1\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"],
];

/**
 * A run of valid requests on keys only this connection uses, with the exact
 * replies a correct server gives, kept by a model of those keys.
 */
function validRequests(dice: Dice, prefix: string, model: Map<string, Uint8Array>) {
  const requests: Uint8Array[] = [];
  const replies: Uint8Array[] = [];
  const count = 1 + dice.int(8);
  for (let i = 0; i < count; i++) {
    const key = `${prefix}${dice.int(4)}`;
    const value = dice.bytes(dice.int(40));
    const current = model.get(key);
    switch (dice.int(6)) {
      case 0:
        requests.push(frame("SET", key, value));
        replies.push(encoder.encode("+OK\r\n"));
        model.set(key, value);
        break;
      case 1:
        requests.push(frame("GET", key));
        replies.push(bulkReply(current));
        break;
      case 2:
        requests.push(frame("DEL", key));
        replies.push(encoder.encode(`:${current === undefined ? 0 : 1}\r\n`));
        model.delete(key);
        break;
      case 3:
        requests.push(frame("EXISTS", key, key));
        replies.push(encoder.encode(`:${current === undefined ? 0 : 2}\r\n`));
        break;
      case 4:
        requests.push(frame("ECHO", value));
        replies.push(bulkReply(value));
        break;
      default:
        requests.push(frame("PING"));
        replies.push(encoder.encode(PONG));
    }
  }
  return { request: concat(...requests), reply: concat(...replies) };
}

/**
 * Sends `bytes` in random pieces (sometimes one byte at a time), with pauses
 * between some. Returns false if the server hung up first, as it does after
 * a protocol error it found before the last byte.
 */
async function sendInPieces(
  connection: RawConnection,
  dice: Dice,
  bytes: Uint8Array,
): Promise<boolean> {
  const byteByByte = dice.int(4) === 0;
  for (let at = 0; at < bytes.length;) {
    const size = byteByByte ? 1 : 1 + dice.int(Math.min(64, bytes.length - at));
    try {
      await connection.send(bytes.subarray(at, at + size));
    } catch (error: unknown) {
      if (error instanceof Deno.errors.BrokenPipe) return false;
      if (error instanceof Deno.errors.ConnectionReset) return false;
      throw error;
    }
    at += size;
    if (dice.int(8) === 0) await new Promise((resolve) => setTimeout(resolve, 1));
  }
  return true;
}

/** Reads the reply to a request exactly: as many newlines as `expected` holds. */
async function expectReply(connection: RawConnection, expected: Uint8Array, what: string) {
  const newlines = expected.filter((byte) => byte === 0x0a).length;
  const received = await connection.readReplies(newlines, READ_TIMEOUT_MS);
  assertEquals(decoder.decode(received), decoder.decode(expected), what);
  assertEquals(received, expected, what);
}

/** One fuzzing connection's round: one of four kinds of abuse, checked. */
async function fuzzRound(port: number, dice: Dice, where: string, model: Map<string, Uint8Array>) {
  using connection = await RawConnection.connect(port);
  const kind = dice.int(4);
  if (kind === 0) {
    // Random bytes, RESP or not: any reply, then the server must let go at EOF.
    const noise = dice.bytes(1 + dice.int(200));
    if (dice.int(2) === 0) noise[0] = 0x2a;
    if (await sendInPieces(connection, dice, noise)) await connection.conn.closeWrite();
    await connection.readToEnd(READ_TIMEOUT_MS);
    return;
  }
  const prefix = `${where}:`;
  const valid = validRequests(dice, prefix, model);
  if (kind === 1) {
    // Valid requests split at random points: exact replies, connection stays open.
    assert(await sendInPieces(connection, dice, valid.request), `${where}: server hung up`);
    await expectReply(connection, valid.reply, `${where}: split requests`);
    await connection.send(frame("PING"));
    await expectReply(connection, encoder.encode(PONG), `${where}: PING after split requests`);
    return;
  }
  // Valid requests, then a malformed one: the replies, the protocol error,
  // and the server closes the connection by itself. In one write, garbage
  // follows (which the server never reads); in pieces, the server may find
  // the error before the last piece and hang up while more is being sent.
  const [broken, error] = dice.pick(BROKEN);
  if (kind === 2) {
    await connection.send(concat(valid.request, broken, dice.bytes(dice.int(32))));
  } else {
    await sendInPieces(connection, dice, concat(valid.request, broken));
  }
  const received = await connection.readToEnd(READ_TIMEOUT_MS);
  assertEquals(
    decoder.decode(received),
    decoder.decode(concat(valid.reply, error)),
    `${where}: ${JSON.stringify(broken)} after valid requests`,
  );
}

Deno.test("resp fuzz: random and malformed input never disturbs the server or other clients", async () => {
  const seed = Number(Deno.env.get("WALKV_FUZZ_SEED") ?? 20240611);
  await using dir = await tempDir();
  await using walkv = await startServer({
    walDir: dir.path,
    args: ["--max-bulk", String(MAX_BULK)],
  });
  const deadline = Date.now() + FUZZ_MS;
  let rounds = 0;

  const fuzzer = async (worker: number) => {
    const dice = new Dice(seed + worker);
    const model = new Map<string, Uint8Array>();
    for (let round = 0; Date.now() < deadline; round++) {
      await fuzzRound(walkv.port, dice, `seed ${seed} worker ${worker} round ${round}`, model);
      rounds++;
    }
  };

  // The well-behaved client: one connection, exact answers all along.
  const bystander = async () => {
    using connection = await RawConnection.connect(walkv.port);
    let checks = 0;
    for (let i = 0; Date.now() < deadline; i++) {
      const value = `value ${i} \x00\r\n`;
      await connection.send(
        concat(frame("SET", "calm", value), frame("GET", "calm"), frame("INCR", "calm:n")),
      );
      await expectReply(
        connection,
        concat("+OK\r\n", bulkReply(encoder.encode(value)), `:${i + 1}\r\n`),
        `bystander request ${i} (seed ${seed})`,
      );
      checks++;
    }
    return checks;
  };

  const [checks] = await Promise.all([
    bystander(),
    ...Array.from({ length: FUZZERS }, (_, worker) => fuzzer(worker)),
  ]);
  assert(checks > 10, `the bystander got only ${checks} answers in ${FUZZ_MS} ms`);
  assert(rounds > FUZZERS, `only ${rounds} fuzz rounds ran`);

  // Still up, still answering, and it shuts down cleanly.
  using after = await RawConnection.connect(walkv.port);
  await after.send(concat(frame("PING"), frame("GET", "calm:n")));
  await expectReply(
    after,
    concat(PONG, bulkReply(encoder.encode(String(checks)))),
    "after fuzzing",
  );
  after.close();
  const status = await walkv.stop();
  assertEquals(status.code, 0, walkv.stderrText());
});
