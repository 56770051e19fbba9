import type { Command } from "./command.ts";

/**
 * `GET key` → `+OK value`, or `-GET could not find key in store`.
 *
 * @example
 * ```ts
 * get.run(["GET", "hello"], db, replies);
 * ```
 */
export const get: Command = {
  name: "GET",
  arity: 2,
  usage: "expected 1 argument KEY",
  writes: false,
  run(fields, db, reply) {
    const value = db.get(fields[1]);
    if (value === undefined) reply.missing(get.name, fields[1]);
    else reply.value(value);
  },
};
