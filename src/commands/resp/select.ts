import { NOT_AN_INTEGER, parseInteger } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `SELECT index` → `+OK` for database 0, the only one walkv has (its CONFIG
 * GET databases says 1); any other index is out of range, as in a Redis
 * configured with one database. Clients send `SELECT 0` on connect, so it
 * must succeed.
 *
 * @example
 * ```ts
 * select.run(["SELECT", "0"], context); // "+OK\r\n"
 * select.run(["SELECT", "1"], context); // "-ERR DB index is out of range\r\n"
 * ```
 */
export const select: RespCommand = {
  name: "SELECT",
  arity: 2,
  writes: false,
  keys: [0, 0, 0],
  summary: "Changes the selected database.",
  syntax: "index",
  run(args, { reply }) {
    const index = parseInteger(args[1]);
    if (index === null) return reply.error(NOT_AN_INTEGER);
    if (index !== 0) return reply.error("ERR DB index is out of range");
    reply.ok();
  },
};
