/**
 * Blocking pops, byte for byte against a real redis-server: BLPOP, BRPOP,
 * BLMOVE, BRPOPLPUSH and BLMPOP (and BZPOPMIN, BZPOPMAX, BZMPOP) on empty
 * keys, woken by another client's push, served in the order they blocked,
 * with fractional timeouts, inside MULTI (where they do not block), on keys
 * of the wrong type, with bad timeouts, a chain where one waiter's move
 * wakes another, and a blocked client that disconnects (the element it
 * would have taken stays). Over RESP2 and RESP3.
 *
 * Each step says which client sends and whether its reply is read now or
 * later (a blocked client's reply comes once another client's step wakes
 * it), so the interleaving is the same on both servers.
 */
import { assertEquals } from "@std/assert";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { normaliseHello } from "../helpers/transcript.ts";

/** A step: client `c` sends `args` and reads the reply now, or (`later`) when told to. */
type Step =
  | { c: number; args: string[]; later?: true }
  | { c: number; read: true }
  | { c: number; close: true }
  | { sleepMs: number };

async function run(port: number, protocol: 2 | 3, steps: readonly Step[]): Promise<string[]> {
  const clients = new Map<number, RawConnection>();
  const log: string[] = [];
  const client = async (c: number) => {
    let connection = clients.get(c);
    if (connection === undefined) {
      connection = await RawConnection.connect(port);
      clients.set(c, connection);
      if (protocol === 3) {
        await connection.send(frame("HELLO", "3"));
        normaliseHello(await readRespReply(connection, 5_000));
      }
    }
    return connection;
  };
  try {
    for (const step of steps) {
      if ("sleepMs" in step) {
        await new Promise((resolve) => setTimeout(resolve, step.sleepMs));
      } else if ("close" in step) {
        (await client(step.c)).close();
        clients.delete(step.c);
        // Both servers must notice the hang-up before the next step.
        await new Promise((resolve) => setTimeout(resolve, 50));
      } else if ("read" in step) {
        log.push(
          `${step.c} <- ${JSON.stringify(await readRespReply(await client(step.c), 5_000))}`,
        );
      } else {
        const connection = await client(step.c);
        await connection.send(frame(...step.args));
        if (step.later) {
          // Give the server time to block it before the next client acts.
          await new Promise((resolve) => setTimeout(resolve, 30));
          log.push(`${step.c} -> ${step.args.join(" ")} (waits)`);
        } else {
          log.push(
            `${step.c} -> ${step.args.join(" ")}: ${
              JSON.stringify(await readRespReply(connection, 5_000))
            }`,
          );
        }
      }
    }
  } finally {
    for (const connection of clients.values()) connection.close();
  }
  return log;
}

const LISTS: readonly Step[] = [
  { c: 0, args: ["FLUSHALL"] },
  // Data already there: no blocking at all.
  { c: 0, args: ["RPUSH", "ready", "a", "b"] },
  { c: 0, args: ["BLPOP", "missing", "ready", "0"] },
  { c: 0, args: ["BRPOP", "ready", "0"] },
  { c: 0, args: ["EXISTS", "ready"] },
  // A timeout with a fraction of a second: null when it passes.
  { c: 0, args: ["BLPOP", "empty", "0.05"] },
  { c: 0, args: ["BRPOP", "empty", "empty2", "0.01"] },
  { c: 0, args: ["BLMOVE", "empty", "dst", "LEFT", "RIGHT", "0.01"] },
  { c: 0, args: ["BRPOPLPUSH", "empty", "dst", "0.01"] },
  { c: 0, args: ["BLMPOP", "0.01", "2", "empty", "empty2", "LEFT"] },
  // Woken by another client's push, from the key it pushed to.
  { c: 1, args: ["BLPOP", "k1", "k2", "0"], later: true },
  { c: 0, args: ["RPUSH", "k2", "x", "y"] },
  { c: 1, read: true },
  { c: 0, args: ["LRANGE", "k2", "0", "-1"] },
  // First come, first served.
  { c: 1, args: ["BLPOP", "q", "0"], later: true },
  { c: 2, args: ["BRPOP", "q", "0"], later: true },
  { c: 0, args: ["RPUSH", "q", "1", "2", "3"] },
  { c: 1, read: true },
  { c: 2, read: true },
  { c: 0, args: ["LRANGE", "q", "0", "-1"] },
  // One push, two waiters, one element: the second waits on.
  { c: 1, args: ["BLPOP", "one", "0"], later: true },
  { c: 2, args: ["BLPOP", "one", "0.3"], later: true },
  { c: 0, args: ["LPUSH", "one", "only"] },
  { c: 1, read: true },
  { c: 2, read: true },
  // BLMOVE woken by a push; then a chain: a move wakes a waiter on its destination.
  { c: 1, args: ["BLMOVE", "src", "dst", "RIGHT", "LEFT", "0"], later: true },
  { c: 0, args: ["RPUSH", "src", "m1"] },
  { c: 1, read: true },
  { c: 0, args: ["LRANGE", "dst", "0", "-1"] },
  { c: 0, args: ["DEL", "dst"] },
  { c: 1, args: ["BLPOP", "dst", "0"], later: true },
  { c: 2, args: ["BRPOPLPUSH", "src", "dst", "0"], later: true },
  { c: 0, args: ["RPUSH", "src", "m2"] },
  { c: 2, read: true },
  { c: 1, read: true },
  { c: 0, args: ["EXISTS", "src", "dst"] },
  // BLMPOP with a count.
  { c: 1, args: ["BLMPOP", "0", "2", "p1", "p2", "RIGHT", "COUNT", "2"], later: true },
  { c: 0, args: ["RPUSH", "p2", "a", "b", "c"] },
  { c: 1, read: true },
  { c: 0, args: ["LRANGE", "p2", "0", "-1"] },
  // Inside MULTI a blocking pop does not block.
  { c: 0, args: ["MULTI"] },
  { c: 0, args: ["BLPOP", "empty", "0"] },
  { c: 0, args: ["BRPOPLPUSH", "empty", "dst", "0"] },
  { c: 0, args: ["BLMPOP", "0", "1", "empty", "LEFT"] },
  { c: 0, args: ["RPUSH", "tx", "v"] },
  { c: 0, args: ["BLPOP", "tx", "0"] },
  { c: 0, args: ["EXEC"] },
  // Errors: a bad timeout, the wrong type, bad BLMPOP arguments.
  { c: 0, args: ["SET", "str", "v"] },
  { c: 0, args: ["BLPOP", "str", "0"] },
  { c: 0, args: ["BLPOP", "empty", "str", "0"] },
  { c: 0, args: ["BLPOP", "empty", "-1"] },
  { c: 0, args: ["BLPOP", "empty", "abc"] },
  { c: 0, args: ["BLPOP", "empty", ""] },
  { c: 0, args: ["BLPOP", "empty"] },
  { c: 0, args: ["BLMOVE", "a", "b", "UP", "LEFT", "0"] },
  { c: 0, args: ["BLMPOP", "0", "0", "a", "LEFT"] },
  { c: 0, args: ["BLMPOP", "0", "1", "a", "UP"] },
  { c: 0, args: ["BLMPOP", "0", "1", "a", "LEFT", "COUNT", "0"] },
  { c: 0, args: ["BLMPOP", "0", "3", "a", "LEFT"] },
  // A waiter that hangs up is gone: the element it would have taken stays.
  { c: 3, args: ["BLPOP", "gone", "0"], later: true },
  { c: 3, close: true },
  { c: 0, args: ["RPUSH", "gone", "kept"] },
  { c: 0, args: ["LRANGE", "gone", "0", "-1"] },
  // SWAPDB brings a list into the waiter's database: it is served.
  { c: 0, args: ["SELECT", "1"] },
  { c: 0, args: ["RPUSH", "swapped", "from-db1"] },
  { c: 0, args: ["SELECT", "0"] },
  { c: 1, args: ["BLPOP", "swapped", "0"], later: true },
  { c: 0, args: ["SWAPDB", "0", "1"] },
  { c: 1, read: true },
  { c: 0, args: ["SWAPDB", "0", "1"] },
  // A key of another type does not wake a list waiter; a list then does.
  { c: 1, args: ["BLPOP", "later", "0.5"], later: true },
  { c: 0, args: ["SET", "later", "string"] },
  { c: 0, args: ["DEL", "later"] },
  { c: 0, args: ["RPUSH", "later", "now"] },
  { c: 1, read: true },
];

const SORTED_SETS: readonly Step[] = [
  { c: 0, args: ["FLUSHALL"] },
  { c: 0, args: ["ZADD", "ready", "1", "a", "2", "b", "1.5", "c"] },
  { c: 0, args: ["BZPOPMIN", "missing", "ready", "0"] },
  { c: 0, args: ["BZPOPMAX", "ready", "0"] },
  { c: 0, args: ["BZMPOP", "0", "2", "missing", "ready", "MIN", "COUNT", "5"] },
  { c: 0, args: ["EXISTS", "ready"] },
  { c: 0, args: ["BZPOPMIN", "empty", "0.02"] },
  { c: 0, args: ["BZMPOP", "0.02", "1", "empty", "MAX"] },
  // Woken by another client's ZADD, first come first served.
  { c: 1, args: ["BZPOPMIN", "z1", "z2", "0"], later: true },
  { c: 2, args: ["BZPOPMAX", "z2", "0"], later: true },
  { c: 0, args: ["ZADD", "z2", "3", "x", "1.1", "y", "5", "w"] },
  { c: 1, read: true },
  { c: 2, read: true },
  { c: 0, args: ["ZRANGE", "z2", "0", "-1", "WITHSCORES"] },
  { c: 1, args: ["BZMPOP", "0", "2", "p1", "p2", "MAX", "COUNT", "2"], later: true },
  { c: 0, args: ["ZADD", "p2", "inf", "top", "-inf", "bottom", "0", "zero"] },
  { c: 1, read: true },
  // A list push does not wake a sorted-set waiter; a ZADD does.
  { c: 1, args: ["BZPOPMIN", "mixed", "0.5"], later: true },
  { c: 0, args: ["RPUSH", "mixed", "l"] },
  { c: 0, args: ["DEL", "mixed"] },
  { c: 0, args: ["ZADD", "mixed", "7", "m"] },
  { c: 1, read: true },
  // MULTI, errors, a waiter that hangs up.
  { c: 0, args: ["MULTI"] },
  { c: 0, args: ["BZPOPMIN", "empty", "0"] },
  { c: 0, args: ["BZMPOP", "0", "1", "empty", "MIN"] },
  { c: 0, args: ["EXEC"] },
  { c: 0, args: ["SET", "str", "v"] },
  { c: 0, args: ["BZPOPMIN", "str", "0"] },
  { c: 0, args: ["BZPOPMAX", "empty", "-1"] },
  { c: 0, args: ["BZPOPMAX", "empty", "x"] },
  { c: 0, args: ["BZMPOP", "0", "1", "empty", "UP"] },
  { c: 0, args: ["BZMPOP", "0", "0", "empty", "MIN"] },
  { c: 3, args: ["BZPOPMIN", "gone", "0"], later: true },
  { c: 3, close: true },
  { c: 0, args: ["ZADD", "gone", "1", "kept"] },
  { c: 0, args: ["ZCARD", "gone"] },
];

for (const protocol of [2, 3] as const) {
  Deno.test(`blocking sorted-set pops answer as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await run(redis.port, protocol, SORTED_SETS);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await run(walkv.port, protocol, SORTED_SETS), expected);
  });
}

for (const protocol of [2, 3] as const) {
  Deno.test(`blocking list pops answer as redis-server's over RESP${protocol}`, async () => {
    await using redis = await startRedisServer();
    const expected = await run(redis.port, protocol, LISTS);
    await using dir = await tempDir();
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await run(walkv.port, protocol, LISTS), expected);
  });
}

Deno.test("a client blocked past --timeout is not closed as idle, as in Redis", async () => {
  const steps: Step[] = [
    { c: 0, args: ["BLPOP", "never", "2.5"] },
    { c: 0, args: ["PING"] },
  ];
  await using redis = await startRedisServer({ args: ["--timeout", "1"] });
  const expected = await run(redis.port, 2, steps);
  assertEquals(expected, ['0 -> BLPOP never 2.5: "*-1\\r\\n"', '0 -> PING: "+PONG\\r\\n"']);
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: ["--timeout", "1"] });
  assertEquals(await run(walkv.port, 2, steps), expected);
});
