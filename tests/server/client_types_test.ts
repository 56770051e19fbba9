/**
 * Redis's data types through real client libraries with their default
 * options, against a redis-server and against walkv: node-redis 6
 * (`npm:redis@6.3.1`, RESP3 by default), ioredis 5 (`npm:ioredis@5.4.1`,
 * RESP2) and Debian's python3-redis (`tests/helpers/python_types_scenario.py`).
 * Each library runs the same scenario on both servers (hashes and sets as an
 * application uses them, a wrong type, a transaction mixing them, a list, a
 * sorted set (scores as each library reads them),
 * and a BRPOP on one connection woken by a push on another) and the
 * results it returned must be equal; a few are also written out, so the
 * comparison rests on Redis's own answers.
 */
import { assertEquals } from "@std/assert";
import { createClient } from "npm:redis@6.3.1";
import { Redis } from "npm:ioredis@5.4.1";
import { startRedisServer } from "../helpers/redis_server.ts";
import { REPO_ROOT, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** `value` with its map and set members in a fixed order, for comparing. */
function plain(value: unknown): unknown {
  if (value instanceof Map) {
    return [...value].map(([k, v]) => [plain(k), plain(v)]).sort((a, b) =>
      JSON.stringify(a) < JSON.stringify(b) ? -1 : 1
    );
  }
  if (value instanceof Set) return [...value].map(plain).sort();
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Error) return { error: value.message };
  if (value !== null && typeof value === "object") {
    return Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [
      k,
      plain(v),
    ]);
  }
  return value;
}

async function attempt(action: () => Promise<unknown>): Promise<unknown> {
  try {
    return plain(await action());
  } catch (error: unknown) {
    return plain(error);
  }
}

async function nodeRedisScenario(port: number): Promise<Record<string, unknown>> {
  const client = createClient({ socket: { host: "127.0.0.1", port } });
  await client.connect();
  try {
    await client.flushAll();
    const results: Record<string, unknown> = {};
    results.hset = await client.hSet("user:1", { name: "ada", visits: 1 });
    results.hget = await client.hGet("user:1", "name");
    results.hincrby = await client.hIncrBy("user:1", "visits", 41);
    results.hincrbyfloat = await client.hIncrByFloat("user:1", "score", 0.1);
    results.hgetall = plain(await client.hGetAll("user:1"));
    results.hdel = await client.hDel("user:1", "score");
    results.sadd = await client.sAdd("tags", ["a", "b", "c"]);
    results.smembers = (await client.sMembers("tags")).sort();
    results.sismember = await client.sIsMember("tags", "b");
    await client.sAdd("other", ["b", "c", "d"]);
    results.sinter = (await client.sInter(["tags", "other"])).sort();
    await client.set("plain", "text");
    results.wrongtype = await attempt(() => client.hGet("plain", "f"));
    results.multi = plain(
      await client.multi().hSet("tx", "f", "v").sAdd("txs", "m").hGetAll("tx").sMembers("txs")
        .exec(),
    );
    results.rpush = await client.rPush("list", ["a", "b", "c"]);
    results.lrange = await client.lRange("list", 0, -1);
    results.lpop = await client.lPop("list");
    results.zadd = await client.zAdd("board", [{ score: 1.5, value: "ada" }, {
      score: 3,
      value: "bob",
    }]);
    results.zincrby = await client.zIncrBy("board", 2, "ada");
    results.zrange = await client.zRangeWithScores("board", 0, -1);
    results.zrank = await client.zRank("board", "bob");
    results.zscore = await client.zScore("board", "ada");
    // BRPOP on its own connection, woken by this one's push.
    const blocked = client.duplicate();
    await blocked.connect();
    try {
      const waiting = blocked.brPop("jobs", 5);
      await new Promise((resolve) => setTimeout(resolve, 50));
      results.pushed = await client.lPush("jobs", "job-1");
      results.brpop = plain(await waiting);
    } finally {
      blocked.destroy();
    }
    return results;
  } finally {
    client.destroy();
  }
}

async function ioredisScenario(port: number): Promise<Record<string, unknown>> {
  const client = new Redis({ host: "127.0.0.1", port, lazyConnect: true });
  await client.connect();
  try {
    await client.flushall();
    const results: Record<string, unknown> = {};
    results.hset = await client.hset("user:1", { name: "ada", visits: 1 });
    results.hincrbyfloat = await client.hincrbyfloat("user:1", "score", 0.1);
    results.hgetall = plain(await client.hgetall("user:1"));
    results.hmget = await client.hmget("user:1", "name", "nope");
    results.sadd = await client.sadd("tags", "a", "b", "c");
    results.smembers = (await client.smembers("tags")).sort();
    results.spop = (await client.spop("tags", 3))?.sort();
    results.exists = await client.exists("tags");
    await client.set("plain", "text");
    results.wrongtype = await attempt(() => client.sadd("plain", "x"));
    results.multi = plain(
      await client.multi().hset("tx", "f", "v").sadd("txs", "m").hgetall("tx").exec(),
    );
    results.rpush = await client.rpush("list", "a", "b", "c");
    results.lmove = await client.lmove("list", "other", "LEFT", "RIGHT");
    results.zadd = await client.zadd("board", 1.5, "ada", 3, "bob");
    results.zincrby = await client.zincrby("board", 2, "ada");
    results.zrange = await client.zrange("board", 0, -1, "WITHSCORES");
    results.zpopmin = await client.zpopmin("board");
    // BRPOP on its own connection, woken by this one's push.
    const blocked = client.duplicate();
    try {
      const waiting = blocked.brpop("jobs", 5);
      await new Promise((resolve) => setTimeout(resolve, 50));
      results.pushed = await client.lpush("jobs", "job-1");
      results.brpop = await waiting;
    } finally {
      blocked.disconnect();
    }
    return results;
  } finally {
    client.disconnect();
  }
}

async function pythonScenario(port: number): Promise<unknown> {
  let python = "python3";
  try {
    await Deno.stat("/usr/bin/python3");
    python = "/usr/bin/python3"; // Debian's, which sees python3-redis
  } catch { /* whatever is on PATH */ }
  const output = await new Deno.Command(python, {
    args: [`${REPO_ROOT}tests/helpers/python_types_scenario.py`, String(port)],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const stderr = new TextDecoder().decode(output.stderr);
  if (!output.success) throw new Error(`the python scenario failed: ${stderr}`);
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

const SCENARIOS = {
  "node-redis 6.3.1 (RESP3)": nodeRedisScenario,
  "ioredis 5.4.1": ioredisScenario,
  "python3-redis": pythonScenario,
} as const;

for (const [library, scenario] of Object.entries(SCENARIOS)) {
  Deno.test(`${library} uses every data type (and python3-redis pub/sub) on walkv as on redis-server`, async () => {
    await using redis = await startRedisServer();
    const expected = await scenario(redis.port) as Record<string, unknown>;
    // Redis's own answers, written out, so both runs cannot agree on nothing.
    assertEquals(expected.hset, 2);
    assertEquals(JSON.stringify(expected.wrongtype).includes("WRONGTYPE Operation against"), true);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await scenario(walkv.port), expected);
  });
}
