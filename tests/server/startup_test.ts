/**
 * How walkv starts, or refuses to: flags (including the seed's Go-style
 * spellings), exit codes, a busy port, a WAL outside the granted folder,
 * running without persistence, and `--help`.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes } from "@std/assert";
import {
  freePort,
  RawConnection,
  request,
  runWalkv,
  serverPermissions,
  startServer,
} from "../helpers/server_process.ts";
import { exists, listDir, tempDir } from "../helpers/temp_dir.ts";

const BAD_FLAGS: { args: string[]; flag: string; value: string }[] = [
  { args: ["--nope"], flag: "--nope", value: "" },
  { args: ["--port", "0"], flag: "--port", value: '"0"' },
  { args: ["--port", "70000"], flag: "--port", value: '"70000"' },
  { args: ["--port", "abc"], flag: "--port", value: '"abc"' },
  { args: ["--shards", "0"], flag: "--shards", value: '"0"' },
  { args: ["--shards", "x"], flag: "--shards", value: '"x"' },
  { args: ["-nope"], flag: '"-nope"', value: "" },
  { args: ["--port", "-1"], flag: "--port", value: '"-1"' },
  { args: ["--size", "0"], flag: "--size", value: '"0"' },
  { args: ["stray"], flag: '"stray"', value: "" },
];

for (const { args, flag, value } of BAD_FLAGS) {
  Deno.test(`startup rejects ${args.join(" ")} with exit code 2 and creates nothing`, async () => {
    await using dir = await tempDir();
    const result = await runWalkv(
      ["--wal", `${dir.path}/wal`, ...args],
      serverPermissions(dir.path),
    );
    assertEquals(result.code, 2, result.stderr);
    assertStringIncludes(result.stderr, flag);
    if (value) assertStringIncludes(result.stderr, value);
    assertEquals(result.stdout, "");
    assertEquals(await listDir(dir.path), []);
  });
}

Deno.test("startup accepts the seed's Go-style -port -shards -wal flags", async () => {
  await using dir = await tempDir();
  await using server = await startServer({
    walDir: dir.path,
    argv: (port, walPath) => ["-port", String(port), "-shards", "8", "-wal", walPath],
  });
  assertStringIncludes(server.stdoutText(), "sharded, 8 shards");
  using client = await RawConnection.connect(server.port);
  assertEquals(await request(client, "SET go style"), "+OK");
  assertEquals(await request(client, "GET go"), "+OK style");
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
  assertEquals(await listDir(dir.path), ["wal", "wal.lock"]);
});

Deno.test("startup exits 1 naming the port when it is already in use", async () => {
  await using dir = await tempDir();
  using holder = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (holder.addr as Deno.NetAddr).port;
  const result = await runWalkv(
    ["--port", String(port), "--wal", `${dir.path}/wal`],
    serverPermissions(dir.path),
  );
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, `port ${port}`);
  assertStringIncludes(result.stderr, "in use");
  // The port is bound before the WAL is opened, so the WAL was never created.
  assertEquals(await listDir(dir.path), []);
});

Deno.test("startup exits 1 explaining how to grant access to a WAL outside the allowed folder", async () => {
  await using granted = await tempDir();
  await using elsewhere = await tempDir();
  const walPath = `${elsewhere.path}/wal`;
  const result = await runWalkv(
    ["--port", String(freePort()), "--wal", walPath],
    serverPermissions(granted.path),
  );
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, walPath);
  assertMatch(result.stderr, /--allow-read=\S*/);
  assertMatch(result.stderr, /--allow-write=\S*/);
  assert(!(await exists(walPath)), "the WAL was created outside the granted folder");
  assertEquals(await listDir(granted.path), []);
});

for (const flag of ["--no-persist", "--persist=false"]) {
  Deno.test(`startup with ${flag} serves from memory and opens no WAL`, async () => {
    await using dir = await tempDir();
    await using server = await startServer({ walDir: dir.path, args: [flag] });
    using client = await RawConnection.connect(server.port);
    assertEquals(await request(client, "SET mem ory"), "+OK");
    assertEquals(await request(client, "GET mem"), "+OK ory");
    assertEquals(await request(client, "DEL mem"), "+OK");
    assertEquals(await request(client, "GET mem"), "-GET could not find mem in store");
    client.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
    assert(!(await exists(server.walPath)), `${flag} created ${server.walPath}`);
    assertEquals(await listDir(dir.path), []);
  });
}

Deno.test("startup --help prints usage on stdout and exits 0 without any permission", async () => {
  const result = await runWalkv(["--help"], []);
  assertEquals(result.code, 0, result.stderr);
  assertStringIncludes(result.stdout, "Usage:");
  for (const flag of ["--port", "--wal", "--shards", "--persist", "--max-line"]) {
    assertStringIncludes(result.stdout, flag);
  }
  assertEquals(result.stderr, "");
});

Deno.test("startup exits 1 naming the WAL when its folder does not exist", async () => {
  await using dir = await tempDir();
  const wal = `${dir.path}/missing/wal`;
  const result = await runWalkv(
    ["--port", String(freePort()), "--wal", wal],
    serverPermissions(dir.path),
  );
  assertEquals(result.code, 1, result.stderr);
  assertStringIncludes(result.stderr, wal);
  assertEquals(await listDir(dir.path), []);
});

Deno.test("startup logs the records replayed, keys loaded, store and WAL", async () => {
  await using dir = await tempDir();
  await Deno.writeTextFile(`${dir.path}/wal`, "3SET1a11\n3SET1b12\n3DEL1a\n");
  await using server = await startServer({ walDir: dir.path, args: ["--shards", "4"] });
  const log = server.stdoutText();
  assertStringIncludes(log, "replayed 3 records (25 bytes)");
  assertMatch(log, /1 keys loaded in \d+\.\d ms/);
  assertStringIncludes(log, `listening on 127.0.0.1:${server.port}`);
  assertStringIncludes(log, "sharded, 4 shards");
  assertStringIncludes(log, `${dir.path}/wal`);
  assertEquals((await server.stop()).code, 0);
});
