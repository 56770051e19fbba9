import type { Command } from "./command.ts";

/**
 * `SET key value` → `+OK` once the write is durable. Like Redis's SET, it
 * clears any expiry the key had.
 *
 * @example
 * ```ts
 * set.run(["SET", "hello", "world"], db, replies);
 * db.commit(); // logs "3SET5hello5world\n"
 * ```
 */
export const set: Command = {
  name: "SET",
  arity: 3,
  usage: "expected 2 arguments KEY and VALUE",
  writes: true,
  run(fields, db, reply) {
    db.set(fields[1], fields[2]);
    reply.ok();
  },
};
