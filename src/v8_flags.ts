/**
 * The V8 flags walkv runs with, wherever it runs: `deno task start` and
 * `deno task compile` (deno.json, checked against this by
 * `tests/v8_flags_test.ts`), the tests' and the benchmark's servers.
 *
 * `--max-semi-space-size=1` (MB): V8's young generation otherwise grows to
 * 16 MB per semi-space, ~16–20 MB resident beside a store whose data lives
 * in arenas outside the heap. Request parsing leaves short-lived garbage
 * only, so a 1 MB nursery scavenges more often but each time with almost
 * nothing alive; the throughput cost is measured in the README ("The arena
 * store").
 *
 * @example
 * ```ts
 * new Deno.Command(Deno.execPath(), { args: ["run", `--v8-flags=${V8_FLAGS}`, "main.ts"] });
 * ```
 */
export const V8_FLAGS = "--max-semi-space-size=1";
