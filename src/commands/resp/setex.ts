import { readExpiry } from "./expire_argument.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * SETEX and PSETEX are SET with EX or PX, the time before the value; they
 * differ only in the unit, so one factory builds both.
 */
function setWithExpiry(name: "SETEX" | "PSETEX", unit: "EX" | "PX", summary: string): RespCommand {
  return {
    name,
    arity: 4,
    writes: true,
    keys: [1, 1, 1],
    summary,
    syntax: `key ${unit === "EX" ? "seconds" : "milliseconds"} value`,
    run(args, { db, reply }) {
      const at = readExpiry(args[2], unit, db.now(), name, reply);
      if (at === null) return;
      db.set(args[1], args[3], at);
      reply.ok();
    },
  };
}

/**
 * `SETEX key seconds value` → `+OK`: sets the value and an expiry `seconds`
 * from now, replacing any earlier expiry. A time that is not positive is
 * `ERR invalid expire time in 'setex' command`.
 *
 * @example
 * ```ts
 * setex.run(["SETEX", "session", "60", "data"], context); // "+OK\r\n"; TTL session → 60
 * ```
 */
export const setex: RespCommand = setWithExpiry(
  "SETEX",
  "EX",
  "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.",
);

/**
 * `PSETEX key milliseconds value`: SETEX in milliseconds.
 *
 * @example
 * ```ts
 * psetex.run(["PSETEX", "session", "1500", "data"], context); // "+OK\r\n"; PTTL → 1500
 * ```
 */
export const psetex: RespCommand = setWithExpiry(
  "PSETEX",
  "PX",
  "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.",
);
