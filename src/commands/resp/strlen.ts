import type { RespCommand } from "./resp_command.ts";

/**
 * `STRLEN key` → the value's length in bytes; 0 when the key does not exist.
 *
 * @example
 * ```ts
 * strlen.run(["STRLEN", "greeting"], context); // ":5\r\n" for "hello"
 * ```
 */
export const strlen: RespCommand = {
  name: "STRLEN",
  arity: 2,
  writes: false,
  keys: [1, 1, 1],
  summary: "Returns the length of a string value.",
  syntax: "key",
  run(args, { db, reply, server }) {
    reply.integer(server.countRead(db.get(args[1]))?.length ?? 0);
  },
};
