import type { RespCommand } from "./resp_command.ts";

/**
 * `BGREWRITEAOF` → starts compacting the WAL (walkv's AOF) in the
 * background, with Redis's replies, so tools that trigger a rewrite work
 * unchanged. The outcome is logged and shows in `INFO persistence`.
 *
 * @example
 * ```ts
 * bgrewriteaof.run(["BGREWRITEAOF"], context);
 * // "+Background append only file rewriting started\r\n"
 * ```
 */
export const bgrewriteaof: RespCommand = {
  name: "BGREWRITEAOF",
  arity: 1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Asynchronously rewrites the append-only file to disk.",
  syntax: "",
  run(_args, { db, reply }) {
    const compaction = db.compaction;
    if (compaction === null) {
      reply.error("ERR there is no WAL to rewrite: walkv runs with --no-persist");
    } else if (compaction.start("BGREWRITEAOF")) {
      reply.simple("Background append only file rewriting started");
    } else {
      reply.error("ERR Background append only file rewriting already in progress");
    }
  },
};
