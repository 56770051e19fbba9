/**
 * `deno task start` with its own narrow grants (deno.json), at a terminal:
 * a config file where the task grants it (./walkv.conf, or in ./wal_files)
 * is read and CONFIG REWRITE can replace it; one anywhere else is refused
 * with exit 2 and advice, never with a permission prompt (`--no-prompt`).
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { startTaskInPty } from "../helpers/pty_session.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { freePort, RawConnection, REPO_ROOT } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const unique = `start_task_test_${Deno.pid}_${Date.now()}`;
const rootConfigExists = (() => {
  try {
    Deno.statSync(`${REPO_ROOT}walkv.conf`);
    return true;
  } catch {
    return false;
  }
})();

for (const config of ["walkv.conf", `wal_files/${unique}.conf`]) {
  Deno.test({
    name: `deno task start --config ${
      config.split("/")[0]
    }… reads it and CONFIG REWRITE replaces it`,
    // A walkv.conf of the user's own is never touched.
    ignore: config === "walkv.conf" && rootConfigExists,
    async fn() {
      const port = freePort();
      const wal = `wal_files/${unique}_wal`;
      const path = `${REPO_ROOT}${config}`;
      await Deno.writeTextFile(path, `# task test\nport ${port}\nwal ${wal}\nmaxclients 100\n`, {
        createNew: true,
      });
      try {
        await using task = startTaskInPty(["--config", config]);
        await task.waitFor(`listening on 127.0.0.1:${port}`);
        {
          using client = await RawConnection.connect(port);
          assertEquals(await respCall(client, "CONFIG", "SET", "maxclients", "33"), "+OK\r\n");
          assertEquals(await respCall(client, "CONFIG", "REWRITE"), "+OK\r\n");
          assertEquals(await respCall(client, "SET", "k", "v"), "+OK\r\n");
        }
        await task.ctrlC();
        assertEquals(await task.exitCode(), 0, task.text());
        assert(!/Allow\?|Granted/.test(task.text()), task.text());
        assertEquals(
          await Deno.readTextFile(path),
          `# task test\nport ${port}\nwal ${wal}\nmaxclients 33\n`,
        );
      } finally {
        for (const file of [path, `${path}.tmp`, `${REPO_ROOT}${wal}`, `${REPO_ROOT}${wal}.lock`]) {
          await Deno.remove(file).catch(() => {});
        }
      }
    },
  });
}

Deno.test("deno task start --config outside its grants exits 2 with advice, never a prompt", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/walkv.conf`;
  await Deno.writeTextFile(path, "maxclients 5\n");
  await using task = startTaskInPty(["--config", path, "--port", String(freePort())]);
  assertEquals(await task.exitCode(), 2, task.text());
  assertStringIncludes(task.text(), `Deno denied reading the config file "${path}"`);
  assertStringIncludes(task.text(), "./walkv.conf");
  assert(!/Allow\?|Granted/.test(task.text()), task.text());
});
