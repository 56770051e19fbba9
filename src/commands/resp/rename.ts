import type { RespCommand } from "./resp_command.ts";

/**
 * RENAME and RENAMENX share the move; RENAMENX adds the refusal to replace
 * an existing key and answers with an integer instead of `+OK`.
 *
 * The move is a delete of the source and a set of the destination with the
 * source's value and expiry, two changes the dispatcher commits as one WAL
 * record, so a crash never leaves both keys or neither.
 */
function renameCommand(name: "RENAME" | "RENAMENX", summary: string): RespCommand {
  const onlyIfNew = name === "RENAMENX";
  return {
    name,
    arity: 3,
    writes: true,
    keys: [1, 2, 1],
    summary,
    syntax: "key newkey",
    run(args, { db, reply }) {
      const source = args[1];
      const destination = args[2];
      const value = db.get(source);
      if (value === undefined) return reply.error("ERR no such key");
      if (source === destination) return onlyIfNew ? reply.integer(0) : reply.ok();
      if (onlyIfNew && db.get(destination) !== undefined) return reply.integer(0);
      const expiresAt = db.expiresAt(source);
      db.delete(source);
      db.set(destination, value, expiresAt);
      if (onlyIfNew) reply.integer(1);
      else reply.ok();
    },
  };
}

/**
 * `RENAME key newkey` → `+OK`, replacing `newkey` if it exists; the key keeps
 * its expiry. `ERR no such key` when `key` does not exist.
 *
 * @example
 * ```ts
 * rename.run(["RENAME", "draft", "final"], context); // "+OK\r\n"
 * ```
 */
export const rename: RespCommand = renameCommand(
  "RENAME",
  "Renames a key and overwrites the destination.",
);

/**
 * `RENAMENX key newkey` → 1 when renamed, 0 when `newkey` already exists
 * (or is `key` itself); `ERR no such key` when `key` does not exist.
 *
 * @example
 * ```ts
 * renamenx.run(["RENAMENX", "draft", "final"], context); // ":0\r\n" if final exists
 * ```
 */
export const renamenx: RespCommand = renameCommand(
  "RENAMENX",
  "Renames a key only when the target key name doesn't exist.",
);
