import { HashValue } from "../store/hash_value.ts";
import { NOT_AN_INTEGER, parseCount, parseInt64, SYNTAX_ERROR } from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";
import { floatSum } from "./counters.ts";
import { scanMembers } from "./member_scan.ts";

/**
 * Redis's hash commands (`t_hash.c`). Every change goes through
 * `Db.update`, logged as the fields it set (`HSET`) or removed (`HDEL`):
 * HINCRBY and HINCRBYFLOAT log the value they computed, so replaying a
 * record never depends on what the field held before.
 */

/** The arguments of a field's change and, for its undo, what the field held. */
function setFields(hash: HashValue, pairs: readonly string[]): { added: number; undo: () => void } {
  const old: (string | undefined)[] = [];
  let added = 0;
  for (let i = 0; i < pairs.length; i += 2) {
    const previous = hash.set(pairs[i], pairs[i + 1]);
    if (previous === undefined) added++;
    old.push(previous);
  }
  return {
    added,
    undo: () => {
      for (let i = old.length - 1; i >= 0; i--) {
        const previous = old[i];
        if (previous === undefined) hash.delete(pairs[i * 2]);
        else hash.set(pairs[i * 2], previous);
      }
    },
  };
}

/** HSET and HMSET: the same change, answered with a count or `+OK`. */
function hsetCommand(name: "hset" | "hmset"): Run {
  return (args, { db, reply }) => {
    if (args.length % 2 === 1) {
      return reply.error(`ERR wrong number of arguments for '${name}' command`);
    }
    const pairs = args.slice(2);
    let added = 0;
    db.update(args[1], HashValue, "HSET", (hash) => {
      const done = setFields(hash, pairs);
      added = done.added;
      return { args: pairs, undo: done.undo };
    });
    if (name === "hset") reply.integer(added);
    else reply.ok();
  };
}

/**
 * `HSET key field value [field value ...]` → how many fields were new.
 *
 * @example
 * ```ts
 * hset(["HSET", "user:1", "name", "ada", "age", "36"], context); // ":2\r\n"
 * ```
 */
export const hset: Run = hsetCommand("hset");

/** `HMSET key field value [field value ...]` → `+OK`: HSET's older spelling. */
export const hmset: Run = hsetCommand("hmset");

/**
 * `HSETNX key field value` → 1 when the field was new and is set, 0 when it
 * existed and nothing changed.
 *
 * @example
 * ```ts
 * hsetnx(["HSETNX", "user:1", "name", "bob"], context); // ":0\r\n" if name is set
 * ```
 */
export function hsetnx(args: string[], { db, reply }: Context): void {
  const [, key, field, value] = args;
  let added = false;
  db.update(key, HashValue, "HSET", (hash) => {
    if (hash.has(field)) return null;
    added = true;
    const pair = [field, value];
    return { args: pair, undo: setFields(hash, pair).undo };
  });
  reply.integer(added ? 1 : 0);
}

/**
 * `HGET key field` → the value, or the null bulk when the key or field is absent.
 *
 * @example
 * ```ts
 * hget(["HGET", "user:1", "name"], context); // "$3\r\nada\r\n"
 * ```
 */
export function hget(args: string[], { db, reply }: Context): void {
  const hash = db.container(args[1], HashValue);
  reply.bulkOrNull(hash?.get(args[2]));
}

/**
 * `HMGET key field [field ...]` → each field's value, null where absent.
 *
 * @example
 * ```ts
 * hmget(["HMGET", "user:1", "name", "nope"], context); // "*2\r\n$3\r\nada\r\n$-1\r\n"
 * ```
 */
export function hmget(args: string[], { db, reply }: Context): void {
  const hash = db.container(args[1], HashValue);
  reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) reply.bulkOrNull(hash?.get(args[i]));
}

/**
 * `HDEL key field [field ...]` → how many fields were removed; the key goes
 * with its last field.
 *
 * @example
 * ```ts
 * hdel(["HDEL", "user:1", "age", "nope"], context); // ":1\r\n"
 * ```
 */
export function hdel(args: string[], { db, reply }: Context): void {
  let removed = 0;
  db.update(args[1], HashValue, "HDEL", (hash) => {
    const gone: string[] = [];
    const values: string[] = [];
    for (let i = 2; i < args.length; i++) {
      const value = hash.delete(args[i]);
      if (value === undefined) continue;
      gone.push(args[i]);
      values.push(value);
    }
    removed = gone.length;
    if (removed === 0) return null;
    return {
      args: gone,
      undo: () => {
        for (let i = gone.length - 1; i >= 0; i--) hash.set(gone[i], values[i]);
      },
    };
  }, false);
  reply.integer(removed);
}

/** `HLEN key` → how many fields the hash has (0 when absent). */
export function hlen(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], HashValue)?.size ?? 0);
}

/** `HEXISTS key field` → 1 when the field exists, else 0. */
export function hexists(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], HashValue)?.has(args[2]) ? 1 : 0);
}

/** `HSTRLEN key field` → the length of the field's value in bytes (0 when absent). */
export function hstrlen(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], HashValue)?.get(args[2])?.length ?? 0);
}

/** `HKEYS key` → every field. */
export function hkeys(args: string[], { db, reply }: Context): void {
  const hash = db.container(args[1], HashValue);
  reply.bulkArray(hash === undefined ? [] : [...hash.fields()]);
}

/** `HVALS key` → every value, in the order HKEYS lists their fields. */
export function hvals(args: string[], { db, reply }: Context): void {
  const hash = db.container(args[1], HashValue);
  reply.bulkArray(hash === undefined ? [] : [...hash.values()]);
}

/**
 * `HGETALL key` → every field and value: a flat array in RESP2, a map in RESP3.
 *
 * @example
 * ```ts
 * hgetall(["HGETALL", "user:1"], context); // "*2\r\n$4\r\nname\r\n$3\r\nada\r\n"
 * ```
 */
export function hgetall(args: string[], { db, reply }: Context): void {
  const hash = db.container(args[1], HashValue);
  if (hash === undefined) return reply.map(0);
  reply.map(hash.size);
  for (const [field, value] of hash.entries()) {
    reply.bulk(field);
    reply.bulk(value);
  }
}

/**
 * `HINCRBY key field increment` → the field's new value; an absent field
 * counts as 0. A value that is no 64-bit integer is `ERR hash value is not
 * an integer`.
 *
 * @example
 * ```ts
 * hincrby(["HINCRBY", "user:1", "visits", "1"], context); // ":1\r\n" the first time
 * ```
 */
export function hincrby(args: string[], { db, reply }: Context): void {
  const [, key, field] = args;
  const step = parseInt64(args[3]);
  if (step === null) return reply.error(NOT_AN_INTEGER);
  let result: bigint | string = 0n;
  db.update(key, HashValue, "HSET", (hash) => {
    const old = hash.get(field);
    const current = old === undefined ? 0n : parseInt64(old);
    if (current === null) {
      result = "ERR hash value is not an integer";
      return null;
    }
    const sum = current + step;
    if (sum < -(2n ** 63n) || sum >= 2n ** 63n) {
      result = "ERR increment or decrement would overflow";
      return null;
    }
    result = sum;
    const pair = [field, String(sum)];
    return { args: pair, undo: setFields(hash, pair).undo };
  });
  if (typeof result === "string") reply.error(result);
  else reply.integer(result);
}

/**
 * `HINCRBYFLOAT key field increment` → the new value as a bulk string,
 * summed and printed as INCRBYFLOAT does (see `floatSum`).
 *
 * @example
 * ```ts
 * hincrbyfloat(["HINCRBYFLOAT", "item", "price", "0.1"], context); // "$4\r\n10.6\r\n" from "10.50"
 * ```
 */
export function hincrbyfloat(args: string[], { db, reply }: Context): void {
  const [, key, field, increment] = args;
  const check = floatSum(undefined, increment);
  if (check === "not a float" || check === "bad increment") {
    return reply.error("ERR value is not a valid float");
  }
  if (check === "not finite") return reply.error("ERR value is NaN or Infinity");
  let result = "";
  let error: string | null = null;
  db.update(key, HashValue, "HSET", (hash) => {
    const sum = floatSum(hash.get(field), increment);
    if (sum === "not a float" || sum === "bad increment") {
      error = "ERR hash value is not a float";
      return null;
    }
    if (sum === "not finite") {
      error = "ERR increment would produce NaN or Infinity";
      return null;
    }
    result = sum;
    const pair = [field, sum];
    return { args: pair, undo: setFields(hash, pair).undo };
  });
  if (error !== null) reply.error(error);
  else reply.bulk(result);
}

/**
 * `HRANDFIELD key [count [WITHVALUES]]` → a random field (null when the key
 * is absent); with a count, that many distinct fields (at most all of
 * them), or with a negative count that many picks that may repeat. With
 * WITHVALUES each comes with its value: flat in RESP2, pairs in RESP3.
 *
 * @example
 * ```ts
 * hrandfield(["HRANDFIELD", "user:1", "-3"], context); // three fields, maybe repeated
 * ```
 */
export function hrandfield(args: string[], { db, reply }: Context): void {
  if (args.length === 2) {
    const hash = db.container(args[1], HashValue);
    return reply.bulkOrNull(hash?.randomField());
  }
  const count = parseCount(args[2]);
  if (typeof count !== "number") return reply.error(count.error);
  let withValues = false;
  if (args.length === 4 && args[3].toUpperCase() === "WITHVALUES") withValues = true;
  else if (args.length > 3) return reply.error(SYNTAX_ERROR);
  const hash = db.container(args[1], HashValue);
  if (hash === undefined || count === 0) return reply.array(0);
  let fields: string[];
  if (count < 0) {
    fields = Array.from({ length: -count }, () => hash.randomField() as string);
  } else if (count >= hash.size) {
    fields = [...hash.fields()];
  } else if (count * 3 > hash.size) {
    // Most of the hash: shuffle all and keep the first `count`.
    fields = [...hash.fields()];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (fields.length - i));
      [fields[i], fields[j]] = [fields[j], fields[i]];
    }
    fields.length = count;
  } else {
    const chosen = new Set<string>();
    while (chosen.size < count) chosen.add(hash.randomField() as string);
    fields = [...chosen];
  }
  if (!withValues) return reply.bulkArray(fields);
  if (reply.protocol === 3) {
    reply.array(fields.length);
    for (const field of fields) {
      reply.array(2);
      reply.bulk(field);
      reply.bulk(hash.get(field) as string);
    }
    return;
  }
  reply.array(fields.length * 2);
  for (const field of fields) {
    reply.bulk(field);
    reply.bulk(hash.get(field) as string);
  }
}

/**
 * `HSCAN key cursor [MATCH pattern] [COUNT count]` → `[cursor, [field,
 * value, …]]`; a hash Redis holds compactly is answered whole (see
 * `scanMembers`).
 */
export function hscan(args: string[], context: Context): void {
  const { db } = context;
  scanMembers(args, context, () => {
    const found = db.container(args[1], HashValue);
    if (found === undefined) return undefined;
    return {
      owner: found,
      whole: found.compact,
      members: () => found.fields(),
      add(field, page) {
        const value = found.get(field);
        if (value !== undefined) page.push(field, value);
      },
    };
  });
}
