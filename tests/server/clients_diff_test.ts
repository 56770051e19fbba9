/**
 * CLIENT LIST, INFO, ID, KILL, PAUSE/UNPAUSE and NO-EVICT against a real
 * redis-server: the same requests on raw sockets to both, the replies
 * compared byte for byte, except CLIENT LIST/INFO's lines, whose values
 * differ by nature (ids, ports, ages, buffer sizes): there every field's
 * name, order and format are compared, and the values that must agree
 * (name, db, flags, sub, psub, multi, cmd, user, redir, resp) as they are.
 * Each scenario runs against redis-server first.
 *
 * Then walkv alone: a connection on the seed's text protocol is listed
 * (`resp=0`, its last command) and CLIENT KILL closes it.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello } from "../helpers/transcript.ts";

const decoder = new TextDecoder();

/** Fields whose values are compared as they are; the others by format only. */
const EXACT = new Set(["name", "db", "flags", "sub", "psub", "ssub", "multi", "cmd", "user"]);
/** The format each other field's value must have. */
const FORMATS: Record<string, RegExp> = {
  id: /^\d+$/,
  addr: /^127\.0\.0\.1:\d+$/,
  laddr: /^127\.0\.0\.1:\d+$/,
  fd: /^-?\d+$/,
  age: /^\d+$/,
  idle: /^\d+$/,
  redir: /^-1$/,
  resp: /^[23]$/,
  events: /^rw?$/,
};

/**
 * A CLIENT LIST/INFO text as `name=value` fields with the by-nature values
 * replaced by their format's name (or `BAD(value)` when the format is wrong).
 */
function shape(text: string): string {
  return text.split("\n").map((line) =>
    line.split(" ").map((field) => {
      const eq = field.indexOf("=");
      if (eq === -1) return field;
      const name = field.slice(0, eq);
      const value = field.slice(eq + 1);
      if (EXACT.has(name)) return field;
      const format = FORMATS[name] ?? /^\d+$/;
      return format.test(value) ? `${name}=<${format.source}>` : `${name}=BAD(${value})`;
    }).join(" ")
  ).join("\n");
}

/** A bulk or verbatim reply's text, shaped; other replies as they are. */
function shapeReply(reply: string): string {
  const match = /^[$=](\d+)\r\n/.exec(reply);
  if (match === null) return reply;
  let body = reply.slice(match[0].length, match[0].length + Number(match[1]));
  if (reply[0] === "=") body = body.slice(4); // "txt:"
  return `${reply[0]}<len>\r\n${shape(body)}`;
}

/** The connection's own `addr=` and `id=`, from CLIENT INFO. */
async function identity(connection: RawConnection): Promise<{ id: string; addr: string }> {
  await connection.send(frame("CLIENT", "INFO"));
  const info = await readRespReply(connection, 5_000);
  return {
    id: /id=(\d+)/.exec(info)![1],
    addr: /addr=(\S+)/.exec(info)![1],
  };
}

/** Sends one request and returns its reply's text. */
async function call(connection: RawConnection, ...args: string[]): Promise<string> {
  await connection.send(frame(...args));
  return await readRespReply(connection, 5_000);
}

/** Whether the server closes `connection` within `ms`, and what came before. */
async function closedWithin(connection: RawConnection, ms: number): Promise<string> {
  try {
    return `${JSON.stringify(decoder.decode(await connection.readToEnd(ms)))} closed`;
  } catch {
    return "still open";
  }
}

async function listScenario(port: number): Promise<string[]> {
  const log: string[] = [];
  using a = await RawConnection.connect(port);
  using b = await RawConnection.connect(port);
  using c = await RawConnection.connect(port);
  using d = await RawConnection.connect(port);
  const { id } = await identity(b);
  log.push(await call(b, "CLIENT", "SETNAME", "worker-b"));
  log.push(await call(b, "SELECT", "2"));
  log.push(await call(b, "WATCH", "w"));
  log.push(await call(b, "MULTI"));
  log.push(await call(b, "SET", "x", "1"));
  log.push(await call(c, "SUBSCRIBE", "news", "sport"));
  log.push(await call(c, "PSUBSCRIBE", "n*"));
  log.push(normaliseHello(await call(d, "HELLO", "3")));
  log.push(await call(d, "CLIENT", "NO-EVICT", "on"));
  log.push(await call(a, "SELECT", "2"));
  log.push(await call(a, "SET", "w", "changed")); // b's watch is now dirty
  log.push(await call(a, "SELECT", "0"));
  log.push(await call(a, "GET", "nothing"));
  for (
    const args of [
      ["CLIENT", "LIST"],
      ["CLIENT", "LIST", "TYPE", "pubsub"],
      ["CLIENT", "LIST", "TYPE", "normal"],
      ["CLIENT", "LIST", "TYPE", "replica"],
      ["CLIENT", "LIST", "TYPE", "master"],
      ["CLIENT", "INFO"],
    ]
  ) {
    log.push(`${args.join(" ")} -> ${shapeReply(await call(a, ...args))}`);
  }
  log.push(`d: CLIENT INFO -> ${shapeReply(await call(d, "CLIENT", "INFO"))}`);
  log.push(`LIST ID -> ${shapeReply(await call(a, "CLIENT", "LIST", "ID", id, "999999"))}`);
  for (
    const args of [
      ["CLIENT", "LIST", "TYPE", "foo"],
      ["CLIENT", "LIST", "ID", "abc"],
      ["CLIENT", "LIST", "ID", "0"],
      ["CLIENT", "LIST", "ID", "-1"],
      ["CLIENT", "LIST", "ID"],
      ["CLIENT", "LIST", "foo"],
      ["CLIENT", "LIST", "TYPE", "normal", "ID", "1"],
      ["CLIENT", "INFO", "x"],
      ["CLIENT", "ID", "x"],
      ["CLIENT", "SETINFO", "LIB-NAME", "x"],
      ["CLIENT", "NO-EVICT"],
      ["CLIENT", "NO-EVICT", "maybe"],
      ["CLIENT", "NO-EVICT", "OFF"],
      ["CLIENT", "PAUSE"],
      ["CLIENT", "PAUSE", "abc"],
      ["CLIENT", "PAUSE", "-1"],
      ["CLIENT", "PAUSE", "10", "foo"],
      ["CLIENT", "PAUSE", "abc", "foo"],
      ["CLIENT", "PAUSE", "10", "all", "extra"],
      ["CLIENT", "UNPAUSE", "x"],
      ["CLIENT", "UNPAUSE"],
      ["CLIENT", "KILL"],
      ["CLIENT", "KILL", "1.2.3.4:5"],
      ["CLIENT", "KILL", "ID", "abc"],
      ["CLIENT", "KILL", "ID", "0"],
      ["CLIENT", "KILL", "ID", "999999"],
      ["CLIENT", "KILL", "TYPE", "foo"],
      ["CLIENT", "KILL", "TYPE", "master"],
      ["CLIENT", "KILL", "TYPE", "slave"],
      ["CLIENT", "KILL", "USER", "nobody"],
      ["CLIENT", "KILL", "SKIPME", "maybe"],
      ["CLIENT", "KILL", "ID", "1", "extra"],
      ["CLIENT", "KILL", "MAXAGE", "1"],
      ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "SKIPME", "no"],
      ["CLIENT", "KILL", "LADDR", "1.2.3.4:5"],
    ]
  ) {
    log.push(`${args.join(" ")} -> ${JSON.stringify(await call(a, ...args))}`);
  }
  return log;
}

async function killScenario(port: number): Promise<string[]> {
  const log: string[] = [];
  using a = await RawConnection.connect(port);
  using b = await RawConnection.connect(port);
  using c = await RawConnection.connect(port);
  using d = await RawConnection.connect(port);
  using e = await RawConnection.connect(port);
  const bId = (await identity(b)).id;
  const cAddr = (await identity(c)).addr;
  const aAddr = (await identity(a)).addr;
  log.push(await call(d, "SUBSCRIBE", "ch"));
  log.push(`KILL ID b -> ${await call(a, "CLIENT", "KILL", "ID", bId)}`);
  log.push(`b: ${await closedWithin(b, 2_000)}`);
  log.push(`KILL c (old form) -> ${await call(a, "CLIENT", "KILL", cAddr)}`);
  log.push(`c: ${await closedWithin(c, 2_000)}`);
  log.push(`KILL c again -> ${await call(a, "CLIENT", "KILL", cAddr)}`);
  log.push(`KILL TYPE pubsub -> ${await call(a, "CLIENT", "KILL", "TYPE", "pubsub")}`);
  log.push(`d: ${await closedWithin(d, 2_000)}`);
  log.push(`KILL USER default -> ${await call(a, "CLIENT", "KILL", "USER", "default")}`);
  log.push(`e: ${await closedWithin(e, 2_000)}`);
  log.push(`a still served -> ${await call(a, "PING")}`);
  await a.send(frame("CLIENT", "KILL", "ADDR", aAddr, "SKIPME", "no"));
  log.push(`KILL ADDR self SKIPME no -> ${await closedWithin(a, 2_000)}`);
  using f = await RawConnection.connect(port);
  await f.send(frame("CLIENT", "KILL", (await identity(f)).addr));
  log.push(`KILL self (old form) -> ${await closedWithin(f, 2_000)}`);
  return log;
}

/**
 * Starts reading one reply on `connection` and says, after `ms`, whether it
 * had come; `reply` settles with it either way.
 */
async function replyWithin(
  connection: RawConnection,
  ms: number,
): Promise<{ came: string; reply: Promise<string> }> {
  let came = false;
  const reply = readRespReply(connection, 10_000).then((text) => {
    came = true;
    return text;
  });
  await new Promise((resolve) => setTimeout(resolve, ms));
  return { came: came ? "replied" : "nothing yet", reply };
}

async function pauseScenario(port: number): Promise<string[]> {
  const log: string[] = [];
  using a = await RawConnection.connect(port);
  using b = await RawConnection.connect(port);
  log.push(await call(a, "CLIENT", "PAUSE", "20000", "WRITE"));
  log.push(`b GET while writes paused -> ${await call(b, "GET", "k")}`);
  await b.send(frame("SET", "k", "v"));
  const set = await replyWithin(b, 300);
  log.push(`b SET while writes paused -> ${set.came}`);
  log.push(`a UNPAUSE -> ${await call(a, "CLIENT", "UNPAUSE")}`);
  log.push(`b SET after -> ${await set.reply}`);
  log.push(await call(a, "CLIENT", "PAUSE", "20000", "WRITE"));
  await b.send(concat(frame("GET", "k"), frame("SET", "k", "w")));
  const get = await replyWithin(b, 300);
  log.push(`b pipelined GET while writes paused -> ${get.came} ${await get.reply}`);
  const pipelinedSet = await replyWithin(b, 300);
  log.push(`b pipelined SET while writes paused -> ${pipelinedSet.came}`);
  log.push(`a UNPAUSE -> ${await call(a, "CLIENT", "UNPAUSE")}`);
  log.push(`b pipelined SET after -> ${await pipelinedSet.reply}`);
  log.push(await call(a, "CLIENT", "PAUSE", "600", "ALL"));
  await b.send(frame("PING"));
  const ping = await replyWithin(b, 150);
  log.push(`b PING while all paused -> ${ping.came}`);
  log.push(`b PING once the pause ends -> ${await ping.reply}`);
  log.push(await call(a, "CLIENT", "PAUSE", "0"));
  log.push(`b PING after a 0 ms pause -> ${await call(b, "PING")}`);
  return log;
}

Deno.test("CLIENT LIST and INFO: Redis's fields in its order, and its errors", async () => {
  await assertSameAsRedis(listScenario);
});

Deno.test("CLIENT KILL by id, address, type and user, and the old form", async () => {
  await assertSameAsRedis(killScenario);
});

Deno.test("CLIENT PAUSE WRITE holds writes until UNPAUSE; ALL holds everything until it ends", async () => {
  await assertSameAsRedis(pauseScenario);
});

Deno.test("CLIENT LIST shows text-protocol connections with resp=0, and KILL closes them", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using text = await RawConnection.connect(walkv.port);
  await text.send("SET greeting hello\n");
  assertEquals(await text.readText(1), "+OK\n");
  using resp = await RawConnection.connect(walkv.port);
  const list = await call(resp, "CLIENT", "LIST");
  const lines = list.split("\r\n")[1].split("\n").filter((line) => line !== "");
  assertEquals(lines.length, 2, list);
  assertMatch(lines[0], /^id=\d+ addr=127\.0\.0\.1:\d+ .* cmd=set user=default redir=-1 resp=0$/);
  assertMatch(lines[1], / cmd=client\|list .* resp=2$/);
  const id = /^id=(\d+)/.exec(lines[0])![1];
  assertEquals(await call(resp, "CLIENT", "KILL", "ID", id), ":1\r\n");
  assert((await closedWithin(text, 2_000)).endsWith("closed"));
  const after = await call(resp, "CLIENT", "LIST");
  assert(!after.includes("resp=0"), after);
});

Deno.test("CLIENT PAUSE WRITE holds a text-protocol SET too, until UNPAUSE", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using resp = await RawConnection.connect(walkv.port);
  using text = await RawConnection.connect(walkv.port);
  await text.send("SET k before\n");
  assertEquals(await text.readText(1), "+OK\n");
  assertEquals(await call(resp, "CLIENT", "PAUSE", "20000", "WRITE"), "+OK\r\n");
  await text.send("GET k\nSET k after\nGET k\n");
  assertEquals(await text.readText(1), "+OK before\n", "a read is not held");
  let came = false;
  const held = text.readText(2).then((replies) => {
    came = true;
    return replies;
  });
  await new Promise((resolve) => setTimeout(resolve, 300));
  assertEquals(came, false, "the SET waits while writes are paused");
  assertEquals(await call(resp, "CLIENT", "UNPAUSE"), "+OK\r\n");
  assertEquals(await held, "+OK\n+OK after\n");
});
