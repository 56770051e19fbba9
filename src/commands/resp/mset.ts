import type { RespCommand } from "./resp_command.ts";

/**
 * `MSET key value [key value ...]` → `+OK`, every pair set as by SET (any
 * expiry dropped; a repeated key keeps its last value). All the pairs are
 * one WAL record, so after a crash either all of them are there or none.
 *
 * @example
 * ```ts
 * mset.run(["MSET", "a", "1", "b", "2"], context); // "+OK\r\n"
 * ```
 */
export const mset: RespCommand = {
  name: "MSET",
  arity: -3,
  writes: true,
  keys: [1, -1, 2],
  summary: "Atomically creates or modifies the string values of one or more keys.",
  syntax: "key value [key value ...]",
  run(args, { db, reply }) {
    if (args.length % 2 === 0) {
      return reply.error("ERR wrong number of arguments for 'mset' command");
    }
    for (let i = 1; i < args.length; i += 2) db.set(args[i], args[i + 1]);
    reply.ok();
  },
};
