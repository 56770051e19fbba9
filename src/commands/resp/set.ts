import { readExpiry } from "./expire_argument.ts";
import type { ExpiryUnit } from "./expiry.ts";
import { SYNTAX_ERROR } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]`
 * → `+OK`; the null bulk when NX/XX stopped it; with GET, the old value.
 *
 * @example
 * ```ts
 * set.run(["SET", "k", "v", "EX", "10"], context); // "+OK\r\n", expires in 10 s
 * ```
 */
export const set: RespCommand = {
  name: "SET",
  arity: -3,
  writes: true,
  keys: [1, 1, 1],
  summary:
    "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.",
  syntax:
    "key value [NX | XX] [GET] [EX seconds | PX milliseconds | EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]",
  run(args, { db, reply }) {
    const key = args[1];
    const value = args[2];
    if (args.length === 3) {
      db.set(key, value);
      return reply.ok();
    }
    // Redis's rules: an option may repeat (the last time wins) but not
    // contradict another (NX with XX, or two different expiry options).
    let condition: "NX" | "XX" | null = null;
    let get = false;
    let unit: ExpiryUnit | "KEEPTTL" | null = null;
    let amount = "";
    for (let i = 3; i < args.length; i++) {
      const option = args[i].toUpperCase();
      if ((option === "NX" || option === "XX") && (condition ?? option) === option) {
        condition = option;
      } else if (option === "GET") {
        get = true;
      } else if (option === "KEEPTTL" && (unit ?? option) === option) {
        unit = option;
      } else if (
        (option === "EX" || option === "PX" || option === "EXAT" || option === "PXAT") &&
        (unit ?? option) === option && i + 1 < args.length
      ) {
        unit = option;
        amount = args[++i];
      } else {
        return reply.error(SYNTAX_ERROR);
      }
    }
    let expiresAt = 0;
    if (unit !== null && unit !== "KEEPTTL") {
      const at = readExpiry(amount, unit, db.now(), "set", reply);
      if (at === null) return;
      expiresAt = at;
    }
    const old = db.get(key);
    if (unit === "KEEPTTL" && old !== undefined) expiresAt = db.expiresAt(key);
    const blocked = (condition === "NX" && old !== undefined) ||
      (condition === "XX" && old === undefined);
    if (!blocked) db.set(key, value, expiresAt);
    if (get) reply.bulkOrNull(old);
    else if (blocked) reply.nullBulk();
    else reply.ok();
  },
};
