import type { RespCommand } from "./resp_command.ts";

/**
 * `GETSET key value` → the old value (the null bulk when there was none),
 * after storing the new one. Like SET, it drops any expiry the key had.
 *
 * @example
 * ```ts
 * getset.run(["GETSET", "counter", "0"], context); // "$2\r\n41\r\n"; counter is now "0"
 * ```
 */
export const getset: RespCommand = {
  name: "GETSET",
  arity: 3,
  writes: true,
  keys: [1, 1, 1],
  summary: "Returns the previous string value of a key after setting it to a new value.",
  syntax: "key value",
  run(args, { db, reply, server }) {
    const old = server.countRead(db.get(args[1]));
    db.set(args[1], args[2]);
    reply.bulkOrNull(old);
  },
};
