import {
  INT64_MAX,
  INT64_MIN,
  invalidExpireTime,
  LATEST_EXPIRY,
  NOT_AN_INTEGER,
  parseInt64,
  parseInteger,
} from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";

/** How the four commands read their time argument. */
interface TimeReading {
  /** Milliseconds per unit: 1000 for seconds, 1 for milliseconds. */
  readonly scale: number;
  /** Whether the time is absolute (the *AT forms) or counts from now. */
  readonly absolute: boolean;
}

/**
 * The expiry `amount` in `reading`'s unit means, by Redis's 64-bit
 * arithmetic (`expireGenericCommand`): `null` where Redis refuses it as
 * overflowing, else the time, kept within ±{@linkcode LATEST_EXPIRY} as SET
 * keeps its times (a key that far out expires no sooner in practice).
 */
function expiryTime(amount: bigint, reading: TimeReading, now: number): number | null {
  let when = amount;
  if (reading.scale === 1000) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) return null;
    when *= 1000n;
  }
  const base = reading.absolute ? 0n : BigInt(now);
  if (when > INT64_MAX - base) return null;
  when += base;
  if (when > BigInt(LATEST_EXPIRY)) return LATEST_EXPIRY;
  if (when < -BigInt(LATEST_EXPIRY)) return -LATEST_EXPIRY;
  return Number(when);
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
): Run {
  return (args, { db, reply }) => {
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

    const small = parseInteger(args[2]);
    let at = small === null ? NaN : small * reading.scale + (reading.absolute ? 0 : db.now());
    if (!Number.isSafeInteger(at)) {
      const amount = parseInt64(args[2]);
      if (amount === null) return reply.error(NOT_AN_INTEGER);
      const exact = expiryTime(amount, reading, db.now());
      if (exact === null) return reply.error(invalidExpireTime(name));
      at = exact;
    }

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
  };
}

/**
 * `EXPIRE key seconds [NX | XX | GT | LT]` → 1 when the expiry was set (or
 * the key deleted, for a time not in the future), 0 when the key does not
 * exist or the condition failed.
 *
 * @example
 * ```ts
 * expire(["EXPIRE", "session", "60"], context); // ":1\r\n"
 * expire(["EXPIRE", "session", "30", "GT"], context); // ":0\r\n": 30 s is sooner
 * ```
 */
export const expire: Run = expireCommand("EXPIRE", { scale: 1000, absolute: false });

/**
 * `PEXPIRE key milliseconds [NX | XX | GT | LT]`: EXPIRE in milliseconds.
 *
 * @example
 * ```ts
 * pexpire(["PEXPIRE", "session", "1500"], context); // ":1\r\n"
 * ```
 */
export const pexpire: Run = expireCommand("PEXPIRE", { scale: 1, absolute: false });

/**
 * `EXPIREAT key unix-time-seconds [NX | XX | GT | LT]`: EXPIRE at an
 * absolute time.
 *
 * @example
 * ```ts
 * expireat(["EXPIREAT", "session", "1893456000"], context); // ":1\r\n"
 * ```
 */
export const expireat: Run = expireCommand("EXPIREAT", { scale: 1000, absolute: true });

/**
 * `PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]`: EXPIREAT in
 * milliseconds.
 *
 * @example
 * ```ts
 * pexpireat(["PEXPIREAT", "session", "1893456000000"], context); // ":1\r\n"
 * ```
 */
export const pexpireat: Run = expireCommand("PEXPIREAT", { scale: 1, absolute: true });

/** TTL and PTTL differ only in the unit of the answer. */
function timeToLiveCommand(name: "TTL" | "PTTL"): Run {
  const inSeconds = name === "TTL";
  return (args, { db, reply }) => {
    const expiresAt = db.expiresAt(args[1]);
    if (expiresAt <= 0) return reply.integer(expiresAt === 0 ? -1 : -2);
    const left = Math.max(0, expiresAt - db.now());
    // Redis rounds to the nearest second, so a fresh `EXPIRE k 10` reads 10.
    reply.integer(inSeconds ? Math.floor((left + 500) / 1000) : left);
  };
}

/**
 * `TTL key` → seconds left (rounded to the nearest), -1 when the key has no
 * expiry, -2 when it does not exist.
 *
 * @example
 * ```ts
 * ttl(["TTL", "session"], context); // ":10\r\n" just after EXPIRE session 10
 * ```
 */
export const ttl: Run = timeToLiveCommand("TTL");

/**
 * `PTTL key` → milliseconds left, -1 when the key has no expiry, -2 when it
 * does not exist.
 *
 * @example
 * ```ts
 * pttl(["PTTL", "session"], context); // ":9998\r\n" two ms after PEXPIRE session 10000
 * ```
 */
export const pttl: Run = timeToLiveCommand("PTTL");

/**
 * `PERSIST key` → 1 when the key's expiry was removed; 0 when the key does
 * not exist or had none (nothing changes then, so nothing is logged).
 *
 * @example
 * ```ts
 * persist(["PERSIST", "session"], context); // ":1\r\n"; TTL session is now -1
 * ```
 */
export function persist(args: string[], { db, reply }: Context): void {
  if (db.expiresAt(args[1]) <= 0) return reply.integer(0);
  db.setExpiresAt(args[1], 0);
  reply.integer(1);
}

/** EXPIRETIME and PEXPIRETIME differ only in the unit of the answer. */
function expireTimeCommand(name: "EXPIRETIME" | "PEXPIRETIME"): Run {
  const inSeconds = name === "EXPIRETIME";
  return (args, { db, reply }) => {
    const expiresAt = db.expiresAt(args[1]);
    if (expiresAt <= 0) return reply.integer(expiresAt === 0 ? -1 : -2);
    // Redis rounds to the nearest second here too, as TTL does.
    reply.integer(inSeconds ? Math.floor((expiresAt + 500) / 1000) : expiresAt);
  };
}

/**
 * `EXPIRETIME key` → the Unix time in seconds (rounded to the nearest) at
 * which the key expires, -1 when it has no expiry, -2 when it does not exist.
 *
 * @example
 * ```ts
 * expiretime(["EXPIRETIME", "session"], context); // ":1893456000\r\n" after PEXPIREAT session 1893456000000
 * ```
 */
export const expiretime: Run = expireTimeCommand("EXPIRETIME");

/**
 * `PEXPIRETIME key`: EXPIRETIME in milliseconds.
 *
 * @example
 * ```ts
 * pexpiretime(["PEXPIRETIME", "session"], context); // ":1893456000000\r\n"
 * ```
 */
export const pexpiretime: Run = expireTimeCommand("PEXPIRETIME");
