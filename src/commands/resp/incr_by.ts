import { isInt64, NOT_AN_INTEGER, parseInt64, parseInteger } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/** Redis's reply when a counter would leave the integer range. */
const OVERFLOW = "ERR increment or decrement would overflow";

/**
 * INCR, DECR, INCRBY and DECRBY are one operation: read the value as an
 * integer (a missing key counts as 0), add a step, store the result as
 * decimal text keeping the key's expiry, and reply with it. They differ in
 * where the step comes from (1, or the argument) and its sign.
 *
 * Counters have Redis's 64-bit signed range. Numbers do the arithmetic
 * while everything fits in ±(2^53 - 1), the common case; past that, BigInt.
 * A stored value or step outside the range is `ERR value is not an integer
 * or out of range`, a result outside it `ERR increment or decrement would
 * overflow`.
 */
function incrementCommand(
  name: "INCR" | "DECR" | "INCRBY" | "DECRBY",
  sign: 1 | -1,
  summary: string,
): RespCommand {
  const byArgument = name.endsWith("BY");
  return {
    name,
    arity: byArgument ? 3 : 2,
    writes: true,
    keys: [1, 1, 1],
    summary,
    syntax: byArgument ? (sign === 1 ? "key increment" : "key decrement") : "key",
    run(args, { db, reply }) {
      const key = args[1];
      const old = db.get(key);
      const expiresAt = old === undefined ? 0 : db.expiresAt(key);
      const amount = byArgument ? parseInteger(args[2]) : 1;
      const current = old === undefined ? 0 : parseInteger(old);
      if (amount !== null && current !== null) {
        // Both are safe integers, so the sum is exact whenever it is safe itself.
        const result = current + sign * amount;
        if (Number.isSafeInteger(result)) {
          db.set(key, String(result), expiresAt);
          return reply.integer(result);
        }
      }
      const bigAmount = byArgument ? parseInt64(args[2]) : 1n;
      const bigCurrent = old === undefined ? 0n : parseInt64(old);
      if (bigAmount === null || bigCurrent === null) return reply.error(NOT_AN_INTEGER);
      // Redis cannot negate the smallest 64-bit integer, and says so.
      if (sign === -1 && bigAmount === -(2n ** 63n)) {
        return reply.error("ERR decrement would overflow");
      }
      const result = bigCurrent + BigInt(sign) * bigAmount;
      if (!isInt64(result)) return reply.error(OVERFLOW);
      db.set(key, String(result), expiresAt);
      reply.integer(result);
    },
  };
}

/**
 * `INCR key` → the value plus one; a missing key starts from 0. The expiry
 * is kept.
 *
 * @example
 * ```ts
 * incr.run(["INCR", "visits"], context); // ":1\r\n" the first time
 * ```
 */
export const incr: RespCommand = incrementCommand(
  "INCR",
  1,
  "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
);

/**
 * `DECR key` → the value minus one; a missing key starts from 0.
 *
 * @example
 * ```ts
 * decr.run(["DECR", "stock"], context); // ":9\r\n" when stock was "10"
 * ```
 */
export const decr: RespCommand = incrementCommand(
  "DECR",
  -1,
  "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.",
);

/**
 * `INCRBY key increment` → the value plus `increment` (which may be
 * negative).
 *
 * @example
 * ```ts
 * incrby.run(["INCRBY", "score", "5"], context); // ":15\r\n" when score was "10"
 * ```
 */
export const incrby: RespCommand = incrementCommand(
  "INCRBY",
  1,
  "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.",
);

/**
 * `DECRBY key decrement` → the value minus `decrement`.
 *
 * @example
 * ```ts
 * decrby.run(["DECRBY", "score", "5"], context); // ":5\r\n" when score was "10"
 * ```
 */
export const decrby: RespCommand = incrementCommand(
  "DECRBY",
  -1,
  "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.",
);
