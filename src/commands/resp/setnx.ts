import type { RespCommand } from "./resp_command.ts";

/**
 * `SETNX key value` → 1 when the key was absent and is now set (with no
 * expiry), 0 when it already existed and nothing changed. The oldest way to
 * take a lock; SET with NX does the same and more.
 *
 * @example
 * ```ts
 * setnx.run(["SETNX", "lock", "me"], context); // ":1\r\n"
 * setnx.run(["SETNX", "lock", "you"], context); // ":0\r\n"; still "me"
 * ```
 */
export const setnx: RespCommand = {
  name: "SETNX",
  arity: 3,
  writes: true,
  keys: [1, 1, 1],
  summary: "Set the string value of a key only when the key doesn't exist.",
  syntax: "key value",
  run(args, { db, reply }) {
    if (db.get(args[1]) !== undefined) return reply.integer(0);
    db.set(args[1], args[2]);
    reply.integer(1);
  },
};
