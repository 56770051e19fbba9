import type { RespCommand } from "./resp_command.ts";

/**
 * `GETDEL key` → the value, and the key is gone; the null bulk when there
 * was no key (and nothing is logged). Takes a one-shot value, such as a
 * token, without a race between GET and DEL.
 *
 * @example
 * ```ts
 * getdel.run(["GETDEL", "token"], context); // "$3\r\nabc\r\n"; token no longer exists
 * ```
 */
export const getdel: RespCommand = {
  name: "GETDEL",
  arity: 2,
  writes: true,
  keys: [1, 1, 1],
  summary: "Returns the string value of a key after deleting the key.",
  syntax: "key",
  run(args, { db, reply, server }) {
    const value = server.countRead(db.get(args[1]));
    if (value === undefined) return reply.nullBulk();
    db.delete(args[1]);
    reply.bulk(value);
  },
};
