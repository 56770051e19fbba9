import { assertStringIncludes } from "@std/assert";
import { V8_FLAGS } from "../src/v8_flags.ts";

Deno.test("deno.json's start and compile tasks run walkv with V8_FLAGS", async () => {
  const config = JSON.parse(await Deno.readTextFile(new URL("../deno.json", import.meta.url)));
  for (const task of ["start", "compile"]) {
    assertStringIncludes(config.tasks[task], ` --v8-flags=${V8_FLAGS} `, `task ${task}`);
  }
});
