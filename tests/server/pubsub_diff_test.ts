/**
 * Pub/sub against a real redis-server, byte for byte: the same steps run on
 * several raw connections to each server, over RESP2 and (after `HELLO 3`)
 * RESP3, and every frame each connection receives is logged in order: the
 * (un)subscribe confirmations and their counts, messages and pmessages
 * (binary payloads included), PUBSUB's answers, the subscribed-mode
 * refusals and PING's array, RESET and QUIT, and the order of messages
 * against replies, a client's messages to itself included. Frames are kept
 * as binary strings, one character per byte, so no byte is lost to UTF-8
 * decoding. Where Redis's order is its hash table's (PUBSUB CHANNELS, an
 * UNSUBSCRIBE of every channel, several patterns matching one message), the
 * frames of that step are sorted. Each run ends by sending PING on every
 * connection still open, so a stray frame shows up where the PING's reply
 * should be.
 */
import { assert, assertEquals } from "@std/assert";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { frame } from "../helpers/resp_frames.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

type Arg = string | Uint8Array;

/** Sends one request (or a pipeline of them) on `client` and reads `frames` frames (default: one per request). */
interface SendStep {
  client: number;
  send: Arg[] | Arg[][];
  frames?: number;
  /** Sort this step's frames (Redis's order there is its hash table's). */
  sorted?: boolean;
  /** What of each frame is compared (default: all of it). */
  pick?: (frame: string) => string;
}

/** Reads `read` frames that arrive on `client` without a request (messages). */
interface ReadStep {
  client: number;
  read: number;
  sorted?: boolean;
}

/** Reads until the server closes `client`'s connection. */
interface ClosedStep {
  client: number;
  closed: true;
}

type Step = SendStep | ReadStep | ClosedStep;

const TYPES_OF_ONE_LINE = "+-:_#,(";
const TYPES_WITH_LENGTH = "$!=";
const AGGREGATE_TYPES = "*~>%|";

/** One whole RESP2/RESP3 frame off `connection`, as a binary string. */
async function readFrame(connection: RawConnection): Promise<string> {
  const line = async () => {
    const bytes = await connection.readReplies(1, 5_000);
    return binaryFromBytes(bytes, 0, bytes.length);
  };
  const header = await line();
  const type = header[0];
  if (TYPES_OF_ONE_LINE.includes(type)) return header;
  const count = Number(header.slice(1, -2));
  if (!Number.isInteger(count)) {
    throw new SyntaxError(`Not a RESP header: ${JSON.stringify(header)}`);
  }
  if (TYPES_WITH_LENGTH.includes(type)) {
    if (count < 0) return header;
    let body = "";
    while (body.length < count + 2) body += await line();
    return header + body;
  }
  if (AGGREGATE_TYPES.includes(type)) {
    let out = header;
    const width = type === "%" || type === "|" ? 2 : 1;
    for (let i = 0; i < count * width; i++) out += await readFrame(connection);
    return out;
  }
  throw new SyntaxError(`Not a RESP frame: ${JSON.stringify(header)}`);
}

/** Text for the log: a request's fields joined, binary ones shown as escapes. */
function label(args: Arg[]): string {
  return args.map((arg) => typeof arg === "string" ? arg : JSON.stringify([...arg])).join(" ");
}

/**
 * Runs `steps` against `port`, with the clients in `resp3` switched to RESP3
 * first, and returns one log line per frame received.
 */
async function runScenario(port: number, steps: Step[], resp3: number[]): Promise<string[]> {
  const connections: RawConnection[] = [];
  const closed = new Set<number>();
  const connection = async (client: number) => {
    while (connections.length <= client) {
      const opened = await RawConnection.connect(port);
      connections.push(opened);
      if (resp3.includes(connections.length - 1)) {
        await opened.send(frame("HELLO", "3"));
        assert((await readFrame(opened)).startsWith("%7\r\n"));
      }
    }
    return connections[client];
  };
  const log: string[] = [];
  const record = (client: number, what: string, frames: string[], sorted = false) => {
    for (const received of sorted ? frames.toSorted() : frames) {
      log.push(`${client}> ${what} => ${JSON.stringify(received)}`);
    }
  };
  try {
    for (const step of steps) {
      const conn = await connection(step.client);
      if ("closed" in step) {
        const rest = await conn.readToEnd(5_000);
        record(step.client, "(until closed)", [binaryFromBytes(rest, 0, rest.length) + "(closed)"]);
        closed.add(step.client);
      } else if ("read" in step) {
        const frames: string[] = [];
        for (let i = 0; i < step.read; i++) frames.push(await readFrame(conn));
        record(step.client, "(read)", frames, step.sorted);
      } else {
        const pipeline = (Array.isArray(step.send[0]) ? step.send : [step.send]) as Arg[][];
        await conn.send(new Uint8Array(pipeline.flatMap((args) => [...frame(...args)])));
        const frames: string[] = [];
        for (let i = 0; i < (step.frames ?? pipeline.length); i++) {
          const received = await readFrame(conn);
          frames.push(step.pick ? step.pick(received) : received);
        }
        const what = pipeline.length <= 4
          ? pipeline.map(label).join(" | ")
          : `${label(pipeline[0])} | … (${pipeline.length} requests)`;
        record(step.client, what, frames, step.sorted);
      }
    }
    // Nothing may be left over: the next frame on each connection is PING's.
    for (let client = 0; client < connections.length; client++) {
      if (closed.has(client)) continue;
      await connections[client].send(frame("PING"));
      record(client, "PING (last)", [await readFrame(connections[client])]);
    }
  } finally {
    for (const conn of connections) conn.close();
  }
  return log;
}

/** The same scenario on a fresh redis-server and a fresh walkv; the logs must be equal. */
async function assertSameAsRedis(steps: Step[], resp3: number[]): Promise<string[]> {
  let expected: string[];
  {
    await using redis = await startRedisServer();
    expected = await runScenario(redis.port, steps, resp3);
  }
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const actual = await runScenario(walkv.port, steps, resp3);
  assertEquals(actual, expected);
  return expected;
}

const BINARY = new Uint8Array([0, 0xff, 0x0d, 0x0a, 0x80, 0x24, 0x2a]);

/** Subscriptions, counts, messages and pmessages, PUBSUB's answers. */
function basics(_resp3: boolean): Step[] {
  return [
    { client: 0, send: ["SUBSCRIBE", "news", "sports"], frames: 2 },
    { client: 0, send: ["SUBSCRIBE", "news"] },
    { client: 1, send: ["PUBLISH", "news", "hello"] },
    { client: 0, read: 1 },
    { client: 2, send: ["PSUBSCRIBE", "n*"] },
    { client: 1, send: ["PUBLISH", "news", BINARY] },
    { client: 0, read: 1 },
    { client: 2, read: 1 },
    { client: 1, send: ["PUBLISH", BINARY, "to a binary name"] },
    { client: 0, send: ["SUBSCRIBE", BINARY] },
    { client: 1, send: ["PUBLISH", BINARY, "again"] },
    { client: 0, read: 1 },
    { client: 1, send: ["PUBLISH", "nobody", "x"] },
    { client: 2, read: 1 },
    { client: 1, send: ["PUBSUB", "NUMSUB", "news", "sports", "nobody"] },
    { client: 1, send: ["PUBSUB", "NUMSUB"] },
    { client: 1, send: ["pubsub", "numpat"] },
    { client: 1, send: ["PUBSUB", "CHANNELS"], pick: sortedElements },
    { client: 1, send: ["PUBSUB", "CHANNELS", "n*"], pick: sortedElements },
    { client: 1, send: ["PUBSUB", "CHANNELS", "x", "y"] },
    { client: 1, send: ["PUBSUB", "NUMPAT", "x"] },
    { client: 1, send: ["PUBSUB", "NOSUCH"] },
    { client: 1, send: ["PUBSUB"] },
    { client: 1, send: ["SUBSCRIBE"] },
    { client: 1, send: ["PUBLISH", "news"] },
    { client: 0, send: ["UNSUBSCRIBE", "news", "never"], frames: 2 },
    { client: 1, send: ["PUBLISH", "news", "patterns only"] },
    { client: 2, read: 1 },
    // Every channel, in Redis's hash order: sorted, the counts (which follow the order) masked.
    { client: 0, send: ["UNSUBSCRIBE"], frames: 2, sorted: true, pick: maskCount },
    { client: 0, send: ["UNSUBSCRIBE"] },
    { client: 0, send: ["PUNSUBSCRIBE"] },
    { client: 0, send: ["GET", "k"] },
    { client: 2, send: ["PSUBSCRIBE", "a?", "b[xy]", "\\*"], frames: 3 },
    { client: 2, send: ["PUNSUBSCRIBE", "b[xy]", "never"], frames: 2 },
    { client: 2, send: ["PUNSUBSCRIBE"], frames: 3 },
    { client: 2, send: ["PUNSUBSCRIBE"] },
    { client: 1, send: ["PUBSUB", "NUMPAT"] },
    { client: 1, send: ["PUBSUB", "CHANNELS"] },
  ];
}

/** What a subscribed client may run, and how RESET and QUIT drop its subscriptions. */
function subscribedMode(resp3: boolean): Step[] {
  return [
    { client: 0, send: ["SUBSCRIBE", "a"] },
    { client: 0, send: ["PING"] },
    { client: 0, send: ["PING", "hi"] },
    { client: 0, send: ["ping", "a", "b"] },
    { client: 0, send: ["GET", "k"] },
    { client: 0, send: ["SET", "k", "v"] },
    { client: 0, send: ["CLIENT", "ID"], pick: (reply) => reply.replace(/^:\d+/, ":<id>") },
    { client: 0, send: ["CLIENT", "NOSUCH"] },
    { client: 0, send: ["PUBSUB", "NUMSUB", "a"] },
    { client: 0, send: ["MULTI"] },
    { client: 0, send: ["DISCARD"] },
    { client: 0, send: ["ECHO", "x"] },
    { client: 0, send: ["NOSUCH", "x"] },
    { client: 0, send: ["GET"] },
    // RESP3: the message comes before PUBLISH's reply, as Redis writes it.
    { client: 0, send: ["PUBLISH", "a", "to myself"], frames: resp3 ? 2 : 1 },
    { client: 0, send: ["PSUBSCRIBE", "p*"] },
    { client: 0, send: ["UNSUBSCRIBE", "a"] },
    { client: 0, send: ["GET", "k"] },
    { client: 0, send: ["PUNSUBSCRIBE"] },
    { client: 0, send: ["GET", "k"] },
    { client: 0, send: ["PING"] },
    { client: 0, send: ["SUBSCRIBE", "a", "b"], frames: 2 },
    { client: 0, send: ["PSUBSCRIBE", "c*"] },
    { client: 0, send: ["RESET"] },
    { client: 0, send: ["GET", "k"] },
    { client: 1, send: ["PUBLISH", "a", "after reset"] },
    { client: 1, send: ["PUBLISH", "cc", "after reset"] },
    { client: 1, send: ["PUBSUB", "NUMSUB", "a", "b"] },
    { client: 1, send: ["PUBSUB", "NUMPAT"] },
    { client: 2, send: ["SUBSCRIBE", "q"] },
    { client: 2, send: ["QUIT"] },
    { client: 2, closed: true },
    { client: 1, send: ["PUBSUB", "NUMSUB", "q"] },
    { client: 1, send: ["PUBLISH", "q", "gone"] },
  ];
}

/** Messages arrive in publish order, after the replies owed, interleaved as Redis interleaves them. */
function order(resp3: boolean): Step[] {
  const many = Array.from({ length: 50 }, (_, i) => ["PUBLISH", "ch", `m${i}`]);
  const steps: Step[] = [
    { client: 0, send: ["SUBSCRIBE", "ch"] },
    { client: 1, send: many },
    { client: 0, read: 50 },
    {
      client: 1,
      send: [["SET", "k", "1"], ["PUBLISH", "ch", "a"], ["SET", "k", "2"], ["PUBLISH", "ch", "b"]],
    },
    { client: 0, read: 2 },
    { client: 0, send: ["PSUBSCRIBE", "c*"] },
    { client: 1, send: ["PUBLISH", "ch", "both ways"] },
    { client: 0, read: 2 },
    { client: 0, send: ["PSUBSCRIBE", "?h"] },
    { client: 1, send: ["PUBLISH", "ch", "three ways"] },
    { client: 0, read: 1 },
    { client: 0, read: 2, sorted: true },
    // RESP2: PUBLISH is refused while subscribed; RESP3: its message to itself comes first.
    {
      client: 0,
      send: [["PING"], ["SUBSCRIBE", "self"], ["PUBLISH", "self", "1"], ["PING", "x"]],
      frames: resp3 ? 5 : 4,
    },
    { client: 1, send: ["SUBSCRIBE", "ch"] },
  ];
  if (resp3) {
    // A publisher that is a subscriber too: three pushes to itself, then the count.
    steps.push(
      { client: 0, send: ["PUBLISH", "ch", "from 0"], frames: 1 },
      { client: 0, read: 2, sorted: true },
      { client: 0, read: 1 },
      { client: 1, read: 1 },
    );
  }
  steps.push(
    { client: 2, send: [["PUBLISH", "ch", "x"], ["PUBLISH", "self", "y"], ["PUBLISH", "ch", "z"]] },
    { client: 0, read: 1 },
    { client: 0, read: 2, sorted: true },
    { client: 0, read: 1 },
    { client: 0, read: 1 },
    { client: 0, read: 2, sorted: true },
    { client: 1, read: 2 },
  );
  return steps;
}

/** Details: the empty channel, a pattern of `*`, MULTI around PUBLISH, INFO's counts. */
function details(_resp3: boolean): Step[] {
  const stats = (reply: string) =>
    reply.split("\r\n").filter((line) => /^pubsub(shard)?_(channels|patterns):/.test(line))
      .join(" ");
  return [
    { client: 0, send: ["SUBSCRIBE", ""] },
    { client: 2, send: ["PSUBSCRIBE", "*"] },
    { client: 1, send: ["PUBSUB", "CHANNELS"] },
    { client: 1, send: ["PUBSUB", "CHANNELS", "*"] },
    { client: 1, send: ["PUBLISH", "", "empty"] },
    { client: 0, read: 1 },
    { client: 1, send: ["PUBLISH", "x", "one"] },
    { client: 2, read: 1 },
    { client: 1, send: ["INFO", "stats"], pick: stats },
    {
      client: 1,
      send: [["MULTI"], ["PUBLISH", "x", "queued"], ["PUBLISH", "", "queued"], ["EXEC"]],
    },
    { client: 2, read: 1 },
    { client: 0, read: 1 },
    { client: 0, send: ["UNSUBSCRIBE"] },
    { client: 2, send: ["PUNSUBSCRIBE"] },
    { client: 1, send: ["INFO", "stats"], pick: stats },
  ];
}

const SCENARIOS = { basics, subscribedMode, order, details };

for (const [name, steps] of Object.entries(SCENARIOS)) {
  Deno.test(`pubsub diff: ${name}, RESP2, as redis-server answers`, async () => {
    await assertSameAsRedis(steps(false), []);
  });
  Deno.test(`pubsub diff: ${name}, RESP3 subscribers, as redis-server answers`, async () => {
    await assertSameAsRedis(steps(true), [0, 2]);
  });
}

/** A confirmation with its count masked. */
function maskCount(reply: string): string {
  return reply.replace(/:\d+\r\n$/, ":<count>\r\n");
}

/** PUBSUB CHANNELS' bulk strings sorted: Redis lists them in its hash table's order. */
function sortedElements(reply: string): string {
  const header = /^\*(\d+)\r\n/.exec(reply);
  if (header === null) return reply;
  const elements: string[] = [];
  let at = header[0].length;
  while (at < reply.length) {
    const lineEnd = reply.indexOf("\r\n", at);
    const end = lineEnd + 2 + Number(reply.slice(at + 1, lineEnd)) + 2;
    elements.push(reply.slice(at, end));
    at = end;
  }
  return header[0] + elements.sort().join("");
}
