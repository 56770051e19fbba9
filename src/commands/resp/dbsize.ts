import type { RespCommand } from "./resp_command.ts";

/**
 * `DBSIZE` → how many keys are stored. As in Redis, keys that have expired
 * but are not yet reclaimed still count.
 *
 * @example
 * ```ts
 * dbsize.run(["DBSIZE"], context); // ":3\r\n"
 * ```
 */
export const dbsize: RespCommand = {
  name: "DBSIZE",
  arity: 1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns the number of keys in the database.",
  syntax: "",
  run(_args, { db, reply }) {
    reply.integer(db.size);
  },
};
