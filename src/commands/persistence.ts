import { SYNTAX_ERROR } from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import type { ServerState } from "./server_state.ts";

/** What walkv answers SAVE and BGSAVE with when it keeps nothing on disk. */
const NOTHING_TO_SAVE = "ERR there is nothing to save to: walkv runs with --no-persist";

/**
 * `SAVE` → `+OK` once a compaction of the WAL has finished: walkv's
 * snapshot is its compacted WAL, so SAVE compacts now and waits, as
 * Redis's SAVE writes its RDB and waits (other clients are served
 * meanwhile; Redis would block them). A BGSAVE running is Redis's error; a
 * compaction started otherwise is waited for first, then SAVE runs its own.
 * A compaction that fails is answered `-ERR`, as Redis answers a failed SAVE.
 *
 * @example
 * ```ts
 * await save(["SAVE"], context); // "+OK\r\n"
 * ```
 */
export async function save(_args: string[], { reply, server }: Context): Promise<void> {
  const compaction = server.databases.compaction;
  if (compaction === null) return reply.error(NOTHING_TO_SAVE);
  if (compaction.reason === "BGSAVE") return reply.error("ERR Background save already in progress");
  // Another compaction (BGREWRITEAOF, automatic, one BGSAVE SCHEDULE started
  // meanwhile) is waited out; then SAVE's own runs.
  do await compaction.idle(); while (!compaction.start("SAVE"));
  await compaction.idle();
  if (compaction.lastOk) reply.ok();
  else reply.error("ERR");
}

/**
 * `BGSAVE [SCHEDULE]` → `+Background saving started`, with a compaction of
 * the WAL running in the background. A BGSAVE already running is Redis's
 * "already in progress"; another compaction (BGREWRITEAOF, automatic) is
 * Redis's "another child process" refusal, or with SCHEDULE
 * `+Background saving scheduled`, and it starts when that one ends.
 *
 * @example
 * ```ts
 * bgsave(["BGSAVE"], context); // "+Background saving started\r\n"
 * ```
 */
export function bgsave(args: string[], { reply, server }: Context): void {
  let schedule = false;
  if (args.length > 1) {
    if (args.length !== 2 || args[1].toUpperCase() !== "SCHEDULE") return reply.error(SYNTAX_ERROR);
    schedule = true;
  }
  const compaction = server.databases.compaction;
  if (compaction === null) return reply.error(NOTHING_TO_SAVE);
  if (compaction.reason === "BGSAVE") return reply.error("ERR Background save already in progress");
  if (compaction.start("BGSAVE")) return reply.simple("Background saving started");
  if (!schedule) {
    return reply.error(
      "ERR Another child process is active (AOF?): can't BGSAVE right now. " +
        "Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.",
    );
  }
  compaction.idle().then(() => compaction.start("BGSAVE"));
  reply.simple("Background saving scheduled");
}

/**
 * `LASTSAVE` → the Unix time, in seconds, of the last compaction that
 * succeeded (walkv's snapshot), or of the start if none has yet.
 *
 * @example
 * ```ts
 * lastsave(["LASTSAVE"], context); // ":1700000000\r\n"
 * ```
 */
export function lastsave(_args: string[], { reply, server }: Context): void {
  reply.integer(Math.floor(lastSaveTime(server) / 1000));
}

/** When the data was last saved (compacted), or the server started, in ms since the epoch. */
export function lastSaveTime(server: ServerState): number {
  return Math.max(server.startedAt, server.databases.compaction?.lastSuccessAt ?? 0);
}
