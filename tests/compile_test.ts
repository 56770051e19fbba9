/**
 * The standalone binary from `deno compile` answers SET/GET. `deno compile`
 * downloads Deno's runtime (denort) the first time; where that download is
 * impossible (no network), this test is registered as ignored, with that
 * reason in its name, rather than passing.
 */
import { assertEquals } from "@std/assert";
import { exchange, freePort } from "./integration/server_process.ts";

const root = new URL("..", import.meta.url).pathname;
const outDir = await Deno.makeTempDir({ prefix: "walkv_compile_" });
const binary = `${outDir}/walkv`;
const compiled = await new Deno.Command(Deno.execPath(), {
  args: ["compile", "--allow-net", "--allow-read", "--allow-write", "--output", binary, "main.ts"],
  cwd: root,
  stdout: "piped",
  stderr: "piped",
}).output();
const compileError = new TextDecoder().decode(compiled.stderr);
const noNetwork = !compiled.success &&
  /error sending request|dns error|failed to lookup address|Connect|denort/i.test(compileError);

if (noNetwork) {
  await Deno.remove(outDir, { recursive: true });
  Deno.test({
    name:
      "compiled binary answers SET/GET (ignored: deno compile could not download its runtime, denort, without network access)",
    ignore: true,
    fn() {},
  });
} else {
  Deno.test("compiled binary answers SET/GET", async () => {
    try {
      assertEquals(compiled.success, true, `deno compile failed:\n${compileError}`);
      const port = freePort();
      const child = new Deno.Command(binary, {
        args: ["--port", String(port), "--wal", `${outDir}/wal`],
        stdout: "piped",
        stderr: "null",
      }).spawn();
      const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
      let log = "";
      while (!log.includes("listening on")) {
        const { value, done } = await lines.read();
        if (done) break;
        log += value;
      }
      assertEquals(await exchange(port, "SET k v\nGET k\n", 2), "+OK\n+OK v\n");
      child.kill("SIGTERM");
      for (let r = await lines.read(); !r.done; r = await lines.read()) log += r.value;
      assertEquals((await child.status).code, 0, log);
    } finally {
      await Deno.remove(outDir, { recursive: true });
    }
  });
}
