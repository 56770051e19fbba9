import { encodeDel } from "../wal/record.ts";
import type { Command } from "./command.ts";

/**
 * `DEL key` → `+OK`, whether or not the key was there. Deleting an absent
 * key changes nothing, so nothing is logged for it.
 *
 * @example
 * ```ts
 * del.run(["DEL", "hello"], store, replies); // "3DEL5hello\n" if it existed
 * ```
 */
export const del: Command = {
  name: "DEL",
  arity: 2,
  usage: "expected 1 argument KEY",
  writes: true,
  run(fields, store, reply) {
    const existed = store.delete(fields[1]);
    reply.ok();
    return existed ? encodeDel(fields[1]) : null;
  },
};
