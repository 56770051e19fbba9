import { readExpiry } from "./expire_argument.ts";
import type { ExpiryUnit } from "./expiry.ts";
import { SYNTAX_ERROR } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `GETEX key [EX s | PX ms | EXAT s | PXAT ms | PERSIST]` → the value (the
 * null bulk when absent), after giving the key a new expiry (PERSIST: none).
 * A time already past deletes the key, yet its value is still returned.
 *
 * As in Redis, the options are checked for shape first (`ERR syntax error`;
 * repeating the same one is allowed, the last time winning),
 * but the time itself only once the key is known to exist: GETEX of a
 * missing key with `EX 0` answers the null bulk, not an error.
 *
 * @example
 * ```ts
 * getex.run(["GETEX", "session", "EX", "60"], context); // "$4\r\ndata\r\n"; TTL → 60
 * getex.run(["GETEX", "session", "PERSIST"], context); // "$4\r\ndata\r\n"; TTL → -1
 * ```
 */
export const getex: RespCommand = {
  name: "GETEX",
  arity: -2,
  writes: true,
  keys: [1, 1, 1],
  summary: "Returns the string value of a key after setting its expiration time.",
  syntax:
    "key [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | PERSIST]",
  run(args, { db, reply, server }) {
    let option: ExpiryUnit | "PERSIST" | null = null;
    let time = "";
    for (let i = 2; i < args.length; i++) {
      const word = args[i].toUpperCase();
      // Redis lets an option repeat (the last time wins) but not mix with another.
      if (option !== null && word !== option) return reply.error(SYNTAX_ERROR);
      if (word === "PERSIST") {
        option = word;
      } else if (
        (word === "EX" || word === "PX" || word === "EXAT" || word === "PXAT") &&
        i + 1 < args.length
      ) {
        option = word;
        time = args[++i];
      } else {
        return reply.error(SYNTAX_ERROR);
      }
    }
    const key = args[1];
    const value = server.countRead(db.get(key));
    if (value === undefined) return reply.nullBulk();
    if (option === "PERSIST") {
      db.setExpiresAt(key, 0);
    } else if (option !== null) {
      const at = readExpiry(time, option, db.now(), "GETEX", reply);
      if (at === null) return;
      db.setExpiresAt(key, at);
    }
    reply.bulk(value);
  },
};
