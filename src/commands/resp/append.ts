import type { RespCommand } from "./resp_command.ts";

/**
 * `APPEND key value` → the length of the value after appending; a missing
 * key is created holding `value`. The key's expiry is kept. A result longer
 * than `--max-bulk` (Redis's `proto-max-bulk-len`) is refused, as in Redis,
 * since no client could send such a value back either.
 *
 * @example
 * ```ts
 * append.run(["APPEND", "log", "b"], context); // ":2\r\n" when log was "a"
 * ```
 */
export const append: RespCommand = {
  name: "APPEND",
  arity: 3,
  writes: true,
  keys: [1, 1, 1],
  summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.",
  syntax: "key value",
  run(args, { db, reply, server }) {
    const key = args[1];
    const old = db.get(key);
    if (old === undefined) {
      db.set(key, args[2]);
      return reply.integer(args[2].length);
    }
    const length = old.length + args[2].length;
    if (length > server.config.maxBulkBytes) {
      return reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
    }
    db.set(key, old + args[2], db.expiresAt(key));
    reply.integer(length);
  },
};
