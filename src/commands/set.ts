import { encodeSet } from "../wal/record.ts";
import type { Command } from "./command.ts";

/**
 * `SET key value` → `+OK` once the write is durable.
 *
 * @example
 * ```ts
 * const record = set.run(["SET", "hello", "world"], store, replies);
 * // record === "3SET5hello5world\n"
 * ```
 */
export const set: Command = {
  name: "SET",
  arity: 3,
  usage: "expected 2 arguments KEY and VALUE",
  writes: true,
  run(fields, store, reply) {
    store.set(fields[1], fields[2]);
    reply.ok();
    return encodeSet(fields[1], fields[2]);
  },
};
