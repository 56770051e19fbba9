/**
 * The WAL holds every value and walkv has no authentication, so the files it
 * creates are readable and writable by their owner only (0600). The server
 * runs under umask 000 here: under the usual 022 or 077, the baseline's 0666
 * would already be cut down by the umask and the test could not tell.
 */
import { assertEquals } from "@std/assert";
import { lockPath } from "../../src/server/wal_files.ts";
import { waitForOutput } from "../helpers/server_output.ts";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** `path`'s permission bits, in octal. */
async function modeOf(path: string): Promise<string> {
  return ((await Deno.stat(path)).mode! & 0o777).toString(8);
}

/**
 * Starts walkv through a shell that sets umask 000 and, as a control,
 * creates `probe` the ordinary way (0666 minus the umask) before becoming walkv.
 */
function startUnderUmask000(walDir: string, probe: string) {
  return startServer({
    walDir,
    commandPrefix: ["sh", "-c", 'umask 000 && : > "$1" && shift && exec "$@"', "sh", probe],
  });
}

Deno.test("WAL and lock file are created mode 0600, and stay so after a compaction, even under umask 000", async () => {
  await using dir = await tempDir();
  await using probeDir = await tempDir();
  const probe = `${probeDir.path}/probe`;
  await using server = await startUnderUmask000(dir.path, probe);
  using client = await RawConnection.connect(server.port);
  assertEquals(await request(client, "SET k v"), "+OK");
  assertEquals(await modeOf(probe), "666", "the shell did not set umask 000");
  assertEquals(
    { wal: await modeOf(server.walPath), lock: await modeOf(lockPath(server.walPath)) },
    { wal: "600", lock: "600" },
  );
  assertEquals(await request(client, "COMPACT"), "+OK compaction started");
  await waitForOutput(server, "compaction finished");
  client.close();
  assertEquals(await modeOf(server.walPath), "600", "after the compaction replaced the WAL");
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
