/**
 * walkv with the compaction test hooks, for the crash tests only: the same
 * `main` as `main.ts`, given hooks read from `WALKV_TEST_COMPACTION_PAUSE`
 * (a step to stop at for good, so a test can SIGKILL the process there) and
 * `WALKV_TEST_COMPACTION_SLICE_KEYS` (keys per snapshot slice, to make a
 * compaction of a few keys last long enough to be killed in). The product
 * never reads these variables.
 *
 * @module
 */
import { main } from "../../main.ts";
import {
  COMPACTION_STEPS,
  type CompactionHooks,
  type CompactionStep,
} from "../../src/wal/compactor.ts";

/** The environment variables the crash tests set; walkv sees them only with `--allow-env`. */
const PAUSE = "WALKV_TEST_COMPACTION_PAUSE";
const SLICE_KEYS = "WALKV_TEST_COMPACTION_SLICE_KEYS";

/** `name`'s value if Deno may read it without asking, else `undefined`. */
function readEnv(name: string): string | undefined {
  const status = Deno.permissions.querySync({ name: "env", variable: name });
  return status.state === "granted" ? Deno.env.get(name) : undefined;
}

/**
 * The compaction test hooks, read from `WALKV_TEST_COMPACTION_PAUSE` (a step
 * to stop at for good, so a test can SIGKILL the process there) and
 * `WALKV_TEST_COMPACTION_SLICE_KEYS` (keys per snapshot slice, to make a
 * compaction of a few keys last long enough to be killed in). Without
 * `--allow-env`, which `deno task start` does not grant, there are none.
 *
 * @throws {Error} for a value that names no step or is not a positive integer.
 * @example
 * ```ts
 * const compactor = new Compactor(store, wal, { log, hooks: compactionHooksFromEnv() });
 * ```
 */
export function compactionHooksFromEnv(): CompactionHooks {
  const hooks: CompactionHooks = {};
  const pause = readEnv(PAUSE);
  if (pause !== undefined) {
    if (!(COMPACTION_STEPS as readonly string[]).includes(pause)) {
      throw new Error(`${PAUSE}=${JSON.stringify(pause)} names no step (${COMPACTION_STEPS})`);
    }
    hooks.pauseAt = pause as CompactionStep;
  }
  const sliceKeys = readEnv(SLICE_KEYS);
  if (sliceKeys !== undefined) {
    if (!/^[1-9]\d*$/.test(sliceKeys)) {
      throw new Error(`${SLICE_KEYS}=${JSON.stringify(sliceKeys)} is not a positive integer`);
    }
    hooks.sliceKeys = Number(sliceKeys);
  }
  return hooks;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args, { compactionHooks: compactionHooksFromEnv() }));
}
