/**
 * The WAL through a real walkv process: exact record bytes, replay after a
 * clean stop and after SIGKILL under load, the seed's files, torn tails and
 * corruption.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  bytes,
  freePort,
  RawConnection,
  request,
  runWalkv,
  serverPermissions,
  startServer,
} from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();

/** Sends `commands` in one write and returns the reply lines, newlines dropped. */
async function pipeline(connection: RawConnection, commands: string[]): Promise<string[]> {
  await connection.send(commands.map((command) => command + "\n").join(""));
  const text = decoder.decode(await connection.readReplies(commands.length));
  return text.slice(0, -1).split("\n");
}

Deno.test("durability writes the seed's WAL bytes and replays them after SIGTERM", async () => {
  await using dir = await tempDir();
  {
    await using server = await startServer({ walDir: dir.path });
    using client = await RawConnection.connect(server.port);
    assertEquals(await pipeline(client, ["SET a 1", "SET b 2", "DEL a", "SET c 3"]), [
      "+OK",
      "+OK",
      "+OK",
      "+OK",
    ]);
    // Neither reads, errors, nor a DEL of an absent key add a record.
    assertEquals(await pipeline(client, ["DEL a", "DEL zz", "GET b", "SET x", "get a"]), [
      "+OK",
      "+OK",
      "+OK 2",
      "-SET expected 2 arguments KEY and VALUE",
      "-INVALID COMMAND",
    ]);
    client.close();
    const status = await server.stop("SIGTERM");
    assertEquals(status.code, 0, server.stderrText());
    assertEquals(
      decoder.decode(await Deno.readFile(server.walPath)),
      "3SET1a11\n3SET1b12\n3DEL1a\n3SET1c13\n",
    );
  }
  {
    await using server = await startServer({ walDir: dir.path });
    using client = await RawConnection.connect(server.port);
    assertEquals(await pipeline(client, ["GET a", "GET b", "GET c"]), [
      "-GET could not find a in store",
      "+OK 2",
      "+OK 3",
    ]);
    client.close();
    assertEquals((await server.stop("SIGTERM")).code, 0, server.stderrText());
    // Replay appends nothing.
    assertEquals(
      decoder.decode(await Deno.readFile(server.walPath)),
      "3SET1a11\n3SET1b12\n3DEL1a\n3SET1c13\n",
    );
  }
});

Deno.test("durability replays keys and values that start with digits", async () => {
  await using dir = await tempDir();
  const commands = ["SET counter 42", "SET 7 77", "SET x 1y", "SET 12 3SET", "SET é 9é"];
  {
    await using server = await startServer({ walDir: dir.path });
    using client = await RawConnection.connect(server.port);
    assertEquals(await pipeline(client, commands), commands.map(() => "+OK"));
    client.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
  }
  await using server = await startServer({ walDir: dir.path });
  using client = await RawConnection.connect(server.port);
  assertEquals(await pipeline(client, ["GET counter", "GET 7", "GET x", "GET 12", "GET é"]), [
    "+OK 42",
    "+OK 77",
    "+OK 1y",
    "+OK 3SET",
    "+OK 9é",
  ]);
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

/** What one writer had acknowledged when the server died. */
interface WriterLog {
  /** Key → value for acknowledged SETs; `null` for acknowledged DELs. */
  acked: Map<string, string | null>;
  /** The key of the command that was sent but not answered, if any. */
  inFlight: string | null;
}

/**
 * Writes sequentially until the connection dies (or 20,000 operations, or
 * 10 s), waiting for each `+OK`: new keys mostly, and every fourth operation a
 * DEL of a key it set earlier.
 */
async function writer(port: number, id: number, killed: () => boolean): Promise<WriterLog> {
  const log: WriterLog = { acked: new Map(), inFlight: null };
  const live: string[] = [];
  using connection = await RawConnection.connect(port);
  const deadline = Date.now() + 10_000;
  for (let n = 0; n < 20_000 && Date.now() < deadline; n++) {
    const del = n % 4 === 3 && live.length > 0;
    const key = del ? live.splice(Math.floor(live.length / 2), 1)[0] : `w${id}:${n}`;
    const value = `value${id}.${n}`;
    log.inFlight = key;
    let reply: string;
    try {
      reply = await request(connection, del ? `DEL ${key}` : `SET ${key} ${value}`);
    } catch (error: unknown) {
      if (killed()) return log;
      throw error;
    }
    assertEquals(reply, "+OK", `writer ${id} op ${n}`);
    log.acked.set(key, del ? null : value);
    if (!del) live.push(key);
    log.inFlight = null;
  }
  return log;
}

Deno.test("durability keeps every acknowledged write through SIGKILL under load", async () => {
  await using dir = await tempDir();
  const logs: WriterLog[] = [];
  {
    await using server = await startServer({ walDir: dir.path });
    let killed = false;
    const writers = Array.from({ length: 8 }, (_, id) => writer(server.port, id, () => killed));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    killed = true;
    const status = await server.kill();
    assertEquals(status.signal, "SIGKILL");
    logs.push(...await Promise.all(writers));
  }
  const total = logs.reduce((sum, log) => sum + log.acked.size, 0);
  assert(total > 100, `only ${total} acknowledged writes in 1 s`);

  await using server = await startServer({ walDir: dir.path });
  using client = await RawConnection.connect(server.port);
  const commands: string[] = [];
  const expected: string[] = [];
  for (const log of logs) {
    for (const [key, value] of log.acked) {
      if (key === log.inFlight) continue; // its last write may or may not have landed
      commands.push(`GET ${key}`);
      expected.push(value === null ? `-GET could not find ${key} in store` : `+OK ${value}`);
    }
  }
  const replies = await pipeline(client, commands);
  const lost = commands.filter((_, i) => replies[i] !== expected[i]);
  assertEquals(lost, [], `${lost.length} of ${commands.length} acknowledged writes lost`);
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("durability replays a WAL written by the seed Go server", async () => {
  await using dir = await tempDir();
  await Deno.writeFile(`${dir.path}/wal`, bytes("3SET5hello5world\n3SET3foo3bar\n"));
  await using server = await startServer({ walDir: dir.path });
  using client = await RawConnection.connect(server.port);
  await client.send("GET hello\nGET foo\n");
  assertEquals(decoder.decode(await client.readReplies(2)), "+OK world\n+OK bar\n");
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("durability cuts a torn final record, warns with its offset, and serves the rest", async () => {
  await using dir = await tempDir();
  const valid = "3SET5hello5world\n";
  await Deno.writeFile(`${dir.path}/wal`, bytes(valid + "3SET5he"));
  await using server = await startServer({ walDir: dir.path });
  assertEquals(decoder.decode(await Deno.readFile(server.walPath)), valid);

  using client = await RawConnection.connect(server.port);
  assertEquals(await pipeline(client, ["GET hello", "GET he", "SET after cut"]), [
    "+OK world",
    "-GET could not find he in store",
    "+OK",
  ]);
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
  // Read after the exit: stderr and stdout are separate pipes, so the warning
  // may arrive after the "listening" line.
  assertStringIncludes(server.stderrText(), "torn");
  assertStringIncludes(server.stderrText(), `byte offset ${valid.length}`);
  assertEquals(decoder.decode(await Deno.readFile(server.walPath)), valid + "3SET5after3cut\n");
});

for (
  const [what, middle, reason] of [
    ["an unknown operation", "3XYZ1a\n", "unknown operation"],
    ["a record with no length", "xx\n", "expected the decimal length"],
  ] as const
) {
  Deno.test(`durability refuses to start on ${what} mid-WAL and leaves the file alone`, async () => {
    await using dir = await tempDir();
    const walPath = `${dir.path}/wal`;
    const first = "3SET5hello5world\n";
    const original = bytes(first + middle + "3SET3foo3bar\n");
    await Deno.writeFile(walPath, original);
    const result = await runWalkv(
      ["--port", String(freePort()), "--wal", walPath],
      serverPermissions(dir.path),
    );
    assertEquals(result.code, 1, result.stderr);
    assertStringIncludes(result.stderr, walPath);
    assertStringIncludes(result.stderr, `byte offset ${first.length}`);
    assertStringIncludes(result.stderr, reason);
    assertEquals(await Deno.readFile(walPath), original);
  });
}
