import type { RespCommand } from "./resp_command.ts";

/**
 * `MGET key [key ...]` → an array with each key's value, the null bulk for
 * a key that does not exist; one round trip for many GETs.
 *
 * @example
 * ```ts
 * mget.run(["MGET", "a", "missing"], context); // "*2\r\n$1\r\n1\r\n$-1\r\n"
 * ```
 */
export const mget: RespCommand = {
  name: "MGET",
  arity: -2,
  writes: false,
  keys: [1, -1, 1],
  summary: "Atomically returns the string values of one or more keys.",
  syntax: "key [key ...]",
  run(args, { db, reply, server }) {
    reply.array(args.length - 1);
    for (let i = 1; i < args.length; i++) {
      reply.bulkOrNull(server.countRead(db.get(args[i])));
    }
  },
};
