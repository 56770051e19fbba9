import { assert, assertEquals, assertInstanceOf, assertRejects } from "@std/assert";
import { WalkvClient, WalkvError } from "../../src/client/mod.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** A walkv for one test, and a client of it over RESP `protocol`. */
async function withClient(
  protocol: 2 | 3,
  test: (client: WalkvClient) => Promise<void>,
): Promise<void> {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using client = await WalkvClient.connect({ port: server.port, protocol });
  await test(client);
}

for (const protocol of [2, 3] as const) {
  Deno.test(`WalkvClient string and key helpers over RESP${protocol}`, () =>
    withClient(protocol, async (client) => {
      assertEquals(await client.ping(), "PONG");
      assertEquals(await client.ping("hé"), "hé");
      assertEquals(await client.set("greeting", "hello wörld"), true);
      assertEquals(await client.get("greeting"), "hello wörld");
      assertEquals(await client.get("missing"), null);
      assertEquals(await client.set("greeting", "again", { nx: true }), false);
      assertEquals(await client.set("absent", "x", { xx: true }), false);
      assertEquals(await client.set("session", "t", { ex: 100 }), true);
      const ttl = await client.ttl("session");
      assert(ttl > 98 && ttl <= 100, `TTL ${ttl}`);
      assert(await client.pttl("session") > 98_000);
      assertEquals(await client.set("session", "u", { keepTtl: true, xx: true }), true);
      assert(await client.ttl("session") > 98);
      assertEquals(await client.set("at", "v", { pxat: Date.now() + 60_000 }), true);
      assert(await client.pttl("at") > 50_000);
      assertEquals(await client.persist("at"), true);
      assertEquals(await client.ttl("at"), -1);
      assertEquals(await client.expire("at", 50), true);
      assertEquals(await client.pexpire("nothing", 50), false);
      assertEquals(await client.ttl("nothing"), -2);
      await client.mset({ a: "1", b: 2 });
      assertEquals(await client.mget("a", "b", "c"), ["1", "2", null]);
      assertEquals(await client.incr("a"), 2);
      assertEquals(await client.incrBy("a", 10), 12);
      assertEquals(await client.decr("a"), 11);
      assertEquals(await client.decrBy("a", 20), -9);
      assertEquals(await client.incrByFloat("b", 0.5), 2.5);
      assertEquals(await client.append("b", "x"), 4);
      assertEquals(await client.strlen("b"), 4);
      assertEquals(await client.getDel("b"), "2.5x");
      assertEquals(await client.exists("a", "a", "b"), 2);
      assertEquals(await client.type("a"), "string");
      assertEquals(await client.type("b"), "none");
      await client.rename("a", "z");
      assertEquals((await client.keys("*")).sort(), ["at", "greeting", "session", "z"]);
      assertEquals(await client.dbsize(), 4);
      assertEquals(await client.del("z", "session", "nope"), 2);
      assertEquals((await client.info("keyspace")).includes("db0:keys=2"), true);
      await client.flushdb();
      assertEquals(await client.dbsize(), 0);
    }));

  Deno.test(`WalkvClient hash, list, set and sorted-set helpers over RESP${protocol}`, () =>
    withClient(protocol, async (client) => {
      assertEquals(await client.hset("user", "name", "Ada"), 1);
      assertEquals(await client.hset("user", { name: "Ada L.", born: 1815, city: "London" }), 2);
      assertEquals(await client.hget("user", "name"), "Ada L.");
      assertEquals(await client.hget("user", "nope"), null);
      assertEquals(await client.hmget("user", "born", "nope"), ["1815", null]);
      assertEquals(await client.hgetall("user"), { name: "Ada L.", born: "1815", city: "London" });
      assertEquals(await client.hgetall("nobody"), {});
      assertEquals(await client.hincrBy("user", "born", 1), 1816);
      assertEquals(await client.hexists("user", "city"), true);
      assertEquals(await client.hdel("user", "city", "nope"), 1);
      assertEquals(await client.hlen("user"), 2);
      assertEquals((await client.hkeys("user")).sort(), ["born", "name"]);
      assertEquals((await client.hvals("user")).sort(), ["1816", "Ada L."]);

      assertEquals(await client.rpush("list", "b", "c"), 2);
      assertEquals(await client.lpush("list", "a", "z"), 4);
      assertEquals(await client.lrange("list", 0, -1), ["z", "a", "b", "c"]);
      assertEquals(await client.lindex("list", -1), "c");
      assertEquals(await client.llen("list"), 4);
      assertEquals(await client.lpop("list"), "z");
      assertEquals(await client.rpop("list"), "c");
      assertEquals(await client.lrem("list", 0, "a"), 1);
      assertEquals(await client.brpop("list", 1), ["list", "b"]);
      assertEquals(await client.lpop("list"), null);

      assertEquals(await client.sadd("set", "x", "y", "x"), 2);
      assertEquals(await client.sadd("other", "y", "w"), 2);
      assertEquals((await client.smembers("set")).sort(), ["x", "y"]);
      assertEquals(await client.sismember("set", "x"), true);
      assertEquals(await client.sismember("set", "w"), false);
      assertEquals(await client.sinter("set", "other"), ["y"]);
      assertEquals(await client.srem("set", "x", "q"), 1);
      assertEquals(await client.scard("set"), 1);

      assertEquals(await client.zadd("board", 10, "ada"), 1);
      assertEquals(
        await client.zadd("board", [{ member: "bob", score: 7.5 }, {
          member: "cy",
          score: Infinity,
        }]),
        2,
      );
      assertEquals(await client.zscore("board", "bob"), 7.5);
      assertEquals(await client.zscore("board", "cy"), Infinity);
      assertEquals(await client.zscore("board", "nobody"), null);
      assertEquals(await client.zincrBy("board", 5, "bob"), 12.5);
      assertEquals(await client.zrank("board", "ada"), 0);
      assertEquals(await client.zrank("board", "nobody"), null);
      assertEquals(await client.zrange("board", 0, -1), ["ada", "bob", "cy"]);
      assertEquals(await client.zrangeWithScores("board", 0, 1), [
        { member: "ada", score: 10 },
        { member: "bob", score: 12.5 },
      ]);
      assertEquals(await client.zrangeByScore("board", "(10", "+inf"), ["bob", "cy"]);
      assertEquals(await client.zrem("board", "ada"), 1);
      assertEquals(await client.zcard("board"), 2);
      assertEquals(await client.publish("nobody-listens", "hi"), 0);
    }));

  Deno.test(`WalkvClient error replies reject with Redis's text over RESP${protocol}`, () =>
    withClient(protocol, async (client) => {
      await client.hset("h", "f", "v");
      const wrongType = await assertRejects(() => client.get("h"), WalkvError);
      assertEquals(wrongType.code, "WRONGTYPE");
      assertEquals(
        wrongType.reply,
        "WRONGTYPE Operation against a key holding the wrong kind of value",
      );
      await client.set("s", "text");
      const notInteger = await assertRejects(() => client.incr("s"), WalkvError);
      assertEquals(notInteger.reply, "ERR value is not an integer or out of range");
      const unknown = await assertRejects(() => client.send("NOPE", "a"), WalkvError);
      assertEquals(
        unknown.reply,
        "ERR unknown command 'NOPE', with args beginning with: 'a' ",
      );
      const arity = await assertRejects(() => client.send("GET"), WalkvError);
      assertEquals(arity.reply, "ERR wrong number of arguments for 'get' command");
      // The connection carries on after an error reply.
      assertEquals(await client.get("s"), "text");
    }));
}

Deno.test("WalkvClient sends and reads any bytes with the binary forms", () =>
  withClient(2, async (client) => {
    const value = new Uint8Array(256).map((_, i) => i);
    await client.set(new Uint8Array([0, 13, 10, 255]), value);
    assertEquals(await client.getBytes(new Uint8Array([0, 13, 10, 255])), value);
    assertEquals(await client.getBytes("nothing"), null);
    await client.rpush("frames", new Uint8Array([0xff, 0xfe]), "text");
    assertEquals(await client.sendBinary("LRANGE", "frames", 0, -1), [
      new Uint8Array([0xff, 0xfe]),
      new TextEncoder().encode("text"),
    ]);
    // As text, bytes that are not UTF-8 are replaced, which is why getBytes exists.
    assertEquals(await client.lindex("frames", 0), "\ufffd\ufffd");
  }));

Deno.test("WalkvClient send decodes every reply type, RESP2 and RESP3", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using two = await WalkvClient.connect({ port: server.port });
  await using three = await WalkvClient.connect({ port: server.port, protocol: 3 });
  await two.hset("h", { f: "v" });
  await two.zadd("z", 1.5, "m");
  assertEquals(await two.send("HGETALL", "h"), ["f", "v"]);
  assertEquals(await three.send("HGETALL", "h"), new Map([["f", "v"]]));
  assertEquals(await two.send("ZSCORE", "z", "m"), "1.5");
  assertEquals(await three.send("ZSCORE", "z", "m"), 1.5);
  assertEquals(await two.send("GET", "none"), null);
  assertEquals(await three.send("GET", "none"), null);
  assertEquals(await two.send("SET", "k", "v"), "OK");
  assertEquals(await two.send("EXISTS", "k"), 1);
  assertEquals(await two.send("SET", "big", "9223372036854775806"), "OK");
  assertEquals(await two.send("INCR", "big"), 9223372036854775807n);
  await assertRejects(() => two.incr("big"), WalkvError, "increment or decrement would overflow");
  await two.set("big", "9007199254740993");
  await assertRejects(() => two.incrBy("big", 0), RangeError, "use send() to get it as a bigint");
  assertEquals(
    await three.send("HELLO", "3").then((r) => (r as Map<string, unknown>).get("proto")),
    3,
  );
});

Deno.test("WalkvClient answers concurrent calls in call order, each with its own reply", () =>
  withClient(2, async (client) => {
    const calls = Array.from({ length: 500 }, (_, i) => client.incr("counter").then((n) => [i, n]));
    const gets = Array.from(
      { length: 50 },
      (_, i) => client.set(`k${i}`, i).then(() => client.get(`k${i}`)),
    );
    const results = await Promise.all(calls);
    assertEquals(results, results.map(([i]) => [i, i + 1]));
    assertEquals(await Promise.all(gets), gets.map((_, i) => String(i)));
  }));

Deno.test("WalkvClient authenticates with a password, or a user and password, on connect", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--requirepass", "s3cret"] });
  await using anonymous = await WalkvClient.connect({ port: server.port });
  const refused = await assertRejects(() => anonymous.get("k"), WalkvError);
  assertEquals(refused.reply, "NOAUTH Authentication required.");
  const wrong = await assertRejects(
    () => WalkvClient.connect({ port: server.port, password: "nope" }),
    WalkvError,
  );
  assertEquals(
    wrong.reply,
    "WRONGPASS invalid username-password pair or user is disabled.",
  );
  for (
    const options of [
      { password: "s3cret" },
      { username: "default", password: "s3cret" },
      { password: "s3cret", protocol: 3 as const },
    ]
  ) {
    await using client = await WalkvClient.connect({ port: server.port, ...options });
    assertEquals(await client.set("k", "v"), true, JSON.stringify(options));
  }
  await assertRejects(
    () =>
      WalkvClient.connect({ port: server.port, username: "default", password: "x", protocol: 3 }),
    WalkvError,
    "WRONGPASS",
  );
});

Deno.test("WalkvClient selects its database and names itself on connect", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await using one = await WalkvClient.connect({ port: server.port, db: 1, name: "worker-1" });
  await using zero = await WalkvClient.connect({ port: server.port, protocol: 3, name: "resp3" });
  await one.set("k", "in db 1");
  assertEquals(await zero.get("k"), null);
  assertEquals(await one.send("CLIENT", "GETNAME"), "worker-1");
  assertEquals(await zero.send("CLIENT", "GETNAME"), "resp3");
  await zero.select(1);
  assertEquals(await zero.get("k"), "in db 1");
  await assertRejects(() => zero.select(99), WalkvError, "DB index is out of range");
});

Deno.test("WalkvClient.connect checks its options and names the bad one", async () => {
  const cases: [Record<string, unknown>, string][] = [
    [{ port: 0 }, "port must be an integer from 1 to 65535, found 0"],
    [{ port: 1.5 }, "found 1.5"],
    [{ db: -1 }, "db must be an integer from 0"],
    [{ protocol: 4 }, "protocol must be 2 or 3, found 4"],
    [{ commandTimeout: -1 }, "commandTimeout must be an integer"],
    [{ commandTimeout: 2 ** 31 }, "commandTimeout must be an integer from 0 to 2147483647"],
    [{ reconnect: { attempts: 0 } }, "reconnect.attempts must be an integer from 1"],
    [{ username: "ada" }, 'username "ada" needs a password'],
  ];
  for (const [options, message] of cases) {
    const error = await assertRejects(() => WalkvClient.connect(options));
    assert(error instanceof RangeError || error instanceof TypeError);
    assert((error as Error).message.includes(message), (error as Error).message);
  }
  await assertRejects(
    () => WalkvClient.connect({ port: freeLoopbackPort() }),
    Deno.errors.ConnectionRefused,
  );
});

Deno.test("WalkvClient refuses arguments it cannot send, before sending anything", () =>
  withClient(2, async (client) => {
    // deno-lint-ignore no-explicit-any
    await assertRejects(() => client.set("k", undefined as any), TypeError, "found undefined");
    await assertRejects(() => client.send("SET", "k", NaN), RangeError, "NaN");
    assertEquals(await client.get("k"), null);
    assertInstanceOf(client, WalkvClient);
  }));

function freeLoopbackPort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Helpers whose results must be the same from walkv and from redis-server, errors included. */
async function scenario(client: WalkvClient): Promise<unknown[]> {
  const results: unknown[] = [];
  const run = async (step: () => Promise<unknown>) => {
    try {
      results.push(await step());
    } catch (error: unknown) {
      results.push(error instanceof WalkvError ? `error: ${error.reply}` : error);
    }
  };
  await run(() => client.set("s", "1", { px: 100_000, nx: true }));
  await run(() => client.set("s", "2", { xx: true, keepTtl: true }));
  await run(() => client.incrByFloat("s", 1.25));
  await run(() => client.mget("s", "t"));
  await run(() => client.hset("h", { a: 1, b: "two" }));
  await run(() => client.hgetall("h"));
  await run(() => client.get("h"));
  await run(() => client.rpush("l", "x", "y", "z"));
  await run(() => client.lrange("l", 1, -1));
  await run(() => client.blpop(["none", "l"], 1));
  await run(() => client.brpop("none", 0.1));
  await run(() =>
    client.zadd("z", [{ member: "a", score: -Infinity }, { member: "b", score: 0.1 }])
  );
  await run(() => client.zrangeWithScores("z", 0, -1));
  await run(() => client.zscore("z", "a"));
  await run(() => client.zincrBy("z", 0.2, "b"));
  await run(() => client.sadd("set", "m", "n"));
  await run(() => client.sismember("set", "m"));
  await run(() => client.hexists("h", "zz"));
  await run(() => client.expire("nothing", 10));
  await run(() => client.send("HINCRBY", "h", "b", 1));
  await run(() => client.send("ZRANGE", "z", 0, -1, "WITHSCORES"));
  await run(() => client.send("SMISMEMBER", "set", "m", "q"));
  return results;
}

Deno.test("WalkvClient's helpers give walkv's and redis-server's replies the same values", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  for (const protocol of [2, 3] as const) {
    await using ours = await WalkvClient.connect({ port: walkv.port, protocol });
    await using theirs = await WalkvClient.connect({ port: redis.port, protocol });
    await ours.send("FLUSHALL");
    await theirs.send("FLUSHALL");
    assertEquals(await scenario(ours), await scenario(theirs), `RESP${protocol}`);
  }
});
