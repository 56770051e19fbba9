import type { Command } from "./command.ts";

/**
 * `DEL key` → `+OK`, whether or not the key was there. Deleting an absent
 * key changes nothing, so nothing is logged for it.
 *
 * @example
 * ```ts
 * del.run(["DEL", "hello"], db, replies);
 * db.commit(); // logs "3DEL5hello\n" if it existed
 * ```
 */
export const del: Command = {
  name: "DEL",
  arity: 2,
  usage: "expected 1 argument KEY",
  writes: true,
  run(fields, db, reply) {
    db.delete(fields[1]);
    reply.ok();
  },
};
