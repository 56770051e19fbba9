import type { RespCommand } from "./resp_command.ts";

/**
 * `RANDOMKEY` → a random live key as a bulk string, or the null bulk when
 * there are none.
 *
 * @example
 * ```ts
 * randomKey.run(["RANDOMKEY"], context); // "$5\r\nhello\r\n"
 * ```
 */
export const randomKey: RespCommand = {
  name: "RANDOMKEY",
  arity: 1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns a random key name from the database.",
  syntax: "",
  run(_args, { db, reply }) {
    reply.bulkOrNull(db.randomKey());
  },
};
