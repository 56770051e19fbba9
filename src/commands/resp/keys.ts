import { globMatch } from "./glob_match.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `KEYS pattern` → every live key matching the glob `pattern` (see
 * {@linkcode globMatch}), in no particular order. It walks the whole
 * keyspace in one go, as Redis's does; SCAN is the incremental way.
 *
 * @example
 * ```ts
 * keys.run(["KEYS", "user:*"], context); // "*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n"
 * ```
 */
export const keys: RespCommand = {
  name: "KEYS",
  arity: 2,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns all key names that match a pattern.",
  syntax: "pattern",
  run(args, { db, reply }) {
    const pattern = args[1];
    const everything = pattern === "*";
    const found: string[] = [];
    for (const key of db.keys()) {
      if ((everything || globMatch(pattern, key)) && db.get(key) !== undefined) found.push(key);
    }
    reply.bulkArray(found);
  },
};
