import type { Command } from "./command.ts";

/**
 * `COMPACT` → `+OK compaction started`: the text protocol's way to compact
 * the WAL now (RESP has `BGREWRITEAOF`). It returns at once; the server
 * logs when the compaction ends.
 *
 * @example
 * ```ts
 * compact.run(["COMPACT"], db, replies); // "+OK compaction started"
 * ```
 */
export const compact: Command = {
  name: "COMPACT",
  arity: 1,
  usage: "expected no arguments",
  writes: false,
  run(_fields, db, reply) {
    const compaction = db.compaction;
    if (compaction === null) {
      reply.error("ERR there is no WAL to compact: walkv runs with --no-persist");
    } else if (compaction.start("COMPACT")) {
      reply.value("compaction started");
    } else {
      reply.error("ERR compaction already in progress");
    }
  },
};
