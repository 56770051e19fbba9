/**
 * maxmemory and eviction on a real server: a flood of SETs stays inside
 * the budget under every evicting policy, noeviction answers -OOM (both
 * protocols) and reads go on, evictions are deletes in the WAL (gone after
 * a restart and after a compaction), CONFIG SET maxmemory evicts down at
 * run time, and LRU keeps a key read all along while cold ones go.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { respCall } from "../helpers/resp_reply.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const OOM = "-OOM command not allowed when used memory > 'maxmemory'.\r\n";
const LIMIT = 2 * 1024 * 1024;
const VALUE = "v".repeat(100);

/** One integer field of INFO. */
async function infoField(connection: RawConnection, name: string): Promise<number> {
  const text = await respCall(connection, "INFO", "all");
  const match = new RegExp(`\r\n${name}:(\\d+)\r\n`).exec(text);
  if (match === null) throw new Error(`INFO has no ${name}: ${text.slice(0, 200)}`);
  return Number(match[1]);
}

/** The reply's integer (`:12\r\n`). */
function integer(reply: string): number {
  assertMatch(reply, /^:\d+\r\n$/);
  return Number(reply.slice(1, -2));
}

/** SETs `key:from` … `key:to-1`, pipelined in batches; returns the replies that are not +OK. */
async function flood(
  connection: RawConnection,
  from: number,
  to: number,
  extra: string[] = [],
): Promise<string[]> {
  const refused: string[] = [];
  for (let start = from; start < to; start += 500) {
    const end = Math.min(to, start + 500);
    const frames = [];
    for (let i = start; i < end; i++) frames.push(frame("SET", `key:${i}`, VALUE, ...extra));
    await connection.send(concat(...frames));
    const replies = (await connection.readText(end - start)).split("\r\n").slice(0, -1);
    for (const reply of replies) if (reply !== "+OK") refused.push(reply);
  }
  return refused;
}

const POLICIES = [
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
];

Deno.test("eviction keeps a flood of SETs inside maxmemory under every evicting policy", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    args: ["--maxmemory", String(LIMIT), "--fsync", "no"],
  });
  using connection = await RawConnection.connect(server.port);
  let evicted = 0;
  for (const policy of POLICIES) {
    assertEquals(await respCall(connection, "FLUSHALL"), "+OK\r\n");
    assertEquals(
      await respCall(connection, "CONFIG", "SET", "maxmemory-policy", policy),
      "+OK\r\n",
    );
    const ttl = policy.startsWith("volatile") ? ["EX", "3600"] : [];
    assertEquals(await flood(connection, 0, 20_000, ttl), [], policy);
    const used = await infoField(connection, "used_memory");
    // Each command evicts down to the limit first, so only the last SET may be over it.
    assert(used <= LIMIT * 1.05, `${policy}: used_memory ${used} > ${LIMIT}`);
    const keys = integer(await respCall(connection, "DBSIZE"));
    assert(keys > 1000 && keys < 20_000, `${policy}: ${keys} keys`);
    const nowEvicted = await infoField(connection, "evicted_keys");
    assert(nowEvicted - evicted >= 20_000 - keys, `${policy}: evicted_keys ${nowEvicted}`);
    evicted = nowEvicted;
  }
  assertEquals(await respCall(connection, "CONFIG", "RESETSTAT"), "+OK\r\n");
  assertEquals(await infoField(connection, "evicted_keys"), 0);
});

Deno.test("noeviction answers -OOM to writes that may grow memory and still serves reads", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--fsync", "no"] });
  using connection = await RawConnection.connect(server.port);
  assertEquals(await flood(connection, 0, 1000), []);
  assertEquals(await respCall(connection, "CONFIG", "SET", "maxmemory", "1mb"), "+OK\r\n");
  assertEquals(await respCall(connection, "SET", "new", "value"), OOM);
  assertEquals(await respCall(connection, "INCR", "counter"), OOM);
  assertEquals(await respCall(connection, "GET", "key:1"), `$100\r\n${VALUE}\r\n`);
  // DEL is not denyoom: it frees memory, so it runs.
  assertEquals(await respCall(connection, "DEL", "key:2"), ":1\r\n");
  // Inside MULTI everything but EXEC, DISCARD, QUIT and RESET is refused, which fails the EXEC.
  assertEquals(await respCall(connection, "MULTI"), "+OK\r\n");
  assertEquals(await respCall(connection, "GET", "key:1"), OOM);
  assertEquals(
    await respCall(connection, "EXEC"),
    "-EXECABORT Transaction discarded because of previous errors.\r\n",
  );
  assertEquals(await infoField(connection, "evicted_keys"), 0);
  assertEquals(integer(await respCall(connection, "DBSIZE")), 999);

  // The text protocol refuses its SET in its own words, and still answers GET.
  using text = await RawConnection.connect(server.port);
  await text.send("SET other value\n");
  assertEquals(await text.readText(1), "-SET refused, used memory is over maxmemory\n");
  await text.send("GET key:1\n");
  assertEquals(await text.readText(1), `+OK ${VALUE}\n`);

  assertEquals(await respCall(connection, "CONFIG", "SET", "maxmemory", "0"), "+OK\r\n");
  assertEquals(await respCall(connection, "SET", "new", "value"), "+OK\r\n");
});

Deno.test("evicted keys stay gone after a restart and after a compaction", async () => {
  await using dir = await tempDir();
  const args = ["--maxmemory", String(LIMIT), "--maxmemory-policy", "allkeys-random"];
  let keys: number;
  const alive = new Set<number>();
  {
    await using server = await startServer({ walDir: dir.path, args });
    using connection = await RawConnection.connect(server.port);
    assertEquals(await flood(connection, 0, 15_000), []);
    keys = integer(await respCall(connection, "DBSIZE"));
    assert(keys < 15_000, `${keys} keys: nothing was evicted`);
    for (let i = 0; i < 15_000; i += 7) {
      if ((await respCall(connection, "EXISTS", `key:${i}`)) === ":1\r\n") alive.add(i);
    }
    connection.close();
    assertEquals((await server.stop()).code, 0);
  }
  /** The keys a restarted server has: the same count, the same sample alive. */
  async function assertSameKeys(extra: string[]): Promise<void> {
    await using server = await startServer({ walDir: dir.path, args: extra });
    using connection = await RawConnection.connect(server.port);
    assertEquals(integer(await respCall(connection, "DBSIZE")), keys);
    for (let i = 0; i < 15_000; i += 7) {
      const exists = await respCall(connection, "EXISTS", `key:${i}`);
      assertEquals(exists, alive.has(i) ? ":1\r\n" : ":0\r\n", `key:${i}`);
    }
    connection.close();
    assertEquals((await server.stop()).code, 0);
  }
  await assertSameKeys([]);
  {
    await using server = await startServer({ walDir: dir.path });
    using connection = await RawConnection.connect(server.port);
    assertEquals(await respCall(connection, "SAVE"), "+OK\r\n");
    connection.close();
    assertEquals((await server.stop()).code, 0);
  }
  await assertSameKeys([]);
});

Deno.test("CONFIG SET maxmemory lower at run time evicts down to it", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    args: ["--maxmemory-policy", "allkeys-lru", "--fsync", "no"],
  });
  using connection = await RawConnection.connect(server.port);
  assertEquals(await flood(connection, 0, 20_000), []);
  const before = await infoField(connection, "used_memory");
  const limit = Math.floor(before / 2);
  assertEquals(await respCall(connection, "CONFIG", "SET", "maxmemory", String(limit)), "+OK\r\n");
  assertEquals(
    await respCall(connection, "CONFIG", "GET", "maxmemory"),
    `*2\r\n$9\r\nmaxmemory\r\n$${String(limit).length}\r\n${limit}\r\n`,
  );
  // The timer evicts without any command asking; DBSIZE does not evict (no limit check needed).
  const deadline = Date.now() + 10_000;
  let used = before;
  while (Date.now() < deadline) {
    used = await infoField(connection, "used_memory");
    if (used <= limit) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  assert(used <= limit, `used_memory ${used} still over ${limit}`);
  assert(await infoField(connection, "evicted_keys") > 5000);
  assertEquals(await infoField(connection, "maxmemory"), limit);
});

Deno.test("allkeys-lru keeps a key read all along while evicting cold ones", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    args: ["--maxmemory", String(LIMIT), "--maxmemory-policy", "allkeys-lru", "--fsync", "no"],
  });
  using connection = await RawConnection.connect(server.port);
  assertEquals(await respCall(connection, "SET", "hot", "value"), "+OK\r\n");
  let misses = 0;
  const rounds = 300;
  for (let round = 0; round < rounds; round++) {
    if ((await respCall(connection, "GET", "hot")) !== "$5\r\nvalue\r\n") {
      misses++;
      await respCall(connection, "SET", "hot", "value");
    }
    assertEquals(await flood(connection, round * 100, (round + 1) * 100), []);
    // The access clock moves ten times a second: let it.
    if (round % 10 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert(await infoField(connection, "evicted_keys") > 10_000);
  // Chosen at random, the one hot key among ~8000 would hardly survive 20000 evictions.
  assert(misses <= rounds / 20, `the hot key was evicted ${misses} times`);
  let coldAlive = 0;
  for (let i = 0; i < 1000; i++) {
    if ((await respCall(connection, "EXISTS", `key:${i}`)) === ":1\r\n") coldAlive++;
  }
  assert(coldAlive < 100, `${coldAlive} of the first 1000 keys are still there`);
});
