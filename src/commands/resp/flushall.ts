import { SYNTAX_ERROR } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `FLUSHALL [ASYNC | SYNC]` → `+OK` once every key is removed, as one WAL
 * record. Both modes flush at once: walkv has no background freeing, and
 * SYNC's promise is the stronger one.
 *
 * @example
 * ```ts
 * flushall.run(["FLUSHALL", "ASYNC"], context); // "+OK\r\n"
 * flushall.run(["FLUSHALL", "NOW"], context);   // "-ERR syntax error\r\n"
 * ```
 */
export const flushall: RespCommand = {
  name: "FLUSHALL",
  arity: -1,
  writes: true,
  keys: [0, 0, 0],
  summary: "Removes all keys from all databases.",
  syntax: "[ASYNC | SYNC]",
  run(args, { db, reply }) {
    if (args.length > 2) return reply.error(SYNTAX_ERROR);
    if (args.length === 2) {
      const mode = args[1].toUpperCase();
      if (mode !== "ASYNC" && mode !== "SYNC") return reply.error(SYNTAX_ERROR);
    }
    db.flushAll();
    reply.ok();
  },
};
