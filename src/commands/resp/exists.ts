import type { RespCommand } from "./resp_command.ts";

/**
 * `EXISTS key [key ...]` → how many of the named keys exist, counting a key
 * named twice twice, as Redis does (so `EXISTS k k` answers 2).
 *
 * @example
 * ```ts
 * exists.run(["EXISTS", "k", "k", "missing"], context); // ":2\r\n" if k exists
 * ```
 */
export const exists: RespCommand = {
  name: "EXISTS",
  arity: -2,
  writes: false,
  keys: [1, -1, 1],
  summary: "Determines whether one or more keys exist.",
  syntax: "key [key ...]",
  run(args, { db, reply }) {
    let found = 0;
    for (let i = 1; i < args.length; i++) if (db.get(args[i]) !== undefined) found++;
    reply.integer(found);
  },
};
