/**
 * Every data type survives SIGKILL: concurrent clients each change their own
 * string, hash and set, one acknowledged command at a time, while walkv is
 * killed at a random moment, again and again on the same WAL (with a
 * BGREWRITEAOF in some rounds, so kills also land during and after
 * compactions). After every restart each client's keys must hold exactly the
 * state its first `n` commands produce, for an `n` between the commands it
 * had acknowledged and those it had sent: nothing acknowledged is lost,
 * nothing unsent appears, and no change is applied twice or skipped (see
 * `tests/helpers/container_load.ts` for the commands and their model).
 *
 * Each container starts with more members than a compaction writes in one
 * go (`bulkCommands`), so a compaction holds them (`src/wal/hold.ts`) while
 * their changes go on, and kills land with holds under way.
 *
 * The kill moments come from a seeded PRNG: set `WALKV_TYPES_CRASH_SEED` to
 * replay a run.
 */
import { assert, assertEquals } from "@std/assert";
import {
  bulkCommands,
  ContainerLoad,
  expectedReplies,
  modelAfter,
  serverState,
} from "../helpers/container_load.ts";
import { prng } from "../helpers/prng.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { RawConnection, serverPermissions, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const CLIENTS = 4;
const ROUNDS = 4;
const KILL_AFTER_MS = { min: 150, max: 500 };
/** Keys (or chunks of a large container) per snapshot slice: the server's test hook. */
const SLICE_KEYS = 4;

const SEED = Number(
  Deno.env.get("WALKV_TYPES_CRASH_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0],
);
console.log(`types_crash_test seed ${SEED} (replay with WALKV_TYPES_CRASH_SEED=${SEED})`);

Deno.test("every type's acknowledged changes survive SIGKILL, exactly once", async () => {
  const random = prng(SEED);
  await using dir = await tempDir();
  // Slow slices (the test hook), so the holds last while the changes go on.
  const start = () =>
    startServer({
      walDir: dir.path,
      permissions: [...serverPermissions(dir.path), "--allow-env"],
      entry: "tests/helpers/walkv_with_hooks.ts",
      env: { WALKV_TEST_COMPACTION_SLICE_KEYS: String(SLICE_KEYS) },
    });
  let done = Array.from({ length: CLIENTS }, () => 0);
  for (let round = 1; round <= ROUNDS; round++) {
    {
      await using walkv = await start();
      if (round === 1) {
        using connection = await RawConnection.connect(walkv.port);
        for (let c = 0; c < CLIENTS; c++) {
          for (const args of bulkCommands(c)) {
            assert(/^:\d+\r\n$/.test(await respCall(connection, ...args)), args[0]);
          }
        }
      }
      for (let c = 0; c < CLIENTS; c++) {
        const actual = await serverState(walkv.port, c);
        assertEquals(
          actual,
          expectedReplies(modelAfter(c, done[c], true)),
          `client ${c}, round ${round}`,
        );
      }
      const load = new ContainerLoad(walkv.port, done, true);
      if (round % 2 === 0) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        using connection = await RawConnection.connect(walkv.port);
        await respCall(connection, "BGREWRITEAOF");
      }
      const killAfter = KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min);
      await new Promise((resolve) => setTimeout(resolve, killAfter));
      load.stop();
      await walkv.kill();
      await load.done;
      await using restarted = await start();
      done = await load.found(restarted.port);
      await restarted.kill();
    }
  }
  assert(done.every((n) => n > 20), `too few commands ran: ${done}`);
  console.log(`types_crash_test: ${ROUNDS} kills; commands per client kept: ${done.join(", ")}`);
});
