import type { RespCommand } from "./resp_command.ts";

/**
 * `MSETNX key value [key value ...]` → 1 when none of the keys existed and
 * all are now set; 0, with nothing changed, when any one of them existed.
 * Claims a group of keys together, as one WAL record.
 *
 * @example
 * ```ts
 * msetnx.run(["MSETNX", "a", "1", "b", "2"], context); // ":1\r\n"
 * msetnx.run(["MSETNX", "b", "3", "c", "4"], context); // ":0\r\n"; c is not set
 * ```
 */
export const msetnx: RespCommand = {
  name: "MSETNX",
  arity: -3,
  writes: true,
  keys: [1, -1, 2],
  summary:
    "Atomically modifies the string values of one or more keys only when all keys don't exist.",
  syntax: "key value [key value ...]",
  run(args, { db, reply }) {
    if (args.length % 2 === 0) {
      return reply.error("ERR wrong number of arguments for 'msetnx' command");
    }
    for (let i = 1; i < args.length; i += 2) {
      if (db.get(args[i]) !== undefined) return reply.integer(0);
    }
    for (let i = 1; i < args.length; i += 2) db.set(args[i], args[i + 1]);
    reply.integer(1);
  },
};
