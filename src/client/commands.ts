import type { Argument, Reply } from "./reply.ts";

/**
 * How a command is sent and its reply read: what a helper tells
 * {@linkcode Commands.call}.
 *
 * @example
 * ```ts
 * // Inside a helper: bytes back, and safe to send again after a lost connection.
 * const options: CallOptions = { binary: true, readOnly: true };
 * ```
 */
export interface CallOptions {
  /** Bulk strings as `Uint8Array` rather than UTF-8 strings. */
  binary?: boolean;
  /** Safe to send again after the connection was lost before it was answered. */
  readOnly?: boolean;
  /** A blocking command's own timeout in seconds (0: for ever), added to the command timeout. */
  block?: number;
}

/**
 * Turns a command's reply (never an error reply) into what its helper returns.
 *
 * @example
 * ```ts
 * const count: Decode<number> = (reply) => Number(reply);
 * ```
 */
export type Decode<T> = (reply: Reply) => T;

/**
 * SET's options: at most one expiry, at most one condition.
 *
 * @example
 * ```ts
 * import type { SetOptions } from "./mod.ts";
 *
 * const once: SetOptions = { ex: 60, nx: true }; // SET key value EX 60 NX
 * ```
 */
export interface SetOptions {
  /** Expire after this many seconds (EX). */
  ex?: number;
  /** Expire after this many milliseconds (PX). */
  px?: number;
  /** Expire at this Unix time in seconds (EXAT). */
  exat?: number;
  /** Expire at this Unix time in milliseconds (PXAT). */
  pxat?: number;
  /** Keep the key's time to live (KEEPTTL). */
  keepTtl?: boolean;
  /** Only set a key that does not exist (NX). */
  nx?: boolean;
  /** Only set a key that exists (XX). */
  xx?: boolean;
}

/**
 * A sorted-set member with its score, as ZADD takes and ZRANGE … WITHSCORES gives.
 *
 * @example
 * ```ts
 * import type { ScoredMember } from "./mod.ts";
 *
 * const entry: ScoredMember = { member: "ada", score: 10 };
 * ```
 */
export interface ScoredMember {
  /** The member. */
  member: string;
  /** Its score; `Infinity` and `-Infinity` are scores too. */
  score: number;
}

/**
 * The typed helpers every command sender shares: {@linkcode WalkvClient}
 * sends each at once, {@linkcode Pipeline} and {@linkcode Transaction}
 * collect them for one write. Each helper is one Redis command with its reply
 * decoded to a plain TypeScript value (the same value over RESP2 and RESP3);
 * an error reply rejects it with a {@linkcode WalkvError}. Anything without a
 * helper is reachable through `send`.
 *
 * Integers come back as `number`; a helper whose integer reply is beyond
 * 2^53 rejects with a `RangeError` rather than round it (`send` gives such an
 * integer as a `bigint`).
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * await client.hset("user:1", { name: "Ada", visits: 1 });
 * await client.hincrBy("user:1", "visits", 1);
 * await client.hgetall("user:1"); // { name: "Ada", visits: "2" }
 * ```
 */
export abstract class Commands {
  /**
   * Sends (or collects) one command and decodes its reply: what each
   * subclass means by "call". Every helper is one call.
   */
  protected abstract call<T>(
    args: readonly Argument[],
    decode: Decode<T>,
    options?: CallOptions,
  ): Promise<T>;

  /**
   * Any command, by its arguments; the reply decoded as {@linkcode Reply}
   * says, bulk strings as UTF-8 strings.
   *
   * @example
   * ```ts
   * await client.send("OBJECT", "ENCODING", "user:1"); // "listpack"
   * ```
   */
  send(...args: Argument[]): Promise<Reply> {
    return this.call(args, same);
  }

  /**
   * Any command, with bulk strings (however deep) as `Uint8Array`s: for
   * values that are not UTF-8 text.
   *
   * @example
   * ```ts
   * await client.sendBinary("LRANGE", "frames", 0, -1); // [Uint8Array, …]
   * ```
   */
  sendBinary(...args: Argument[]): Promise<Reply> {
    return this.call(args, same, { binary: true });
  }

  // Connection and server.

  /** PING: `"PONG"`, or `message` echoed. */
  ping(message?: Argument): Promise<string> {
    return this.call(message === undefined ? ["PING"] : ["PING", message], text, {
      readOnly: true,
    });
  }

  /** DBSIZE: how many keys the selected database holds. */
  dbsize(): Promise<number> {
    return this.call(["DBSIZE"], integer, { readOnly: true });
  }

  /** FLUSHDB: empties the selected database. */
  flushdb(): Promise<void> {
    return this.call(["FLUSHDB"], ok);
  }

  /** INFO: the server's report, all of it or one `section`. */
  info(section?: string): Promise<string> {
    return this.call(section === undefined ? ["INFO"] : ["INFO", section], text, {
      readOnly: true,
    });
  }

  // Strings.

  /** GET: the value as UTF-8 text, or `null` when there is none. */
  get(key: Argument): Promise<string | null> {
    return this.call(["GET", key], nullableText, { readOnly: true });
  }

  /** GET: the value's bytes as they are, or `null` when there is none. */
  getBytes(key: Argument): Promise<Uint8Array | null> {
    return this.call(["GET", key], nullableBytes, { binary: true, readOnly: true });
  }

  /**
   * SET, with its options: `true` once stored, `false` when `nx` or `xx`
   * kept it from being stored.
   *
   * @example
   * ```ts
   * await client.set("session", token, { ex: 60, nx: true }); // true the first time
   * ```
   */
  set(key: Argument, value: Argument, options: SetOptions = {}): Promise<boolean> {
    const args: Argument[] = ["SET", key, value];
    if (options.ex !== undefined) args.push("EX", options.ex);
    if (options.px !== undefined) args.push("PX", options.px);
    if (options.exat !== undefined) args.push("EXAT", options.exat);
    if (options.pxat !== undefined) args.push("PXAT", options.pxat);
    if (options.keepTtl) args.push("KEEPTTL");
    if (options.nx) args.push("NX");
    if (options.xx) args.push("XX");
    return this.call(args, stored);
  }

  /** GETDEL: the value, deleting the key, or `null` when there was none. */
  getDel(key: Argument): Promise<string | null> {
    return this.call(["GETDEL", key], nullableText);
  }

  /** MGET: each key's value, `null` for the missing ones. */
  mget(...keys: Argument[]): Promise<(string | null)[]> {
    return this.call(["MGET", ...keys], nullableTexts, { readOnly: true });
  }

  /** MSET: every key of `values` set to its value, at once. */
  mset(values: Readonly<Record<string, Argument>>): Promise<void> {
    return this.call(["MSET", ...Object.entries(values).flat()], ok);
  }

  /** INCR: the value plus one. */
  incr(key: Argument): Promise<number> {
    return this.call(["INCR", key], integer);
  }

  /** INCRBY: the value plus `increment`. */
  incrBy(key: Argument, increment: number | bigint): Promise<number> {
    return this.call(["INCRBY", key, increment], integer);
  }

  /** INCRBYFLOAT: the value plus `increment`, a float. */
  incrByFloat(key: Argument, increment: number): Promise<number> {
    return this.call(["INCRBYFLOAT", key, increment], float);
  }

  /** DECR: the value minus one. */
  decr(key: Argument): Promise<number> {
    return this.call(["DECR", key], integer);
  }

  /** DECRBY: the value minus `decrement`. */
  decrBy(key: Argument, decrement: number | bigint): Promise<number> {
    return this.call(["DECRBY", key, decrement], integer);
  }

  /** APPEND: the value's length after appending `value`. */
  append(key: Argument, value: Argument): Promise<number> {
    return this.call(["APPEND", key, value], integer);
  }

  /** STRLEN: the value's length in bytes, 0 when there is none. */
  strlen(key: Argument): Promise<number> {
    return this.call(["STRLEN", key], integer, { readOnly: true });
  }

  // Keys.

  /** DEL: how many of `keys` existed and were deleted. */
  del(...keys: Argument[]): Promise<number> {
    return this.call(["DEL", ...keys], integer);
  }

  /** EXISTS: how many of `keys` exist (a key named twice counts twice). */
  exists(...keys: Argument[]): Promise<number> {
    return this.call(["EXISTS", ...keys], integer, { readOnly: true });
  }

  /** EXPIRE: `true` if the key exists and now expires in `seconds`. */
  expire(key: Argument, seconds: number): Promise<boolean> {
    return this.call(["EXPIRE", key, seconds], flag);
  }

  /** PEXPIRE: `true` if the key exists and now expires in `milliseconds`. */
  pexpire(key: Argument, milliseconds: number): Promise<boolean> {
    return this.call(["PEXPIRE", key, milliseconds], flag);
  }

  /** TTL: seconds left; -1 for a key that does not expire, -2 for none. */
  ttl(key: Argument): Promise<number> {
    return this.call(["TTL", key], integer, { readOnly: true });
  }

  /** PTTL: milliseconds left; -1 for a key that does not expire, -2 for none. */
  pttl(key: Argument): Promise<number> {
    return this.call(["PTTL", key], integer, { readOnly: true });
  }

  /** PERSIST: `true` if the key had a time to live and now has none. */
  persist(key: Argument): Promise<boolean> {
    return this.call(["PERSIST", key], flag);
  }

  /** TYPE: `"string"`, `"hash"`, `"list"`, `"set"`, `"zset"`, or `"none"`. */
  type(key: Argument): Promise<string> {
    return this.call(["TYPE", key], text, { readOnly: true });
  }

  /** KEYS: every key matching the glob `pattern` (a full scan: not for big databases). */
  keys(pattern: Argument): Promise<string[]> {
    return this.call(["KEYS", pattern], texts, { readOnly: true });
  }

  /** RENAME: `key` is now `newKey`. */
  rename(key: Argument, newKey: Argument): Promise<void> {
    return this.call(["RENAME", key, newKey], ok);
  }

  // Hashes.

  /**
   * HSET: sets one field, or every field of a record; returns how many
   * fields are new.
   *
   * @example
   * ```ts
   * await client.hset("user:1", "name", "Ada"); // 1
   * await client.hset("user:1", { name: "Ada", born: 1815 }); // 1
   * ```
   */
  hset(key: Argument, field: Argument, value: Argument): Promise<number>;
  /** HSET of every field of a record. */
  hset(key: Argument, fields: Readonly<Record<string, Argument>>): Promise<number>;
  hset(
    key: Argument,
    fieldOrFields: Argument | Readonly<Record<string, Argument>>,
    value?: Argument,
  ): Promise<number> {
    const pairs = isRecord(fieldOrFields)
      ? Object.entries(fieldOrFields).flat()
      : [fieldOrFields, value as Argument];
    return this.call(["HSET", key, ...pairs], integer);
  }

  /** HGET: the field's value, or `null`. */
  hget(key: Argument, field: Argument): Promise<string | null> {
    return this.call(["HGET", key, field], nullableText, { readOnly: true });
  }

  /** HMGET: each field's value, `null` for the missing ones. */
  hmget(key: Argument, ...fields: Argument[]): Promise<(string | null)[]> {
    return this.call(["HMGET", key, ...fields], nullableTexts, { readOnly: true });
  }

  /** HGETALL: every field and value, as a record (`{}` for no hash). */
  hgetall(key: Argument): Promise<Record<string, string>> {
    return this.call(["HGETALL", key], record, { readOnly: true });
  }

  /** HDEL: how many of `fields` existed and were deleted. */
  hdel(key: Argument, ...fields: Argument[]): Promise<number> {
    return this.call(["HDEL", key, ...fields], integer);
  }

  /** HEXISTS: whether the hash has `field`. */
  hexists(key: Argument, field: Argument): Promise<boolean> {
    return this.call(["HEXISTS", key, field], flag, { readOnly: true });
  }

  /** HLEN: how many fields the hash has. */
  hlen(key: Argument): Promise<number> {
    return this.call(["HLEN", key], integer, { readOnly: true });
  }

  /** HKEYS: the hash's fields. */
  hkeys(key: Argument): Promise<string[]> {
    return this.call(["HKEYS", key], texts, { readOnly: true });
  }

  /** HVALS: the hash's values. */
  hvals(key: Argument): Promise<string[]> {
    return this.call(["HVALS", key], texts, { readOnly: true });
  }

  /** HINCRBY: the field's value plus `increment`. */
  hincrBy(key: Argument, field: Argument, increment: number | bigint): Promise<number> {
    return this.call(["HINCRBY", key, field, increment], integer);
  }

  // Lists.

  /** LPUSH: the list's length after adding `values` at its head, one by one. */
  lpush(key: Argument, ...values: Argument[]): Promise<number> {
    return this.call(["LPUSH", key, ...values], integer);
  }

  /** RPUSH: the list's length after adding `values` at its tail. */
  rpush(key: Argument, ...values: Argument[]): Promise<number> {
    return this.call(["RPUSH", key, ...values], integer);
  }

  /** LPOP: the head element, removed, or `null` for no list. */
  lpop(key: Argument): Promise<string | null> {
    return this.call(["LPOP", key], nullableText);
  }

  /** RPOP: the tail element, removed, or `null` for no list. */
  rpop(key: Argument): Promise<string | null> {
    return this.call(["RPOP", key], nullableText);
  }

  /** LRANGE: the elements from `start` to `stop`, both included; negative counts from the end. */
  lrange(key: Argument, start: number, stop: number): Promise<string[]> {
    return this.call(["LRANGE", key, start, stop], texts, { readOnly: true });
  }

  /** LLEN: the list's length. */
  llen(key: Argument): Promise<number> {
    return this.call(["LLEN", key], integer, { readOnly: true });
  }

  /** LINDEX: the element at `index`, or `null`. */
  lindex(key: Argument, index: number): Promise<string | null> {
    return this.call(["LINDEX", key, index], nullableText, { readOnly: true });
  }

  /** LREM: how many elements equal to `value` were removed (`count` as in Redis). */
  lrem(key: Argument, count: number, value: Argument): Promise<number> {
    return this.call(["LREM", key, count, value], integer);
  }

  /**
   * BLPOP: waits up to `timeout` seconds (0: for ever) for an element at the
   * head of the first non-empty list of `keys`; `[key, element]`, or `null`
   * when the time ran out. The command timeout is extended by `timeout`.
   *
   * @example
   * ```ts
   * const job = await client.blpop(["jobs:urgent", "jobs"], 5); // ["jobs", "…"] or null
   * ```
   */
  blpop(keys: Argument | readonly Argument[], timeout: number): Promise<[string, string] | null> {
    return this.call(["BLPOP", ...list(keys), timeout], popped, { block: timeout });
  }

  /** BRPOP: as {@linkcode Commands.blpop}, from the tail. */
  brpop(keys: Argument | readonly Argument[], timeout: number): Promise<[string, string] | null> {
    return this.call(["BRPOP", ...list(keys), timeout], popped, { block: timeout });
  }

  // Sets.

  /** SADD: how many of `members` were new. */
  sadd(key: Argument, ...members: Argument[]): Promise<number> {
    return this.call(["SADD", key, ...members], integer);
  }

  /** SREM: how many of `members` were there and removed. */
  srem(key: Argument, ...members: Argument[]): Promise<number> {
    return this.call(["SREM", key, ...members], integer);
  }

  /** SMEMBERS: every member, in no particular order. */
  smembers(key: Argument): Promise<string[]> {
    return this.call(["SMEMBERS", key], texts, { readOnly: true });
  }

  /** SISMEMBER: whether `member` is in the set. */
  sismember(key: Argument, member: Argument): Promise<boolean> {
    return this.call(["SISMEMBER", key, member], flag, { readOnly: true });
  }

  /** SCARD: how many members the set has. */
  scard(key: Argument): Promise<number> {
    return this.call(["SCARD", key], integer, { readOnly: true });
  }

  /** SINTER: the members every one of `keys` has. */
  sinter(...keys: Argument[]): Promise<string[]> {
    return this.call(["SINTER", ...keys], texts, { readOnly: true });
  }

  // Sorted sets.

  /**
   * ZADD: adds or updates one member, or several; returns how many are new.
   *
   * @example
   * ```ts
   * await client.zadd("board", 10, "ada"); // 1
   * await client.zadd("board", [{ member: "bob", score: 7 }, { member: "cy", score: 12 }]); // 2
   * ```
   */
  zadd(key: Argument, score: number, member: Argument): Promise<number>;
  /** ZADD of several members at once. */
  zadd(key: Argument, members: readonly ScoredMember[]): Promise<number>;
  zadd(
    key: Argument,
    scoreOrMembers: number | readonly ScoredMember[],
    member?: Argument,
  ): Promise<number> {
    const pairs: Argument[] = typeof scoreOrMembers === "number"
      ? [scoreOrMembers, member as Argument]
      : scoreOrMembers.flatMap((entry) => [entry.score, entry.member]);
    return this.call(["ZADD", key, ...pairs], integer);
  }

  /** ZINCRBY: the member's new score. */
  zincrBy(key: Argument, increment: number, member: Argument): Promise<number> {
    return this.call(["ZINCRBY", key, increment, member], float);
  }

  /** ZSCORE: the member's score, or `null`. */
  zscore(key: Argument, member: Argument): Promise<number | null> {
    return this.call(["ZSCORE", key, member], nullableFloat, { readOnly: true });
  }

  /** ZREM: how many of `members` were there and removed. */
  zrem(key: Argument, ...members: Argument[]): Promise<number> {
    return this.call(["ZREM", key, ...members], integer);
  }

  /** ZCARD: how many members the sorted set has. */
  zcard(key: Argument): Promise<number> {
    return this.call(["ZCARD", key], integer, { readOnly: true });
  }

  /** ZRANK: the member's rank from the lowest score (0 first), or `null`. */
  zrank(key: Argument, member: Argument): Promise<number | null> {
    return this.call(["ZRANK", key, member], nullableInteger, { readOnly: true });
  }

  /** ZRANGE by rank: the members from `start` to `stop`, lowest score first. */
  zrange(key: Argument, start: number, stop: number): Promise<string[]> {
    return this.call(["ZRANGE", key, start, stop], texts, { readOnly: true });
  }

  /** ZRANGE … WITHSCORES: the members from `start` to `stop` with their scores. */
  zrangeWithScores(key: Argument, start: number, stop: number): Promise<ScoredMember[]> {
    return this.call(["ZRANGE", key, start, stop, "WITHSCORES"], scoredMembers, {
      readOnly: true,
    });
  }

  /**
   * ZRANGEBYSCORE: the members scored from `min` to `max` (numbers, or Redis's
   * spellings such as `"(1"` and `"+inf"`).
   */
  zrangeByScore(key: Argument, min: number | string, max: number | string): Promise<string[]> {
    return this.call(["ZRANGEBYSCORE", key, min, max], texts, { readOnly: true });
  }

  // Pub/sub.

  /** PUBLISH: how many subscribers received `message`. */
  publish(channel: Argument, message: Argument): Promise<number> {
    return this.call(["PUBLISH", channel, message], integer);
  }
}

function same(reply: Reply): Reply {
  return reply;
}

function unexpected(expected: string, reply: Reply): TypeError {
  const found = reply instanceof Uint8Array
    ? `${reply.length} bytes`
    : typeof reply === "bigint"
    ? `${reply}n`
    : JSON.stringify(reply instanceof Map ? [...reply] : reply) ?? String(reply);
  return new TypeError(`Expected ${expected} from walkv, found ${found}`);
}

function ok(reply: Reply): void {
  if (reply !== "OK") throw unexpected("OK", reply);
}

/** SET's reply: OK once stored, null when NX or XX kept it from being stored. */
function stored(reply: Reply): boolean {
  if (reply === null) return false;
  ok(reply);
  return true;
}

function text(reply: Reply): string {
  if (typeof reply !== "string") throw unexpected("a string", reply);
  return reply;
}

function nullableText(reply: Reply): string | null {
  return reply === null ? null : text(reply);
}

function nullableBytes(reply: Reply): Uint8Array | null {
  if (reply === null || reply instanceof Uint8Array) return reply;
  throw unexpected("bytes", reply);
}

function texts(reply: Reply): string[] {
  if (!Array.isArray(reply)) throw unexpected("an array", reply);
  return reply.map(text);
}

function nullableTexts(reply: Reply): (string | null)[] {
  if (!Array.isArray(reply)) throw unexpected("an array", reply);
  return reply.map(nullableText);
}

function integer(reply: Reply): number {
  if (typeof reply === "bigint") {
    throw new RangeError(`The integer ${reply} is beyond 2^53; use send() to get it as a bigint`);
  }
  if (typeof reply !== "number" || !Number.isInteger(reply)) throw unexpected("an integer", reply);
  return reply;
}

function nullableInteger(reply: Reply): number | null {
  return reply === null ? null : integer(reply);
}

/** An integer reply 0 or 1 (RESP2) or a boolean (RESP3) as a boolean. */
function flag(reply: Reply): boolean {
  if (typeof reply === "boolean") return reply;
  return integer(reply) !== 0;
}

/** A score: a bulk string in RESP2 (`"1.5"`, `"inf"`), a double in RESP3. */
function float(reply: Reply): number {
  if (typeof reply === "number") return reply;
  if (typeof reply === "string") {
    switch (reply) {
      case "inf":
      case "+inf":
        return Infinity;
      case "-inf":
        return -Infinity;
    }
    const value = Number(reply);
    if (reply !== "" && !Number.isNaN(value)) return value;
  }
  throw unexpected("a number", reply);
}

function nullableFloat(reply: Reply): number | null {
  return reply === null ? null : float(reply);
}

/** HGETALL's reply: a flat array of pairs (RESP2) or a map (RESP3). */
function record(reply: Reply): Record<string, string> {
  const pairs: [Reply, Reply][] = [];
  if (reply instanceof Map) {
    pairs.push(...reply);
  } else if (Array.isArray(reply) && reply.length % 2 === 0) {
    for (let i = 0; i < reply.length; i += 2) pairs.push([reply[i], reply[i + 1]]);
  } else {
    throw unexpected("field-value pairs", reply);
  }
  const out: Record<string, string> = {};
  for (const [field, value] of pairs) out[text(field)] = text(value);
  return out;
}

/** ZRANGE … WITHSCORES: a flat array (RESP2) or an array of pairs (RESP3). */
function scoredMembers(reply: Reply): ScoredMember[] {
  if (!Array.isArray(reply)) throw unexpected("an array", reply);
  const out: ScoredMember[] = [];
  if (reply.every(Array.isArray)) {
    for (const pair of reply as Reply[][]) {
      out.push({ member: text(pair[0]), score: float(pair[1]) });
    }
    return out;
  }
  if (reply.length % 2 !== 0) throw unexpected("member-score pairs", reply);
  for (let i = 0; i < reply.length; i += 2) {
    out.push({ member: text(reply[i]), score: float(reply[i + 1]) });
  }
  return out;
}

/** BLPOP's reply: `[key, element]`, or null when the time ran out. */
function popped(reply: Reply): [string, string] | null {
  if (reply === null) return null;
  if (!Array.isArray(reply) || reply.length !== 2) throw unexpected("[key, element]", reply);
  return [text(reply[0]), text(reply[1])];
}

function isRecord(value: unknown): value is Readonly<Record<string, Argument>> {
  return typeof value === "object" && value !== null && !(value instanceof Uint8Array);
}

function list(keys: Argument | readonly Argument[]): readonly Argument[] {
  return Array.isArray(keys) ? keys : [keys as Argument];
}
