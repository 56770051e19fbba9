import type { RespCommand } from "./resp_command.ts";

/**
 * DEL and UNLINK differ in Redis only in whether the memory is freed in the
 * background; here freeing is the garbage collector's business either way,
 * so both are this one command under two names.
 */
function deleteCommand(name: "DEL" | "UNLINK", summary: string): RespCommand {
  return {
    name,
    arity: -2,
    writes: true,
    keys: [1, -1, 1],
    summary,
    syntax: "key [key ...]",
    run(args, { db, reply }) {
      let deleted = 0;
      for (let i = 1; i < args.length; i++) if (db.delete(args[i])) deleted++;
      reply.integer(deleted);
    },
  };
}

/**
 * `DEL key [key ...]` → how many of the keys existed (each counted once).
 * Several keys become one WAL record, so a crash keeps all or none.
 *
 * @example
 * ```ts
 * del.run(["DEL", "a", "b", "a"], context); // ":2\r\n" if a and b existed
 * ```
 */
export const del: RespCommand = deleteCommand("DEL", "Deletes one or more keys.");

/**
 * `UNLINK key [key ...]`: DEL by another name, which clients that prefer
 * non-blocking deletes send.
 *
 * @example
 * ```ts
 * unlink.run(["UNLINK", "a"], context); // ":1\r\n" if a existed
 * ```
 */
export const unlink: RespCommand = deleteCommand(
  "UNLINK",
  "Asynchronously deletes one or more keys.",
);
