import type { RespCommand } from "./resp_command.ts";

/**
 * `PERSIST key` → 1 when the key's expiry was removed; 0 when the key does
 * not exist or had none (nothing changes then, so nothing is logged).
 *
 * @example
 * ```ts
 * persist.run(["PERSIST", "session"], context); // ":1\r\n"; TTL session is now -1
 * ```
 */
export const persist: RespCommand = {
  name: "PERSIST",
  arity: 2,
  writes: true,
  keys: [1, 1, 1],
  summary: "Removes the expiration time of a key.",
  syntax: "key",
  run(args, { db, reply }) {
    if (db.expiresAt(args[1]) <= 0) return reply.integer(0);
    db.setExpiresAt(args[1], 0);
    reply.integer(1);
  },
};
