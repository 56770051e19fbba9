/**
 * CONFIG REWRITE against a real redis-server (the replies, byte for byte)
 * and through a restart: a value changed by CONFIG SET and rewritten is the
 * value the next start reads from the file.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** The replies to CONFIG REWRITE's error cases, on a server started without a config file. */
async function withoutFile(port: number): Promise<string[]> {
  using client = await RawConnection.connect(port);
  return [
    await respCall(client, "CONFIG", "REWRITE"),
    await respCall(client, "config", "rewrite"),
    await respCall(client, "CONFIG", "REWRITE", "extra"),
    await respCall(client, "CONFIG", "rewrit"),
  ];
}

/** CONFIG SET then REWRITE on a server started from a config file, then with its folder gone. */
async function withFile(port: number, dir: string): Promise<string[]> {
  using client = await RawConnection.connect(port);
  const replies = [
    await respCall(client, "CONFIG", "SET", "maxclients", "50"),
    await respCall(client, "CONFIG", "REWRITE"),
    await respCall(client, "CONFIG", "GET", "maxclients"),
  ];
  await Deno.remove(dir, { recursive: true });
  replies.push(await respCall(client, "CONFIG", "REWRITE"));
  return replies;
}

Deno.test("CONFIG REWRITE's errors are redis-server's, byte for byte", async () => {
  await using redis = await startRedisServer();
  const expected = await withoutFile(redis.port);
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await withoutFile(walkv.port), expected);
  assertEquals(expected[0], "-ERR The server is running without a config file\r\n");
});

Deno.test("CONFIG SET + REWRITE from a config file answers as redis-server, and ERR when it cannot write", async () => {
  await using redisDir = await tempDir();
  await Deno.mkdir(`${redisDir.path}/conf`);
  const redisConf = `${redisDir.path}/conf/redis.conf`;
  await Deno.writeTextFile(redisConf, "# test\nmaxclients 100\n");
  await using redis = await startRedisServer({ configFile: redisConf });
  const expected = await withFile(redis.port, `${redisDir.path}/conf`);

  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/conf`);
  const conf = `${dir.path}/conf/walkv.conf`;
  await Deno.writeTextFile(conf, "# test\nmaxclients 100\n");
  await using walkv = await startServer({ walDir: dir.path, args: ["--config", conf] });
  assertEquals(await withFile(walkv.port, `${dir.path}/conf`), expected);
  assertEquals(expected[3], "-ERR Rewriting config file: No such file or directory\r\n");
});

Deno.test("CONFIG SET + CONFIG REWRITE + restart keeps the values; comments and flags' values stay", async () => {
  await using dir = await tempDir();
  const conf = `${dir.path}/walkv.conf`;
  await Deno.writeTextFile(conf, "# my walkv\nmaxclients 100\n\n# no password yet\n");
  {
    await using server = await startServer({
      walDir: dir.path,
      args: ["--config", conf, "--timeout", "30"],
    });
    using client = await RawConnection.connect(server.port);
    assertEquals(await respCall(client, "CONFIG", "SET", "maxclients", "77"), "+OK\r\n");
    assertEquals(await respCall(client, "CONFIG", "SET", "requirepass", "s3 cret"), "+OK\r\n");
    assertEquals(await respCall(client, "CONFIG", "REWRITE"), "+OK\r\n");
    client.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
  }
  const text = await Deno.readTextFile(conf);
  assertStringIncludes(text, "# my walkv\nmaxclients 77\n\n# no password yet\n");
  assertStringIncludes(text, '\nrequirepass "s3 cret"\n');
  assertStringIncludes(text, "\ntimeout 30\n", "a flag's value is written too, as Redis does");

  await using server = await startServer({ walDir: dir.path, args: ["--config", conf] });
  using client = await RawConnection.connect(server.port);
  assertEquals(await respCall(client, "GET", "k"), "-NOAUTH Authentication required.\r\n");
  assertEquals(await respCall(client, "AUTH", "s3 cret"), "+OK\r\n");
  assertEquals(
    await respCall(client, "CONFIG", "GET", "maxclients"),
    "*2\r\n$10\r\nmaxclients\r\n$2\r\n77\r\n",
  );
  assertEquals(
    await respCall(client, "CONFIG", "GET", "timeout"),
    "*2\r\n$7\r\ntimeout\r\n$2\r\n30\r\n",
  );
  assertStringIncludes(await respCall(client, "INFO", "server"), `\r\nconfig_file:${conf}\r\n`);
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
