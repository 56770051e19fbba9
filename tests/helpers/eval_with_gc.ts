/**
 * Runs a script in a child Deno with `gc()` exposed and returns what it
 * printed as JSON: for tests that measure memory, which must collect
 * garbage before each reading, without a test-only hook in walkv itself.
 *
 * @example
 * ```ts
 * const { heap } = await evalWithGc(`gc(); console.log(JSON.stringify({ heap: Deno.memoryUsage().heapUsed }));`);
 * ```
 * @module
 */
import { assertEquals } from "@std/assert";

const decoder = new TextDecoder();

/** The JSON the child printed; fails the test, with its stderr, if it did not exit 0. */
export async function evalWithGc<T = Record<string, number>>(script: string): Promise<T> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--v8-flags=--expose-gc", script],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  assertEquals(output.code, 0, decoder.decode(output.stderr));
  return JSON.parse(decoder.decode(output.stdout)) as T;
}
