import { type ExpiryUnit, readExpiry, SYNTAX_ERROR } from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";

/**
 * `GET key` → the value as a bulk string, or the null bulk when absent.
 *
 * @example
 * ```ts
 * get(["GET", "hello"], context); // "$5\r\nworld\r\n"
 * ```
 */
export function get(args: string[], { db, reply }: Context): void {
  reply.bulkOrNull(db.get(args[1]));
}

/**
 * `SET key value [NX | XX] [GET] [EX s | PX ms | EXAT s | PXAT ms | KEEPTTL]`
 * → `+OK`; the null bulk when NX/XX stopped it; with GET, the old value.
 *
 * @example
 * ```ts
 * set(["SET", "k", "v", "EX", "10"], context); // "+OK\r\n", expires in 10 s
 * ```
 */
export function set(args: string[], { db, reply }: Context): void {
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
  // Only GET reads the old value (a key of another type is WRONGTYPE then);
  // NX, XX and KEEPTTL ask whether the key exists, of any type.
  const old = get ? db.get(key) : undefined;
  const exists = db.exists(key);
  if (unit === "KEEPTTL" && exists) expiresAt = db.expiresAt(key);
  const blocked = (condition === "NX" && exists) || (condition === "XX" && !exists);
  if (!blocked) db.set(key, value, expiresAt);
  if (get) reply.bulkOrNull(old);
  else if (blocked) reply.nullBulk();
  else reply.ok();
}

/**
 * `SETNX key value` → 1 when the key was absent and is now set (with no
 * expiry), 0 when it already existed and nothing changed. The oldest way to
 * take a lock; SET with NX does the same and more.
 *
 * @example
 * ```ts
 * setnx(["SETNX", "lock", "me"], context); // ":1\r\n"
 * setnx(["SETNX", "lock", "you"], context); // ":0\r\n"; still "me"
 * ```
 */
export function setnx(args: string[], { db, reply }: Context): void {
  if (db.exists(args[1])) return reply.integer(0);
  db.set(args[1], args[2]);
  reply.integer(1);
}

/**
 * SETEX and PSETEX are SET with EX or PX, the time before the value; they
 * differ only in the unit, so one factory builds both.
 */
function setWithExpiry(name: "SETEX" | "PSETEX", unit: "EX" | "PX"): Run {
  return (args, { db, reply }) => {
    const at = readExpiry(args[2], unit, db.now(), name, reply);
    if (at === null) return;
    db.set(args[1], args[3], at);
    reply.ok();
  };
}

/**
 * `SETEX key seconds value` → `+OK`: sets the value and an expiry `seconds`
 * from now, replacing any earlier expiry. A time that is not positive is
 * `ERR invalid expire time in 'setex' command`.
 *
 * @example
 * ```ts
 * setex(["SETEX", "session", "60", "data"], context); // "+OK\r\n"; TTL session → 60
 * ```
 */
export const setex: Run = setWithExpiry("SETEX", "EX");

/**
 * `PSETEX key milliseconds value`: SETEX in milliseconds.
 *
 * @example
 * ```ts
 * psetex(["PSETEX", "session", "1500", "data"], context); // "+OK\r\n"; PTTL → 1500
 * ```
 */
export const psetex: Run = setWithExpiry("PSETEX", "PX");

/**
 * `GETSET key value` → the old value (the null bulk when there was none),
 * after storing the new one. Like SET, it drops any expiry the key had.
 *
 * @example
 * ```ts
 * getset(["GETSET", "counter", "0"], context); // "$2\r\n41\r\n"; counter is now "0"
 * ```
 */
export function getset(args: string[], { db, reply, server }: Context): void {
  const old = db.get(args[1]);
  server.databases.reads.saw(old);
  db.set(args[1], args[2]);
  reply.bulkOrNull(old);
}

/**
 * `GETDEL key` → the value, and the key is gone; the null bulk when there
 * was no key (and nothing is logged). Takes a one-shot value, such as a
 * token, without a race between GET and DEL.
 *
 * @example
 * ```ts
 * getdel(["GETDEL", "token"], context); // "$3\r\nabc\r\n"; token no longer exists
 * ```
 */
export function getdel(args: string[], { db, reply, server }: Context): void {
  const value = db.get(args[1]);
  server.databases.reads.saw(value);
  if (value === undefined) return reply.nullBulk();
  db.delete(args[1]);
  reply.bulk(value);
}

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
 * getex(["GETEX", "session", "EX", "60"], context); // "$4\r\ndata\r\n"; TTL → 60
 * getex(["GETEX", "session", "PERSIST"], context); // "$4\r\ndata\r\n"; TTL → -1
 * ```
 */
export function getex(args: string[], { db, reply, server }: Context): void {
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
  const value = db.get(key);
  server.databases.reads.saw(value);
  if (value === undefined) return reply.nullBulk();
  if (option === "PERSIST") {
    db.setExpiresAt(key, 0);
  } else if (option !== null) {
    const at = readExpiry(time, option, db.now(), "GETEX", reply);
    if (at === null) return;
    db.setExpiresAt(key, at);
  }
  reply.bulk(value);
}

/**
 * `MGET key [key ...]` → an array with each key's value, the null bulk for
 * a key that does not exist; one round trip for many GETs.
 *
 * @example
 * ```ts
 * mget(["MGET", "a", "missing"], context); // "*2\r\n$1\r\n1\r\n$-1\r\n"
 * ```
 */
export function mget(args: string[], { db, reply }: Context): void {
  reply.array(args.length - 1);
  for (let i = 1; i < args.length; i++) {
    // A key of another type is nil here, as in Redis, not WRONGTYPE.
    const value = db.value(args[i]);
    reply.bulkOrNull(typeof value === "string" ? value : undefined);
  }
}

/**
 * `MSET key value [key value ...]` → `+OK`, every pair set as by SET (any
 * expiry dropped; a repeated key keeps its last value). All the pairs are
 * one WAL record, so after a crash either all of them are there or none.
 *
 * @example
 * ```ts
 * mset(["MSET", "a", "1", "b", "2"], context); // "+OK\r\n"
 * ```
 */
export function mset(args: string[], { db, reply }: Context): void {
  if (args.length % 2 === 0) {
    return reply.error("ERR wrong number of arguments for 'mset' command");
  }
  for (let i = 1; i < args.length; i += 2) db.set(args[i], args[i + 1]);
  reply.ok();
}

/**
 * `MSETNX key value [key value ...]` → 1 when none of the keys existed and
 * all are now set; 0, with nothing changed, when any one of them existed.
 * Claims a group of keys together, as one WAL record.
 *
 * @example
 * ```ts
 * msetnx(["MSETNX", "a", "1", "b", "2"], context); // ":1\r\n"
 * msetnx(["MSETNX", "b", "3", "c", "4"], context); // ":0\r\n"; c is not set
 * ```
 */
export function msetnx(args: string[], { db, reply }: Context): void {
  if (args.length % 2 === 0) {
    return reply.error("ERR wrong number of arguments for 'msetnx' command");
  }
  for (let i = 1; i < args.length; i += 2) {
    if (db.exists(args[i])) return reply.integer(0);
  }
  for (let i = 1; i < args.length; i += 2) db.set(args[i], args[i + 1]);
  reply.integer(1);
}

/**
 * `APPEND key value` → the length of the value after appending; a missing
 * key is created holding `value`. The key's expiry is kept. A result longer
 * than `--max-bulk` (Redis's `proto-max-bulk-len`) is refused, as in Redis,
 * since no client could send such a value back either.
 *
 * @example
 * ```ts
 * append(["APPEND", "log", "b"], context); // ":2\r\n" when log was "a"
 * ```
 */
export function append(args: string[], { db, reply, server }: Context): void {
  const key = args[1];
  const old = db.get(key);
  if (old === undefined) {
    db.set(key, args[2]);
    return reply.integer(args[2].length);
  }
  const length = old.length + args[2].length;
  if (length > server.config.maxBulkBytes) {
    return reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  db.set(key, old + args[2], db.expiresAt(key));
  reply.integer(length);
}

/**
 * `STRLEN key` → the value's length in bytes; 0 when the key does not exist.
 *
 * @example
 * ```ts
 * strlen(["STRLEN", "greeting"], context); // ":5\r\n" for "hello"
 * ```
 */
export function strlen(args: string[], { db, reply }: Context): void {
  reply.integer(db.get(args[1])?.length ?? 0);
}
