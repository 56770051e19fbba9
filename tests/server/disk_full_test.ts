/**
 * A WAL on a disk that really fills up (a 1 MiB tmpfs): the write that does
 * not fit is refused with an error and rolled back, never acknowledged;
 * reads go on; the server says why; once space is freed it rewrites the WAL
 * from memory and takes writes again; and after SIGKILL every acknowledged
 * key is there. Also how walkv refuses a WAL another walkv holds, or one
 * that is a directory.
 *
 * Mounting needs root (CI runs as root). Where `mount` fails, the disk-full
 * test is reported ignored, with the reason in its name, never passed.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { waitForOutput } from "../helpers/server_output.ts";
import {
  freePort,
  RawConnection,
  request,
  runWalkv,
  serverPermissions,
  startServer,
} from "../helpers/server_process.ts";
import { exists, tempDir } from "../helpers/temp_dir.ts";
import { mountSmallDisk, type SmallDisk, whyNoTmpfs } from "../helpers/tmpfs.ts";

const decoder = new TextDecoder();
/** The tmpfs's size: small enough to fill in a few hundred KiB of writes. */
const DISK_BYTES = 1 << 20;
/** The filler leaves this much of the disk to the WAL. */
const LEFT_FOR_WAL = 192 * 1024;
/** Each value's size, so the disk fills in a few dozen writes. */
const VALUE_BYTES = 4096;
/** More writes than the free space holds: the disk must fill before this. */
const MAX_WRITES = 2 * Math.ceil(DISK_BYTES / VALUE_BYTES);
/** How long the server may take to take writes again after space is freed. */
const RECOVERY_MS = 10_000;

const noTmpfs = await whyNoTmpfs();
if (noTmpfs !== null) console.warn(`disk_full_test: disk-full test ignored: ${noTmpfs}`);

/** A value of {@linkcode VALUE_BYTES} bytes that names its key. */
function valueFor(key: string): string {
  return `${key}:`.padEnd(VALUE_BYTES, "x");
}

/** What a RESP GET of `value` returns. */
function bulk(value: string | null): string {
  return value === null ? "$-1\r\n" : `$${value.length}\r\n${value}\r\n`;
}

/**
 * Reads `keys` back over RESP, pipelined, and returns one line per key whose
 * value is not `expected`'s (`null`: absent).
 */
async function wrongValues(
  port: number,
  expected: Map<string, string | null>,
): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const keys = [...expected.keys()];
  await connection.send(concat(...keys.map((key) => frame("GET", key))));
  const wrong: string[] = [];
  for (const key of keys) {
    const reply = await readRespReply(connection);
    const want = bulk(expected.get(key)!);
    if (reply !== want) {
      wrong.push(`${key}: expected ${want.slice(0, 40)}…, got ${reply.slice(0, 40)}…`);
    }
  }
  return wrong;
}

Deno.test({
  name: "disk full refuses writes with MISCONF, keeps reads, and recovers once space is freed" +
    (noTmpfs === null ? "" : ` (ignored: ${noTmpfs})`),
  ignore: noTmpfs !== null,
  async fn() {
    await using disk = await mountSmallDisk(DISK_BYTES);
    await fillTheDiskAndRecover(disk);
  },
});

async function fillTheDiskAndRecover(disk: SmallDisk): Promise<void> {
  await disk.fill(LEFT_FOR_WAL);
  /** Every key the server was asked to write: its acknowledged value, or null if refused. */
  const expected = new Map<string, string | null>();
  {
    await using server = await startServer({ walDir: disk.path });
    using connection = await RawConnection.connect(server.port);

    let refusal = "";
    for (let i = 0; i < MAX_WRITES && !refusal; i++) {
      const key = `k${i}`;
      const reply = await respCall(connection, "SET", key, valueFor(key));
      if (reply === "+OK\r\n") expected.set(key, valueFor(key));
      else {
        refusal = reply;
        expected.set(key, null);
      }
    }
    assertMatch(refusal, /^-MISCONF /, `the disk never filled in ${MAX_WRITES} writes`);
    assert(expected.size > 10, `only ${expected.size - 1} writes fit on the disk`);
    await waitForOutput(server, "refusing writes", { stream: "stderr" });
    assertMatch(server.stderrText(), /write failed|sync failed/);
    assertStringIncludes(server.stderrText(), server.walPath);

    // While the WAL has failed: every write refused, over both protocols; reads go on.
    assertMatch(await respCall(connection, "SET", "refused", "x"), /^-MISCONF /);
    assertMatch(await respCall(connection, "DEL", "k0"), /^-MISCONF /);
    using text = await RawConnection.connect(server.port);
    const textReply = await request(text, "SET refused x");
    assert(textReply.startsWith("-"), `a text SET got ${JSON.stringify(textReply)}`);
    expected.set("refused", null);
    assertEquals(await respCall(connection, "GET", "k0"), bulk(valueFor("k0")));
    assertEquals(await request(text, "GET k1"), `+OK ${valueFor("k1")}`);
    assertEquals(await wrongValues(server.port, expected), []);
    assertStringIncludes(
      await respCall(connection, "INFO", "persistence"),
      "aof_last_write_status:err",
    );

    // A rewrite from memory (about once a second) fails too while the disk is
    // full, cleans up after itself, and leaves writes refused and reads served.
    await waitForOutput(server, "compaction started (recovery)", { timeoutMs: RECOVERY_MS });
    await waitForOutput(server, "compaction failed", { stream: "stderr", timeoutMs: RECOVERY_MS });
    assert(!(await exists(`${server.walPath}.compact`)), "a failed rewrite left its file");
    assertMatch(await respCall(connection, "SET", "refused", "x"), /^-MISCONF /);
    assertEquals(await wrongValues(server.port, expected), []);

    // Freeing space: the server rewrites the WAL from memory and takes writes again.
    await disk.free();
    const deadline = Date.now() + RECOVERY_MS;
    let reply = "";
    for (let n = 0; reply !== "+OK\r\n"; n++) {
      assert(Date.now() < deadline, `writes still refused ${RECOVERY_MS} ms after freeing space`);
      const key = `retry${n}`;
      reply = await respCall(connection, "SET", key, valueFor(key));
      expected.set(key, reply === "+OK\r\n" ? valueFor(key) : null);
      if (reply !== "+OK\r\n") {
        assertMatch(reply, /^-MISCONF /);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    await waitForOutput(server, "accepting writes again");
    assertStringIncludes(
      await respCall(connection, "INFO", "persistence"),
      "aof_last_write_status:ok",
    );
    for (let i = 0; i < 5; i++) {
      const key = `after${i}`;
      assertEquals(await respCall(connection, "SET", key, valueFor(key)), "+OK\r\n");
      expected.set(key, valueFor(key));
    }
    assertEquals(await request(text, "SET text after"), "+OK");
    expected.set("text", "after");
    connection.close();
    text.close();
    assertEquals((await server.kill()).signal, "SIGKILL");
  }
  await using server = await startServer({ walDir: disk.path });
  assertEquals(await wrongValues(server.port, expected), []);
  assertEquals((await server.stop()).code, 0, server.stderrText());
}

Deno.test("startup exits 1 when another walkv holds the WAL, and the first keeps serving", async () => {
  await using dir = await tempDir();
  await using first = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(first.port);
  assertEquals(await request(connection, "SET before second"), "+OK");

  const second = await runWalkv(
    ["--port", String(freePort()), "--wal", first.walPath],
    serverPermissions(dir.path),
  );
  assertEquals(second.code, 1, second.stderr);
  assertStringIncludes(second.stderr, "in use by another walkv process");
  assertStringIncludes(second.stderr, first.walPath);

  assertEquals(await request(connection, "SET after second"), "+OK");
  assertEquals(await request(connection, "GET before"), "+OK second");
  assertEquals(await request(connection, "GET after"), "+OK second");
  connection.close();
  assertEquals((await first.stop()).code, 0, first.stderrText());
  assertEquals(
    decoder.decode(await Deno.readFile(first.walPath)),
    "3SET6before6second\n3SET5after6second\n",
  );
});

Deno.test("startup exits 1 naming the WAL path when it is a directory", async () => {
  await using dir = await tempDir();
  const walPath = `${dir.path}/wal`;
  await Deno.mkdir(walPath);
  const result = await runWalkv(
    ["--port", String(freePort()), "--wal", walPath],
    serverPermissions(dir.path),
  );
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, walPath);
  assertEquals((await Deno.stat(walPath)).isDirectory, true);
});
