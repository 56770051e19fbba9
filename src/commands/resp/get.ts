import type { RespCommand } from "./resp_command.ts";

/**
 * `GET key` → the value as a bulk string, or the null bulk when absent.
 *
 * @example
 * ```ts
 * get.run(["GET", "hello"], context); // "$5\r\nworld\r\n"
 * ```
 */
export const get: RespCommand = {
  name: "GET",
  arity: 2,
  writes: false,
  keys: [1, 1, 1],
  summary: "Returns the string value of a key.",
  syntax: "key",
  run(args, { db, reply, server }) {
    reply.bulkOrNull(server.countRead(db.get(args[1])));
  },
};
