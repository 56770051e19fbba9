import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { WalkvClient } from "../../src/client/client.ts";
import { exchange, freePort, runMain, ServerProcess } from "./server_process.ts";
import { withTempDir } from "../support/with_temp_dir.ts";

Deno.test("server restarts with exactly the state its WAL records", async () => {
  await withTempDir(async (dir) => {
    const first = await ServerProcess.start({ dir });
    try {
      assertEquals(
        await exchange(first.port, "SET a 1\nSET b 2\nDEL a\nSET c 3\nDEL nothing\n", 5),
        "+OK\n+OK\n+OK\n+OK\n+OK\n",
      );
      assertEquals((await first.stop("SIGTERM")).code, 0);
    } finally {
      await first.cleanup();
    }
    // The seed's bytes; a DEL of an absent key changes nothing and is not logged.
    assertEquals(
      await Deno.readTextFile(`${dir}/wal`),
      "3SET1a11\n3SET1b12\n3DEL1a\n3SET1c13\n",
    );
    const second = await ServerProcess.start({ dir });
    try {
      assertStringIncludes(second.stdout, "replayed 4 records");
      assertStringIncludes(second.stdout, "2 keys loaded");
      assertEquals(
        await exchange(second.port, "GET a\nGET b\nGET c\n", 3),
        "-GET could not find a in store\n+OK 2\n+OK 3\n",
      );
    } finally {
      await second.cleanup();
    }
  });
});

Deno.test("server keeps every acknowledged write across kill -9", async () => {
  await withTempDir(async (dir) => {
    const server = await ServerProcess.start({ dir });
    // key -> last acknowledged value, or null for an acknowledged DEL
    const acknowledged = new Map<string, string | null>();
    // key -> the one write in flight when the server died (it may or may not have landed)
    const inFlight = new Map<string, string | null>();
    try {
      const killAt = Date.now() + 1000;
      let killed = false;
      const writers = Array.from({ length: 10 }, async (_, w) => {
        using client = await WalkvClient.connect({ port: server.port });
        for (let i = 0; i < 100_000; i++) {
          if (w === 0 && !killed && Date.now() > killAt) {
            killed = true;
            await server.kill();
          }
          const key = `w${w}k${i % 50}`;
          const value = i % 7 === 6 ? null : `v${i}`;
          inFlight.set(key, value);
          try {
            if (value === null) await client.del(key);
            else await client.set(key, value);
          } catch {
            return; // cut off by the kill: never acknowledged
          }
          inFlight.delete(key);
          acknowledged.set(key, value);
        }
      });
      await Promise.all(writers);
      assert(killed, "the load ended before the kill");
    } finally {
      await server.cleanup();
    }
    assert(acknowledged.size >= 100, `only ${acknowledged.size} keys were acknowledged`);
    const restarted = await ServerProcess.start({ dir });
    try {
      using client = await WalkvClient.connect({ port: restarted.port });
      const keys = [...acknowledged.keys()];
      const replies = await client.pipeline(keys.map((key) => ["GET", key]));
      const reply = (value: string | null | undefined, key: string) =>
        value === null || value === undefined
          ? `-GET could not find ${key} in store`
          : `+OK ${value}`;
      keys.forEach((key, i) => {
        const allowed = [reply(acknowledged.get(key), key)];
        if (inFlight.has(key)) allowed.push(reply(inFlight.get(key), key));
        assert(allowed.includes(replies[i]), `${key}: ${replies[i]}, expected one of ${allowed}`);
      });
    } finally {
      await restarted.cleanup();
    }
  });
});

Deno.test("server replays a WAL written by the seed Go server", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(
      `${dir}/wal`,
      "3SET5hello5world\n3SET3foo3bar\n3SET7counter242\n3DEL3foo\n",
    );
    const server = await ServerProcess.start({ dir });
    try {
      assertEquals(
        await exchange(server.port, "GET hello\nGET foo\nGET counter\n", 3),
        "+OK world\n-GET could not find foo in store\n+OK 42\n",
      );
    } finally {
      await server.cleanup();
    }
  });
});

Deno.test("server cuts a torn final record, warns with its offset, and starts", async () => {
  await withTempDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/wal`, "3SET1a11\n3SET5he");
    const server = await ServerProcess.start({ dir });
    try {
      assertStringIncludes(server.stderr, "torn record at byte offset 9");
      assertEquals(await exchange(server.port, "GET a\n", 1), "+OK 1\n");
      assertEquals(await Deno.readTextFile(`${dir}/wal`), "3SET1a11\n");
      // New writes land after the cut.
      assertEquals(await exchange(server.port, "SET b 2\n", 1), "+OK\n");
      assertEquals(await Deno.readTextFile(`${dir}/wal`), "3SET1a11\n3SET1b12\n");
    } finally {
      await server.cleanup();
    }
  });
});

Deno.test("server refuses a corrupt WAL, naming the file and offset, changing nothing", async () => {
  await withTempDir(async (dir) => {
    const content = "3SET1a11\n3SEX1b12\n3SET1c13\n";
    await Deno.writeTextFile(`${dir}/wal`, content);
    const result = await runMain(
      ["--port", String(freePort()), "--wal", `${dir}/wal`],
      ["--allow-net=127.0.0.1", `--allow-read=${dir}`, `--allow-write=${dir}`],
    );
    assertEquals(result.code, 1);
    assertStringIncludes(result.stderr, `${dir}/wal`);
    assertStringIncludes(result.stderr, "byte offset 9");
    assertEquals(await Deno.readTextFile(`${dir}/wal`), content);
  });
});
