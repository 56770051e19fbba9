/**
 * The README's client script, run the way a user outside the repository
 * would: written into a temp dir with no deno.json anywhere above it, the
 * library imported by its file URL, `deno run --check --allow-net` and
 * nothing else. It fails if the library reaches for the import map (`@std/…`
 * is unresolvable there) or does not type-check on its own, and its output
 * must be the README's, line for line.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { REPO_ROOT, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const RUN_TIMEOUT_MS = 60_000;
const PLACEHOLDER = "file:///path/to/walkv/src/client/mod.ts";

/** The fenced block right after `<!-- outside_script_test: {name} -->` in the README. */
function readmeBlock(readme: string, name: string): string {
  const marker = `<!-- outside_script_test: ${name} -->`;
  const at = readme.indexOf(marker);
  assert(at !== -1, `README.md has no ${marker}`);
  const block = /```\w*\n([\s\S]*?)```/.exec(readme.slice(at + marker.length));
  if (block === null) throw new Error(`README.md has no code block after ${marker}`);
  return block[1];
}

/** Whether a Deno config file sits in `dir` or any folder above it. */
async function configAbove(dir: string): Promise<string | null> {
  for (let path = dir;; path = path.slice(0, path.lastIndexOf("/")) || "/") {
    for (const name of ["deno.json", "deno.jsonc", "package.json"]) {
      const file = `${path === "/" ? "" : path}/${name}`;
      try {
        await Deno.stat(file);
        return file;
      } catch (error: unknown) {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      }
    }
    if (path === "/") return null;
  }
}

Deno.test("the README's client script runs from outside the repository with no config", async () => {
  const readme = await Deno.readTextFile(`${REPO_ROOT}README.md`);
  const script = readmeBlock(readme, "script");
  const output = readmeBlock(readme, "output");
  assert(script.includes(PLACEHOLDER), `The script imports ${PLACEHOLDER}`);

  await using outside = await tempDir();
  assert(!outside.path.startsWith(REPO_ROOT), `${outside.path} is inside the repository`);
  assertEquals(await configAbove(outside.path), null, "a config file above the temp dir");
  const library = new URL("../../src/client/mod.ts", import.meta.url).href;
  await Deno.writeTextFile(`${outside.path}/hello_walkv.ts`, script.replace(PLACEHOLDER, library));

  await using walDir = await tempDir();
  await using server = await startServer({ walDir: walDir.path });
  const run = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--check", "--allow-net", "hello_walkv.ts", String(server.port)],
    cwd: outside.path,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  }).output();
  const stderr = new TextDecoder().decode(run.stderr);
  assertEquals(run.code, 0, stderr);
  assertEquals(new TextDecoder().decode(run.stdout), output);
});
