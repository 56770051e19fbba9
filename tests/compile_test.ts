/**
 * `deno compile` builds a walkv binary that serves the text protocol.
 *
 * The compile runs at module load, before any test: `deno compile` must
 * download its runtime (`denort`) once, so without network access it cannot
 * work at all. That case is reported as an IGNORED test whose name gives the
 * reason, never as a pass; any other compile failure is a failing test
 * carrying compile's stderr.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { RawConnection, REPO_ROOT, request, startServer } from "./helpers/server_process.ts";

const TEST_NAME = "compiled binary answers --version and SET/GET";
const COMPILE_TIMEOUT_MS = 120_000;

interface CompileOutcome {
  ok: boolean;
  stderr: string;
}

async function compile(output: string): Promise<CompileOutcome> {
  try {
    const result = await new Deno.Command(Deno.execPath(), {
      args: [
        "compile",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        "--output",
        output,
        "main.ts",
      ],
      cwd: REPO_ROOT,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(COMPILE_TIMEOUT_MS),
    }).output();
    const stderr = new TextDecoder().decode(result.stderr);
    return { ok: result.success, stderr: `exit code ${result.code}\n${stderr}` };
  } catch (error: unknown) {
    return { ok: false, stderr: `deno compile could not run: ${String(error)}` };
  }
}

/** Whether compile failed only because it could not download `denort`. */
function runtimeDownloadFailed(stderr: string): boolean {
  return /denort|dl\.deno\.land/.test(stderr) &&
    /error sending request|dns error|Connect/.test(stderr);
}

const outDir = await Deno.makeTempDir({ prefix: "walkv_compile_test_" });
const binary = `${outDir}/walkv`;
const outcome = await compile(binary);

if (outcome.ok) {
  Deno.test(TEST_NAME, async () => {
    try {
      const version = await new Deno.Command(binary, { args: ["--version"], stdin: "null" })
        .output();
      assertEquals(version.code, 0);
      assertEquals(
        new TextDecoder().decode(version.stdout),
        "walkv 0.12.0 (compatible with Redis 7.0.15, protocol RESP2/RESP3)\n",
      );
      await using server = await startServer({ walDir: outDir, executable: binary });
      using client = await RawConnection.connect(server.port);
      assertEquals(await request(client, "SET hello world"), "+OK");
      assertEquals(await request(client, "GET hello"), "+OK world");
      assertEquals(await request(client, "GET nope"), "-GET could not find nope in store");
      client.close();
      const status = await server.stop("SIGTERM");
      assertEquals(status.code, 0, server.stderrText());
      assertStringIncludes(server.stdoutText(), "shut down cleanly");
      assertEquals(
        new TextDecoder().decode(await Deno.readFile(server.walPath)),
        "3SET5hello5world\n",
      );
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  });
} else {
  await Deno.remove(outDir, { recursive: true });
  if (runtimeDownloadFailed(outcome.stderr)) {
    Deno.test({
      name: `${TEST_NAME} (ignored: deno compile could not download its runtime, denort, ` +
        `without network access)`,
      ignore: true,
      fn() {},
    });
  } else {
    Deno.test(TEST_NAME, () => {
      throw new Error(`deno compile failed:\n${outcome.stderr}`);
    });
  }
}
