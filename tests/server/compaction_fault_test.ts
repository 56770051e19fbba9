/**
 * A compaction stopped for good at each of its steps (the server's test hook),
 * under write load (strings, and hash and set changes from
 * `tests/helpers/container_load.ts`), with a large hash and set to snapshot,
 * then SIGKILL: after the restart every acknowledged write and delete is
 * there, each container change applied exactly once, expiries are kept, the unfinished compaction file is
 * gone (and the log says so when the kill came before the rename), and the
 * restarted server writes and compacts normally.
 *
 * Writes must keep being acknowledged while the compaction is stopped, at
 * every step: a compaction that blocked writes would pass the durability
 * checks trivially.
 */
import { assert, assertEquals, assertGreater, assertStringIncludes } from "@std/assert";
import { prng } from "../helpers/prng.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { waitForOutput } from "../helpers/server_output.ts";
import {
  RawConnection,
  request,
  serverPermissions,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { exists, tempDir } from "../helpers/temp_dir.ts";
import { COMPACTION_STEPS } from "../../src/wal/compactor.ts";
import { type KeyState, verifyKeys, WriteLoad } from "../helpers/write_load.ts";
import { ContainerLoad } from "../helpers/container_load.ts";

/** The compaction's steps, in order (the server's `WALKV_TEST_COMPACTION_PAUSE` values). */
const STEPS = COMPACTION_STEPS;
/** Keys written before the compaction, so the snapshot takes many slices. */
const PRELOAD_KEYS = 300;
/** Keys per snapshot slice (the server's test hook). */
const SLICE_KEYS = 16;
/** An expiry far beyond the test's run: such a key must come back with a TTL. */
const TTL_MS = 3_600_000;
const WRITERS = 4;
const KEYS_PER_WRITER = 16;
/** Clients changing hashes and sets beside the string load (`ContainerLoad`). */
const CONTAINER_CLIENTS = 2;
/** Members of the hash and the set written before the compaction: many snapshot records. */
const BIG_MEMBERS = 3000;
/** How long the load goes on while the compaction is stopped at its step. */
const PAUSED_LOAD_MS = 100;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A key written before (or beside) the load: its value, and whether it has an expiry. */
interface Expected {
  value: string | null;
  expiring: boolean;
}

/**
 * Writes the preload over RESP in one pipeline: fresh keys, a third of them
 * overwritten, every seventh deleted, some with an expiry set by SET PX and
 * some by PEXPIRE. Returns what each key must hold.
 */
async function preload(port: number): Promise<Map<string, Expected>> {
  const expected = new Map<string, Expected>();
  const requests: Uint8Array[] = [];
  const replies: string[] = [];
  for (let i = 0; i < PRELOAD_KEYS; i++) {
    const key = `p:${i}`;
    requests.push(frame("SET", key, `first${i}`));
    replies.push("+OK\r\n");
    expected.set(key, { value: `first${i}`, expiring: false });
  }
  for (let i = 0; i < PRELOAD_KEYS; i++) {
    const key = `p:${i}`;
    if (i % 3 === 0) {
      requests.push(frame("SET", key, `second${i}`));
      replies.push("+OK\r\n");
      expected.set(key, { value: `second${i}`, expiring: false });
    }
    if (i % 7 === 1) {
      requests.push(frame("DEL", key));
      replies.push(":1\r\n");
      expected.set(key, { value: null, expiring: false });
    } else if (i % 25 === 2) {
      requests.push(frame("PEXPIRE", key, String(TTL_MS)));
      replies.push(":1\r\n");
      expected.get(key)!.expiring = true;
    }
  }
  for (let i = 0; i < 10; i++) {
    const key = `x:${i}`;
    requests.push(frame("SET", key, `expiring${i}`, "PX", String(TTL_MS)));
    replies.push("+OK\r\n");
    expected.set(key, { value: `expiring${i}`, expiring: true });
  }
  using connection = await RawConnection.connect(port);
  await connection.send(concat(...requests));
  const received: string[] = [];
  for (let i = 0; i < replies.length; i++) received.push(await readRespReply(connection));
  assertEquals(received, replies);
  return expected;
}

/**
 * Reads every key of `expected` back over RESP (GET and PTTL) and returns one
 * line per key that differs: a wrong value, a lost expiry, or one that
 * appeared.
 */
async function checkExpected(port: number, expected: Map<string, Expected>): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const keys = [...expected.keys()];
  await connection.send(concat(...keys.flatMap((key) => [frame("GET", key), frame("PTTL", key)])));
  const wrong: string[] = [];
  for (const key of keys) {
    const { value, expiring } = expected.get(key)!;
    const got = await readRespReply(connection);
    const pttl = await readRespReply(connection);
    const want = value === null ? "$-1\r\n" : `$${value.length}\r\n${value}\r\n`;
    if (got !== want) {
      wrong.push(`${key}: GET expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    const ttl = Number(pttl.slice(1, -2));
    const ttlOk = value === null
      ? pttl === ":-2\r\n"
      : expiring
      ? pttl.startsWith(":") && ttl > 0 && ttl <= TTL_MS
      : pttl === ":-1\r\n";
    if (!ttlOk) {
      wrong.push(
        `${key}: PTTL expected ${value === null ? -2 : expiring ? `1..${TTL_MS}` : -1}, ` +
          `got ${JSON.stringify(pttl)}`,
      );
    }
  }
  return wrong;
}

/** A hash and a set of {@linkcode BIG_MEMBERS} each, so containers span many snapshot slices. */
async function preloadContainers(port: number): Promise<void> {
  using connection = await RawConnection.connect(port);
  const fields: string[] = [];
  const members: string[] = [];
  for (let i = 0; i < BIG_MEMBERS; i++) {
    fields.push(`f${i}`, `v${i}`);
    members.push(`m${i}`);
  }
  assertEquals(await respCall(connection, "HSET", "big:h", ...fields), `:${BIG_MEMBERS}\r\n`);
  assertEquals(await respCall(connection, "SADD", "big:s", ...members), `:${BIG_MEMBERS}\r\n`);
}

/** The preloaded hash and set, as {@linkcode preloadContainers} wrote them. */
async function checkContainers(port: number): Promise<void> {
  using connection = await RawConnection.connect(port);
  assertEquals(await respCall(connection, "HLEN", "big:h"), `:${BIG_MEMBERS}\r\n`);
  assertEquals(await respCall(connection, "SCARD", "big:s"), `:${BIG_MEMBERS}\r\n`);
  for (const i of [0, 1, BIG_MEMBERS >> 1, BIG_MEMBERS - 1]) {
    const value = `v${i}`;
    assertEquals(
      await respCall(connection, "HGET", "big:h", `f${i}`),
      `$${value.length}\r\n${value}\r\n`,
    );
    assertEquals(await respCall(connection, "SISMEMBER", "big:s", `m${i}`), ":1\r\n");
  }
}

/** Starts a compaction over the text protocol and checks the reply. */
async function compact(server: ServerProcess): Promise<void> {
  using connection = await RawConnection.connect(server.port);
  assertEquals(await request(connection, "COMPACT"), "+OK compaction started");
}

for (const [index, step] of STEPS.entries()) {
  const beforeRename = index < STEPS.indexOf("renamed");
  Deno.test(`compaction killed at step "${step}" keeps every acknowledged write`, async () => {
    await using dir = await tempDir();
    const permissions = [...serverPermissions(dir.path), "--allow-env"];
    const compactFile = `${dir.path}/wal.compact`;
    const loadKeys = Array.from(
      { length: WRITERS },
      (_, w) => Array.from({ length: KEYS_PER_WRITER }, (_, k) => `L${w}:${k}`),
    );
    const known = new Map<string, KeyState>();
    let expected: Map<string, Expected>;
    let inFlight: WriteLoad["inFlight"];
    let containerLoad: ContainerLoad;
    {
      await using server = await startServer({
        walDir: dir.path,
        permissions,
        entry: "tests/helpers/walkv_with_hooks.ts",
        env: {
          WALKV_TEST_COMPACTION_PAUSE: step,
          WALKV_TEST_COMPACTION_SLICE_KEYS: String(SLICE_KEYS),
        },
      });
      expected = await preload(server.port);
      await preloadContainers(server.port);
      const containers = new ContainerLoad(server.port, Array(CONTAINER_CLIENTS).fill(0));
      const load = await WriteLoad.start({
        port: server.port,
        keys: loadKeys,
        known,
        random: prng(index + 1),
        tag: step,
      });
      await sleep(20);
      await compact(server);
      await waitForOutput(server, `compaction paused at step "${step}" (test hook)`);
      const acknowledgedAtPause = load.acknowledged;

      // The stopped compaction still counts as running.
      using control = await RawConnection.connect(server.port);
      assertEquals(await request(control, "COMPACT"), "-ERR compaction already in progress");
      using resp = await RawConnection.connect(server.port);
      assertEquals(
        await respCall(resp, "BGREWRITEAOF"),
        "-ERR Background append only file rewriting already in progress\r\n",
      );
      assertStringIncludes(
        await respCall(resp, "INFO", "persistence"),
        "aof_rewrite_in_progress:1",
      );
      // A write with an expiry while the compaction is stopped.
      assertEquals(await respCall(resp, "SET", "during", step, "PX", String(TTL_MS)), "+OK\r\n");
      expected.set("during", { value: step, expiring: true });

      await sleep(PAUSED_LOAD_MS);
      assertGreater(
        load.acknowledged,
        acknowledgedAtPause,
        `no write was acknowledged in ${PAUSED_LOAD_MS} ms while compaction was stopped at "${step}"`,
      );
      load.expectKill();
      containers.stop();
      const status = await server.kill();
      await load.done;
      await containers.done;
      containerLoad = containers;
      inFlight = load.inFlight;
      assertEquals(status.signal, "SIGKILL");
      assertEquals(server.stderrText(), "", "the run before the kill warned");
    }

    const compactFileLeft = await exists(compactFile);
    // The temp file is made at "started" and renamed over the WAL at "renamed".
    assertEquals(compactFileLeft, beforeRename, `${compactFile} after a kill at "${step}"`);
    {
      await using server = await startServer({ walDir: dir.path, permissions });
      assert(!(await exists(compactFile)), `${compactFile} survived the restart`);
      if (compactFileLeft) {
        assertStringIncludes(server.stdoutText(), "removed an unfinished compaction file");
      }
      assertEquals(await checkExpected(server.port, expected), []);
      assertEquals(await verifyKeys(server.port, loadKeys.flat(), known, inFlight), []);
      // Every acknowledged container change, each applied once, and the preloaded containers whole.
      await containerLoad!.found(server.port);
      await checkContainers(server.port);

      // The restarted server writes, and compacts to the end without the hook.
      using connection = await RawConnection.connect(server.port);
      assertEquals(await request(connection, "SET after restart"), "+OK");
      expected.set("after", { value: "restart", expiring: false });
      await compact(server);
      await waitForOutput(server, "compaction finished");
      assertEquals(await checkExpected(server.port, expected), []);
      connection.close();
      assertEquals((await server.kill()).signal, "SIGKILL");
      // (A torn-record warning from the replay would be fine: the kill may cut a write.)
      assert(!/compaction failed|refusing writes/.test(server.stderrText()), server.stderrText());
    }
    {
      await using server = await startServer({ walDir: dir.path, permissions });
      assert(!(await exists(compactFile)), `${compactFile} after a finished compaction`);
      assert(!server.stdoutText().includes("removed an unfinished compaction file"));
      assertEquals(await checkExpected(server.port, expected), []);
      assertEquals(await verifyKeys(server.port, loadKeys.flat(), known), []);
      const status = await server.stop();
      assertEquals(status.code, 0, server.stderrText());
    }
  });
}
