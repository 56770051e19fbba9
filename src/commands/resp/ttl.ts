import type { RespCommand } from "./resp_command.ts";

/** TTL and PTTL differ only in the unit of the answer. */
function timeToLiveCommand(name: "TTL" | "PTTL", summary: string): RespCommand {
  const inSeconds = name === "TTL";
  return {
    name,
    arity: 2,
    writes: false,
    keys: [1, 1, 1],
    summary,
    syntax: "key",
    run(args, { db, reply }) {
      const expiresAt = db.expiresAt(args[1]);
      if (expiresAt <= 0) return reply.integer(expiresAt === 0 ? -1 : -2);
      const left = Math.max(0, expiresAt - db.now());
      // Redis rounds to the nearest second, so a fresh `EXPIRE k 10` reads 10.
      reply.integer(inSeconds ? Math.floor((left + 500) / 1000) : left);
    },
  };
}

/**
 * `TTL key` → seconds left (rounded to the nearest), -1 when the key has no
 * expiry, -2 when it does not exist.
 *
 * @example
 * ```ts
 * ttl.run(["TTL", "session"], context); // ":10\r\n" just after EXPIRE session 10
 * ```
 */
export const ttl: RespCommand = timeToLiveCommand(
  "TTL",
  "Returns the expiration time in seconds of a key.",
);

/**
 * `PTTL key` → milliseconds left, -1 when the key has no expiry, -2 when it
 * does not exist.
 *
 * @example
 * ```ts
 * pttl.run(["PTTL", "session"], context); // ":9998\r\n" two ms after PEXPIRE session 10000
 * ```
 */
export const pttl: RespCommand = timeToLiveCommand(
  "PTTL",
  "Returns the expiration time in milliseconds of a key.",
);
