import type { RespCommand } from "./resp_command.ts";

/**
 * `TYPE key` → `+string`, or `+none` when the key does not exist. Strings
 * are walkv's only type; clients (and SCAN TYPE) still ask.
 *
 * @example
 * ```ts
 * keyType.run(["TYPE", "greeting"], context); // "+string\r\n"
 * ```
 */
export const keyType: RespCommand = {
  name: "TYPE",
  arity: 2,
  writes: false,
  keys: [1, 1, 1],
  summary: "Determines the type of value stored at a key.",
  syntax: "key",
  run(args, { db, reply }) {
    reply.simple(db.get(args[1]) === undefined ? "none" : "string");
  },
};
