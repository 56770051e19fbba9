/**
 * A change to a large container during a compaction stalls no one: the
 * snapshot holds the container as it was at its first change (or when the
 * walk began it) and writes it a chunk at a time, instead of writing all of
 * it before the change. A client changes a 1M-field hash, a large set,
 * sorted set and list all through a compaction while another measures PING
 * round trips; after it, and after a SIGKILL and restart on the compacted
 * WAL, every container is exactly what the clients saw.
 */
import { assert, assertEquals } from "@std/assert";
import { arrayDigest } from "../helpers/array_digest.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { waitForOutput } from "../helpers/server_output.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const HASH_FIELDS = 1_000_000;
const MEMBERS = 200_000;
/** Strings the walk goes through besides, so some containers are changed before it reaches them. */
const STRINGS = 100_000;
/** Members per loading command. */
const BATCH = 1000;
/**
 * No PING may wait this long. Writing a 1M-field hash in one go, as a
 * compaction did before its first change, takes about a second here.
 */
const LONGEST_MS = 100;

/** Sends `commands` pipelined, ten batches at a time, and checks every reply. */
async function load(connection: RawConnection, commands: string[][]): Promise<void> {
  for (let at = 0; at < commands.length; at += 10) {
    const group = commands.slice(at, at + 10);
    await connection.send(concat(...group.map((args) => frame(...args))));
    for (const args of group) {
      const reply = await readRespReply(connection, 30_000);
      assert(!reply.startsWith("-"), `${args[0]} answered ${reply}`);
    }
  }
}

function batches(count: number, make: (from: number, to: number) => string[]): string[][] {
  const commands = [];
  for (let from = 0; from < count; from += BATCH) {
    commands.push(make(from, Math.min(count, from + BATCH)));
  }
  return commands;
}

function range(from: number, to: number, each: (i: number) => string[]): string[] {
  const out: string[] = [];
  for (let i = from; i < to; i++) out.push(...each(i));
  return out;
}

/** Every container's full contents, digested. */
async function state(port: number) {
  using connection = await RawConnection.connect(port);
  return {
    hash: await arrayDigest(connection, "HGETALL", "big:hash"),
    set: await arrayDigest(connection, "SMEMBERS", "big:set"),
    zset: await arrayDigest(connection, "ZRANGE", "big:zset", "0", "-1", "WITHSCORES"),
    list: await arrayDigest(connection, "LRANGE", "big:list", "0", "-1"),
    dbsize: await respCall(connection, "DBSIZE"),
  };
}

/** Round `n` of changes: one or two commands on each large container. */
function changes(n: number): string[][] {
  const i = (n * 7919) % MEMBERS;
  return [
    ["HSET", "big:hash", `f${(n * 104_729) % HASH_FIELDS}`, `changed${n}`],
    n % 3 === 0
      ? ["HDEL", "big:hash", `f${(n * 31) % HASH_FIELDS}`]
      : ["HSET", "big:hash", `new${n}`, "x"],
    n % 2 === 0
      ? ["SREM", "big:set", `m${i}`]
      : ["SADD", "big:set", `added${n}`, `m${(i + 1) % MEMBERS}`],
    ["ZINCRBY", "big:zset", "1000000", `m${i}`],
    n % 4 === 0
      ? ["ZREM", "big:zset", `m${(i + 3) % MEMBERS}`]
      : ["ZADD", "big:zset", "-5", `z${n}`],
    ["LPUSH", "big:list", `head${n}`],
    n % 2 === 0 ? ["RPOP", "big:list"] : ["LPOP", "big:list", "2"],
  ];
}

Deno.test("compaction with changes to large containers stalls no client, and replays exactly", async () => {
  await using dir = await tempDir();
  let before;
  {
    await using server = await startServer({ walDir: dir.path });
    {
      using loader = await RawConnection.connect(server.port);
      await load(
        loader,
        batches(STRINGS, (from, to) => ["MSET", ...range(from, to, (i) => [`s${i}`, "v"])]),
      );
      await load(
        loader,
        batches(
          HASH_FIELDS,
          (from, to) => ["HSET", "big:hash", ...range(from, to, (i) => [`f${i}`, `v${i}`])],
        ),
      );
      await load(
        loader,
        batches(MEMBERS, (from, to) => ["SADD", "big:set", ...range(from, to, (i) => [`m${i}`])]),
      );
      await load(
        loader,
        batches(
          MEMBERS,
          (
            from,
            to,
          ) => ["ZADD", "big:zset", ...range(from, to, (i) => [String(i % 1000), `m${i}`])],
        ),
      );
      await load(
        loader,
        batches(MEMBERS, (from, to) => ["RPUSH", "big:list", ...range(from, to, (i) => [`e${i}`])]),
      );
    }
    using pinger = await RawConnection.connect(server.port);
    using changer = await RawConnection.connect(server.port);
    assertEquals(
      await respCall(changer, "BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    let finished = false;
    let longest = 0;
    let pings = 0;
    const pinging = (async () => {
      while (!finished) {
        const started = performance.now();
        assertEquals(await respCall(pinger, "PING"), "+PONG\r\n");
        longest = Math.max(longest, performance.now() - started);
        pings++;
      }
    })();
    let rounds = 0;
    const started = performance.now();
    while (!server.stdoutText().includes("compaction finished")) {
      for (const args of changes(rounds)) {
        const reply = await respCall(changer, ...args);
        assert(!reply.startsWith("-"), `${args.join(" ")} answered ${reply}`);
      }
      rounds++;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    finished = true;
    await pinging;
    await waitForOutput(server, "compaction finished");
    const took = performance.now() - started;
    console.log(
      `compaction_stall: ${rounds} rounds of changes and ${pings} PINGs during a ` +
        `${took.toFixed(0)} ms compaction; longest PING ${longest.toFixed(1)} ms; ` +
        /compaction finished.*/.exec(server.stdoutText())![0],
    );
    assert(rounds >= 3, `only ${rounds} rounds of changes landed during the compaction`);
    assert(longest < LONGEST_MS, `a PING waited ${longest.toFixed(1)} ms during the compaction`);
    before = await state(server.port);
    await server.kill();
  }
  await using restarted = await startServer({ walDir: dir.path, readyTimeoutMs: 60_000 });
  assertEquals(await state(restarted.port), before);
});
