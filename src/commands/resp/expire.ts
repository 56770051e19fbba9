import { invalidExpireTime } from "./expiry.ts";
import { NOT_AN_INTEGER, parseInt64, parseInteger } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/** How the four commands read their time argument. */
interface TimeReading {
  /** Milliseconds per unit: 1000 for seconds, 1 for milliseconds. */
  readonly scale: number;
  /** Whether the time is absolute (the *AT forms) or counts from now. */
  readonly absolute: boolean;
}

/**
 * EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT share everything but how they read
 * the time, so they are one factory: parse the Redis 7 conditions (NX: no
 * expiry yet, XX: has one, GT / LT: later / sooner than the current one),
 * then the time, then (only if the key exists and the condition holds) set
 * the expiry; a time already past deletes the key.
 */
function expireCommand(
  name: "EXPIRE" | "PEXPIRE" | "EXPIREAT" | "PEXPIREAT",
  reading: TimeReading,
  summary: string,
): RespCommand {
  const timeName = reading.absolute
    ? (reading.scale === 1 ? "unix-time-milliseconds" : "unix-time-seconds")
    : (reading.scale === 1 ? "milliseconds" : "seconds");
  return {
    name,
    arity: -3,
    writes: true,
    keys: [1, 1, 1],
    summary,
    syntax: `key ${timeName} [NX | XX | GT | LT]`,
    run(args, { db, reply }) {
      let nx = false, xx = false, gt = false, lt = false;
      for (let i = 3; i < args.length; i++) {
        const option = args[i].toUpperCase();
        if (option === "NX") nx = true;
        else if (option === "XX") xx = true;
        else if (option === "GT") gt = true;
        else if (option === "LT") lt = true;
        else return reply.error(`ERR Unsupported option ${args[i]}`);
      }
      if (nx && (xx || gt || lt)) {
        return reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
      }
      if (gt && lt) {
        return reply.error("ERR GT and LT options at the same time are not compatible");
      }

      const amount = parseInteger(args[2]);
      if (amount === null) {
        // A valid 64-bit integer beyond ±2^53 is a time we cannot hold exactly.
        return reply.error(parseInt64(args[2]) !== null ? invalidExpireTime(name) : NOT_AN_INTEGER);
      }
      const at = amount * reading.scale + (reading.absolute ? 0 : db.now());
      if (!Number.isSafeInteger(at)) return reply.error(invalidExpireTime(name));

      const key = args[1];
      const current = db.expiresAt(key); // 0: no expiry, -1: no key
      if (current === -1) return reply.integer(0);
      // A key without an expiry counts as expiring never: GT always fails, LT always holds.
      const blocked = (nx && current !== 0) || (xx && current === 0) ||
        (gt && (current === 0 || at <= current)) || (lt && current !== 0 && at >= current);
      if (blocked) return reply.integer(0);
      // Db.setExpiresAt reads 0 as "no expiry", so times at or before the
      // epoch are deleted here; later past times it deletes itself.
      if (at <= 0) db.delete(key);
      else db.setExpiresAt(key, at);
      reply.integer(1);
    },
  };
}

/**
 * `EXPIRE key seconds [NX | XX | GT | LT]` → 1 when the expiry was set (or
 * the key deleted, for a time not in the future), 0 when the key does not
 * exist or the condition failed.
 *
 * @example
 * ```ts
 * expire.run(["EXPIRE", "session", "60"], context); // ":1\r\n"
 * expire.run(["EXPIRE", "session", "30", "GT"], context); // ":0\r\n": 30 s is sooner
 * ```
 */
export const expire: RespCommand = expireCommand(
  "EXPIRE",
  { scale: 1000, absolute: false },
  "Sets the expiration time of a key in seconds.",
);

/**
 * `PEXPIRE key milliseconds [NX | XX | GT | LT]`: EXPIRE in milliseconds.
 *
 * @example
 * ```ts
 * pexpire.run(["PEXPIRE", "session", "1500"], context); // ":1\r\n"
 * ```
 */
export const pexpire: RespCommand = expireCommand(
  "PEXPIRE",
  { scale: 1, absolute: false },
  "Sets the expiration time of a key in milliseconds.",
);

/**
 * `EXPIREAT key unix-time-seconds [NX | XX | GT | LT]`: EXPIRE at an
 * absolute time.
 *
 * @example
 * ```ts
 * expireat.run(["EXPIREAT", "session", "1893456000"], context); // ":1\r\n"
 * ```
 */
export const expireat: RespCommand = expireCommand(
  "EXPIREAT",
  { scale: 1000, absolute: true },
  "Sets the expiration time of a key to a Unix timestamp.",
);

/**
 * `PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]`: EXPIREAT in
 * milliseconds.
 *
 * @example
 * ```ts
 * pexpireat.run(["PEXPIREAT", "session", "1893456000000"], context); // ":1\r\n"
 * ```
 */
export const pexpireat: RespCommand = expireCommand(
  "PEXPIREAT",
  { scale: 1, absolute: true },
  "Sets the expiration time of a key to a Unix milliseconds timestamp.",
);
