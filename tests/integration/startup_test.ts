import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { exchange, freePort, runMain, ServerProcess } from "./server_process.ts";
import { withTempDir } from "../support/with_temp_dir.ts";

const permissions = (dir: string) => [
  "--allow-net=127.0.0.1",
  `--allow-read=${dir}`,
  `--allow-write=${dir}`,
];

const BAD_FLAGS: [string[], string][] = [
  [["--nope"], '"--nope"'],
  [["-nope"], '"-nope"'],
  [["--port", "0"], '--port: "0"'],
  [["--port", "70000"], '--port: "70000"'],
  [["--port", "abc"], '--port: "abc"'],
  [["--port", "-1"], '--port: "-1"'],
  [["--shards", "0"], '--shards: "0"'],
  [["--shards", "x"], '--shards: "x"'],
  [["--size", "0"], '--size: "0"'],
  [["stray"], '"stray"'],
];

Deno.test("walkv exits 2 on each bad flag, names it, and creates nothing", async () => {
  await withTempDir(async (dir) => {
    for (const [flags, named] of BAD_FLAGS) {
      const result = await runMain(["--wal", `${dir}/wal`, ...flags], permissions(dir));
      assertEquals(result.code, 2, `${flags.join(" ")}: ${result.stderr}`);
      assertStringIncludes(result.stderr, named);
      assertEquals(result.stdout, "");
      assertEquals([...Deno.readDirSync(dir)], [], `${flags.join(" ")} created a file`);
    }
  });
});

Deno.test("walkv accepts the seed's Go-style single-dash flags", async () => {
  await withTempDir(async (dir) => {
    const port = freePort();
    const server = await ServerProcess.start({
      dir,
      bareArgs: true,
      args: ["-port", String(port), "-shards", "1", "-wal", `${dir}/seed_wal`],
    });
    try {
      assertStringIncludes(server.stdout, `listening on 127.0.0.1:${port}`);
      assertStringIncludes(server.stdout, "single map");
      assertEquals(await exchange(port, "SET k v\nGET k\n", 2), "+OK\n+OK v\n");
      assertEquals(await Deno.readTextFile(`${dir}/seed_wal`), "3SET1k1v\n");
    } finally {
      await server.cleanup();
    }
  });
});

Deno.test("walkv exits 1 with advice when the port is in use", async () => {
  await withTempDir(async (dir) => {
    using listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = (listener.addr as Deno.NetAddr).port;
    const result = await runMain(["--port", String(port), "--wal", `${dir}/wal`], permissions(dir));
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, `port ${port} is already in use`);
    assertStringIncludes(result.stderr, "--port");
    assertEquals([...Deno.readDirSync(dir)], [], "no WAL is created before the port is bound");
  });
});

Deno.test("walkv exits 1 with advice when Deno may not touch the WAL path", async () => {
  await withTempDir(async (granted) => {
    await withTempDir(async (elsewhere) => {
      const wal = `${elsewhere}/wal`;
      const result = await runMain(
        ["--port", String(freePort()), "--wal", wal],
        permissions(granted),
      );
      assertEquals(result.code, 1);
      assertStringIncludes(result.stderr, wal);
      assertStringIncludes(result.stderr, "--allow-write");
      assertEquals([...Deno.readDirSync(elsewhere)], []);
    });
  });
});

Deno.test("walkv exits 1 when the WAL's folder does not exist", async () => {
  await withTempDir(async (dir) => {
    const wal = `${dir}/missing/wal`;
    const result = await runMain(["--port", String(freePort()), "--wal", wal], permissions(dir));
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, wal);
  });
});

for (const flag of ["--no-persist", "--persist=false"]) {
  Deno.test(`walkv ${flag} serves from memory and creates no file`, async () => {
    const server = await ServerProcess.start({ args: [flag] });
    try {
      assertEquals(await exchange(server.port, "SET k v\nGET k\n", 2), "+OK\n+OK v\n");
      assertStringIncludes(server.stdout, "wal: off");
      assertEquals((await server.stop()).code, 0);
      assertEquals([...Deno.readDirSync(server.dir)], []);
    } finally {
      await server.cleanup();
    }
  });
}

Deno.test("walkv --help prints the flags and exits 0", async () => {
  const result = await runMain(["--help"], []);
  assertEquals(result.code, 0);
  for (
    const flag of ["--port", "--host", "--wal", "--shards", "--persist", "--size", "--max-line"]
  ) {
    assertStringIncludes(result.stdout, flag);
  }
});

Deno.test("walkv logs what it loaded at startup", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/wal`, "3SET1a11\n3SET1b12\n3DEL1a\n");
    const server = await ServerProcess.start({ dir, args: ["--shards", "4"] });
    try {
      const log = server.stdout;
      assertStringIncludes(log, "replayed 3 records (25 bytes)");
      assertStringIncludes(log, "1 keys loaded in");
      assertStringIncludes(log, `listening on 127.0.0.1:${server.port}`);
      assertStringIncludes(log, "sharded, 4 shards");
      assert(log.includes(`${dir}/wal`), log);
    } finally {
      await server.cleanup();
    }
  });
});
