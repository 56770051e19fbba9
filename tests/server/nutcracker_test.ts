/**
 * Scale-out behind nutcracker (twemproxy), as the README's deployment
 * describes: three walkv nodes (each its own WAL) behind one nutcracker with
 * two pools over the same nodes and the same ketama ring, one with
 * `auto_eject_hosts: true` and one without. A mixed load through the proxy
 * lands every key on exactly one node and reads back through the proxy; the
 * commands the README says the proxy refuses are refused (it closes the
 * connection); after a SIGKILL of one node, the others' keys are still
 * served through both pools, the ejecting pool moves the dead node's keys
 * to the survivors, and the other answers them with an error.
 */
import { assert, assertEquals } from "@std/assert";
import { startNutcracker } from "../helpers/nutcracker.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Keys of each type in the load. */
const PER_TYPE = 500;
/** Requests sent before their replies are read. */
const BATCH = 250;
/** How long nutcracker may take to eject the killed node. */
const EJECT_TIMEOUT_MS = 10_000;

/** A request and the exact reply it must get. */
type Step = [request: string[], reply: string];

function bulk(text: string): string {
  return `$${text.length}\r\n${text}\r\n`;
}

function array(...items: string[]): string {
  return `*${items.length}\r\n${items.map(bulk).join("")}`;
}

/** The load that makes the keys: strings, counters, hashes, lists, sets, sorted sets, and deletes. */
function writes(i: number): Step[] {
  return [
    [["SET", `str:${i}`, `v${i}`], "+OK\r\n"],
    [["INCR", `cnt:${i}`], ":1\r\n"],
    [["INCR", `cnt:${i}`], ":2\r\n"],
    [["HSET", `hash:${i}`, "f1", `a${i}`, "f2", `b${i}`], ":2\r\n"],
    [["LPUSH", `list:${i}`, "x", "y"], ":2\r\n"],
    [["SADD", `set:${i}`, "m1", "m2", "m3"], ":3\r\n"],
    [["ZADD", `zset:${i}`, "1", "a", "2", "b"], ":2\r\n"],
    [["SET", `gone:${i}`, "soon"], "+OK\r\n"],
  ];
}

/** What reads each of `i`'s keys back, by key. */
function reads(i: number): Map<string, Step> {
  return new Map<string, Step>([
    [`str:${i}`, [["GET", `str:${i}`], bulk(`v${i}`)]],
    [`cnt:${i}`, [["GET", `cnt:${i}`], bulk("2")]],
    [`hash:${i}`, [["HGETALL", `hash:${i}`], array("f1", `a${i}`, "f2", `b${i}`)]],
    [`list:${i}`, [["LRANGE", `list:${i}`, "0", "-1"], array("y", "x")]],
    [`set:${i}`, [["SCARD", `set:${i}`], ":3\r\n"]],
    [`zset:${i}`, [["ZRANGE", `zset:${i}`, "0", "-1", "WITHSCORES"], array("a", "1", "b", "2")]],
  ]);
}

/** Sends `steps` pipelined in batches and checks every reply, naming the first wrong one. */
async function run(port: number, steps: readonly Step[]): Promise<void> {
  using connection = await RawConnection.connect(port);
  for (let start = 0; start < steps.length; start += BATCH) {
    const batch = steps.slice(start, start + BATCH);
    await connection.send(concat(...batch.map(([request]) => frame(...request))));
    for (const [request, expected] of batch) {
      assertEquals(await readRespReply(connection), expected, request.join(" "));
    }
  }
}

/** One request's reply through `port`, on a connection of its own. */
async function call(port: number, ...request: string[]): Promise<string> {
  using connection = await RawConnection.connect(port);
  await connection.send(frame(...request));
  return await readRespReply(connection);
}

/** The key names of a `KEYS` reply. */
function keyNames(reply: string): string[] {
  const lines = reply.split("\r\n");
  const names: string[] = [];
  for (let i = 2; i < lines.length; i += 2) names.push(lines[i]);
  return names.slice(0, Number(lines[0].slice(1)));
}

/** Every key on `node`, asked directly. */
async function keysOn(node: ServerProcess, pattern = "*"): Promise<Set<string>> {
  return new Set(keyNames(await call(node.port, "KEYS", pattern)));
}

Deno.test("nutcracker spreads a mixed load over 3 walkv nodes and serves on when one is killed", async () => {
  await using dir = await tempDir();
  await using node1 = await startServer({ walDir: dir.path, walName: "node1" });
  await using node2 = await startServer({ walDir: dir.path, walName: "node2" });
  await using node3 = await startServer({ walDir: dir.path, walName: "node3" });
  const nodes = [node1, node2, node3];
  await using proxy = await startNutcracker(
    dir.path,
    nodes.map((node, i) => ({ port: node.port, name: `node${i + 1}` })),
    [
      // An ejected node stays out far longer than the test runs, so no retry lands in it.
      { name: "ejecting", autoEjectHosts: true, serverRetryTimeoutMs: 120_000 },
      { name: "fixed", autoEjectHosts: false },
    ],
  );
  const ejecting = proxy.ports.get("ejecting")!;
  const fixed = proxy.ports.get("fixed")!;

  // The load, through the ejecting pool.
  const indexes = Array.from({ length: PER_TYPE }, (_, i) => i);
  await run(ejecting, indexes.flatMap(writes));
  // Multi-key commands are split by node and joined again by the proxy.
  const gone = indexes.map((i) => `gone:${i}`);
  await run(ejecting, [
    [["DEL", ...gone.slice(0, 100)], ":100\r\n"],
    ...gone.slice(100).map((key): Step => [["DEL", key], ":1\r\n"]),
    [
      ["MGET", ...indexes.slice(0, 100).map((i) => `str:${i}`), "nope"],
      [
        "*101\r\n",
        ...indexes.slice(0, 100).map((i) => bulk(`v${i}`)),
        "$-1\r\n",
      ].join(""),
    ],
    [["EXISTS", ...indexes.slice(0, 50).map((i) => `cnt:${i}`), "nope"], ":50\r\n"],
  ]);

  // Every key on exactly one node, each node holding a share of them.
  const expected = new Map(indexes.flatMap((i) => [...reads(i)]));
  const placed = await Promise.all(nodes.map((node) => keysOn(node)));
  const owner = new Map<string, number>();
  placed.forEach((keys, n) => {
    for (const key of keys) {
      assert(!owner.has(key), `${key} is on node${owner.get(key)! + 1} and node${n + 1}`);
      owner.set(key, n);
    }
    assert(keys.size > expected.size / 10, `node${n + 1} holds only ${keys.size} keys`);
  });
  assertEquals([...owner.keys()].sort(), [...expected.keys()].sort());
  // What each node holds directly is what was written through the proxy.
  for (const [n, node] of nodes.entries()) {
    await run(node.port, [...expected].filter(([key]) => owner.get(key) === n).map(([, s]) => s));
  }
  // And it reads back through the other pool, which shares the ring.
  await run(fixed, [...expected.values()]);

  // What the proxy refuses: it closes the connection without a reply.
  for (
    const refused of [
      ["KEYS", "*"],
      ["SCAN", "0"],
      ["INFO"],
      ["DBSIZE"],
      ["MULTI"],
      ["WATCH", "str:1"],
      ["SELECT", "1"],
      ["SUBSCRIBE", "ch"],
      ["PUBLISH", "ch", "hi"],
      ["BLPOP", "list:1", "1"],
      ["FLUSHALL"],
      ["FLUSHDB"],
      ["RENAME", "str:1", "str:2"],
      ["MSETNX", "a", "1", "b", "2"],
      ["RANDOMKEY"],
      ["CONFIG", "GET", "save"],
      ["CLIENT", "LIST"],
      ["HELLO", "3"],
      ["ECHO", "hi"],
      ["TIME"],
      ["SWAPDB", "0", "1"],
      ["OBJECT", "ENCODING", "str:1"],
      ["EXPIRETIME", "str:1"],
      ["LCS", "str:1", "str:2"],
      ["LMPOP", "1", "list:1", "LEFT"],
      ["SINTERCARD", "1", "set:1"],
      ["BITFIELD_RO", "str:1", "GET", "u8", "0"],
      ["RESET"],
    ]
  ) {
    using connection = await RawConnection.connect(ejecting);
    await connection.send(frame(...refused));
    assertEquals(new TextDecoder().decode(await connection.readToEnd()), "", refused.join(" "));
  }
  // None of that reached a node.
  assertEquals(await call(ejecting, "GET", "str:1"), bulk("v1"));
  assertEquals((await Promise.all(nodes.map((node) => keysOn(node)))).map((k) => k.size), [
    ...placed.map((k) => k.size),
  ]);

  // Kill node2. Keys on the other two stay served through both pools.
  await node2.kill();
  const survivors = [...expected].filter(([key]) => owner.get(key) !== 1).map(([, step]) => step);
  const orphans = [...expected.keys()].filter((key) => owner.get(key) === 1);
  await run(ejecting, survivors);
  await run(fixed, survivors);
  // Without auto_eject_hosts, the dead node's keys get an error, never a wrong answer.
  for (const key of orphans.filter((key) => key.startsWith("str:")).slice(0, 20)) {
    const reply = await call(fixed, "GET", key);
    assert(reply.startsWith("-ERR "), `${key} through the fixed pool: ${JSON.stringify(reply)}`);
  }
  // With it, the node is ejected after one failure and its keys go to the survivors:
  // reads of them miss, writes land on node1 or node3.
  const orphan = orphans.find((key) => key.startsWith("str:"))!;
  const deadline = Date.now() + EJECT_TIMEOUT_MS;
  let reply = await call(ejecting, "GET", orphan);
  while (reply !== "$-1\r\n" && Date.now() < deadline) {
    assert(reply.startsWith("-ERR "), `${orphan} before the ejection: ${JSON.stringify(reply)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    reply = await call(ejecting, "GET", orphan);
  }
  assertEquals(reply, "$-1\r\n", `${orphan} still unserved ${EJECT_TIMEOUT_MS} ms after the kill`);
  await run(ejecting, indexes.map((i) => [["SET", `after:${i}`, `${i}`], "+OK\r\n"]));
  const after = await Promise.all([node1, node3].map((node) => keysOn(node, "after:*")));
  assertEquals(after[0].size + after[1].size, PER_TYPE);
  await run(ejecting, indexes.map((i) => [["GET", `after:${i}`], bulk(`${i}`)]));
  await run(ejecting, survivors);
  // nutcracker's own stats say it ejected a node (they are refreshed every 100 ms).
  const ejects = async () =>
    ((await proxy.stats()) as { ejecting: { server_ejects: number } }).ejecting.server_ejects;
  const statsDeadline = Date.now() + 5_000;
  while (await ejects() === 0 && Date.now() < statsDeadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert(await ejects() >= 1, JSON.stringify(await proxy.stats()));
});
