import type { Db } from "../db/db.ts";
import { ListValue } from "../store/list_value.ts";
import {
  NOT_AN_INTEGER,
  OUT_OF_RANGE_POSITIVE,
  parseInt64,
  parseLong,
  parseMultiPop,
  SYNTAX_ERROR,
} from "./arguments.ts";
import { blockOn, parseTimeout } from "./blocking.ts";
import type { Context, Run } from "./command_spec.ts";

/**
 * Redis's list commands (`t_list.c`), the blocking ones aside. Every change
 * goes through `Db.update` and is logged as the change itself, at the
 * position it was made, never as the list: a push logs its elements, a pop
 * how many went, LSET and LINSERT the absolute index, LREM its count and
 * element, LTRIM the range it kept. Replay starts from the list as it was
 * (the snapshot holds each list as it was when the tail began), so these
 * reproduce it exactly. Each undo is the inverse change, holding only what
 * the change removed.
 */

/** Which end of a list: LEFT is the head, RIGHT the tail. */
type End = "head" | "tail";

/** LEFT or RIGHT, in any case, as LMOVE and LMPOP take them; `null` for anything else. */
function parseEnd(text: string): End | null {
  const word = text.toUpperCase();
  return word === "LEFT" ? "head" : word === "RIGHT" ? "tail" : null;
}

/** Puts `value` at `position` (0 to the length): the inverse of `removeAt`. */
function insertAt(list: ListValue, position: number, value: string): void {
  if (position === list.length) list.pushTail(value);
  else list.insert(position, true, value);
}

function pushAll(list: ListValue, end: End, elements: readonly string[]): void {
  for (const element of elements) {
    if (end === "head") list.pushHead(element);
    else list.pushTail(element);
  }
}

/**
 * Pops up to `count` elements off `end` of the list under `key`, in the
 * order they come off; none when the key is absent. Logged as LPOP/RPOP
 * with the number that went.
 */
function popElements(db: Db, key: string, end: End, count: number): string[] {
  let popped: string[] = [];
  db.update(key, ListValue, end === "head" ? "LPOP" : "RPOP", (list) => {
    const n = Math.min(count, list.length);
    if (n === 0) return null;
    popped = new Array<string>(n);
    for (let i = 0; i < n; i++) popped[i] = (end === "head" ? list.popHead() : list.popTail())!;
    return {
      args: [String(n)],
      undo: () => pushAll(list, end, popped.slice().reverse()),
    };
  }, false);
  return popped;
}

/** LPUSH, RPUSH and their X forms (`existing`: only onto a list that is there). */
function pushCommand(end: End, existing: boolean): Run {
  return (args, { db, reply }) => {
    const elements = args.slice(2);
    const list = db.update(args[1], ListValue, end === "head" ? "LPUSH" : "RPUSH", (list) => {
      pushAll(list, end, elements);
      return {
        args: elements,
        undo: () => {
          for (let i = 0; i < elements.length; i++) {
            if (end === "head") list.popHead();
            else list.popTail();
          }
        },
      };
    }, !existing);
    reply.integer(list?.length ?? 0);
  };
}

/**
 * `LPUSH key element [element ...]` → the list's new length; each element
 * goes in front of the one before, so the last ends up first.
 *
 * @example
 * ```ts
 * lpush(["LPUSH", "queue", "a", "b"], context); // ":2\r\n"; the list is b, a
 * ```
 */
export const lpush: Run = pushCommand("head", false);

/** `RPUSH key element [element ...]` → the list's new length. */
export const rpush: Run = pushCommand("tail", false);

/** `LPUSHX key element [element ...]` → the new length, or 0 (and no list) when absent. */
export const lpushx: Run = pushCommand("head", true);

/** `RPUSHX key element [element ...]` → the new length, or 0 (and no list) when absent. */
export const rpushx: Run = pushCommand("tail", true);

/**
 * LPOP and RPOP: without a count one element (null when absent); with one
 * an array of up to that many (a null array when absent, an empty one for
 * 0), as Redis 7.0 answers. The count is read before the key is looked up.
 */
function popCommand(name: "lpop" | "rpop", end: End): Run {
  return (args, { db, reply }) => {
    if (args.length > 3) {
      return reply.error(`ERR wrong number of arguments for '${name}' command`);
    }
    const counted = args.length === 3;
    let count = 1;
    if (counted) {
      const parsed = parseInt64(args[2]);
      if (parsed === null || parsed < 0n) return reply.error(OUT_OF_RANGE_POSITIVE);
      count = Number(parsed);
    }
    if (db.container(args[1], ListValue) === undefined) {
      return counted ? reply.nullArray() : reply.nullBulk();
    }
    const popped = popElements(db, args[1], end, count);
    if (counted) reply.bulkArray(popped);
    else reply.bulk(popped[0]);
  };
}

/**
 * `LPOP key [count]` → the first element, removed; with a count, up to
 * that many as an array. The key goes with its last element.
 *
 * @example
 * ```ts
 * lpop(["LPOP", "queue"], context); // "$1\r\nb\r\n"
 * ```
 */
export const lpop: Run = popCommand("lpop", "head");

/** `RPOP key [count]` → the last element, removed; with a count, up to that many. */
export const rpop: Run = popCommand("rpop", "tail");

/** `LLEN key` → the list's length (0 when absent). */
export function llen(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], ListValue)?.length ?? 0);
}

/**
 * A range given as Redis's indexes (negative from the tail) clamped to a
 * list of `length` elements, as LRANGE and LTRIM clamp it; `null` when
 * nothing of the list is in it.
 */
function clampRange(start: number, stop: number, length: number): [number, number] | null {
  if (start < 0) start += length;
  if (stop < 0) stop += length;
  if (start < 0) start = 0;
  if (start > stop || start >= length) return null;
  return [start, Math.min(stop, length - 1)];
}

/**
 * `LRANGE key start stop` → the elements from `start` to `stop`, both
 * included, negative indexes counting from the tail; clamped to the list,
 * so `0 -1` is all of it and a range past its end is empty.
 *
 * @example
 * ```ts
 * lrange(["LRANGE", "queue", "0", "-1"], context); // "*2\r\n$1\r\nb\r\n$1\r\na\r\n"
 * ```
 */
export function lrange(args: string[], { db, reply }: Context): void {
  const start = parseLong(args[2]);
  const stop = parseLong(args[3]);
  if (start === null || stop === null) return reply.error(NOT_AN_INTEGER);
  const list = db.container(args[1], ListValue);
  const range = list === undefined ? null : clampRange(start, stop, list.length);
  if (range === null) return reply.array(0);
  reply.bulkArray(list!.range(range[0], range[1]));
}

/** `LINDEX key index` → the element at `index` (negative from the tail), or null. */
export function lindex(args: string[], { db, reply }: Context): void {
  const list = db.container(args[1], ListValue);
  if (list === undefined) return reply.nullBulk();
  const index = parseLong(args[2]);
  if (index === null) return reply.error(NOT_AN_INTEGER);
  reply.bulkOrNull(list.at(index));
}

/** `index` (negative from the tail) as a position in a list of `length`, or -1 outside it. */
function positionOf(index: number, length: number): number {
  const position = index < 0 ? length + index : index;
  return position >= 0 && position < length ? position : -1;
}

/**
 * `LSET key index element` → `+OK`, the element at `index` replaced;
 * `ERR no such key` when absent, `ERR index out of range` past either end.
 * Logged with the index from the head.
 */
export function lset(args: string[], { db, reply }: Context): void {
  const list = db.container(args[1], ListValue);
  if (list === undefined) return reply.error("ERR no such key");
  const index = parseLong(args[2]);
  if (index === null) return reply.error(NOT_AN_INTEGER);
  const position = positionOf(index, list.length);
  if (position === -1) return reply.error("ERR index out of range");
  const element = args[3];
  db.update(args[1], ListValue, "LSET", (list) => {
    const old = list.at(position)!;
    list.set(position, element);
    return { args: [String(position), element], undo: () => list.set(position, old) };
  }, false);
  reply.ok();
}

/**
 * `LINSERT key BEFORE|AFTER pivot element` → the new length, after
 * putting `element` next to the first `pivot` from the head; -1 when there
 * is no such pivot, 0 when the key is absent. Logged as the position the
 * element took.
 */
export function linsert(args: string[], { db, reply }: Context): void {
  const where = args[2].toUpperCase();
  if (where !== "BEFORE" && where !== "AFTER") return reply.error(SYNTAX_ERROR);
  const list = db.container(args[1], ListValue);
  if (list === undefined) return reply.integer(0);
  const pivot = args[3];
  let found = -1;
  let index = 0;
  for (const item of list) {
    if (item === pivot) {
      found = index;
      break;
    }
    index++;
  }
  if (found === -1) return reply.integer(-1);
  const position = where === "BEFORE" ? found : found + 1;
  const element = args[4];
  db.update(args[1], ListValue, "LINSERT", (list) => {
    insertAt(list, position, element);
    return { args: [String(position), element], undo: () => list.removeAt(position) };
  }, false);
  reply.integer(list.length);
}

/**
 * The positions from the head of the elements equal to `value` that
 * `list.removeMatching(value, count)` removes, in ascending order.
 */
function matchingPositions(list: ListValue, value: string, count: number): number[] {
  const limit = count === 0 ? Infinity : Math.abs(count);
  const positions: number[] = [];
  if (count >= 0) {
    let index = 0;
    for (const item of list.values()) {
      if (item === value && positions.push(index) >= limit) break;
      index++;
    }
  } else {
    let index = list.length - 1;
    for (const item of list.reverseValues()) {
      if (item === value && positions.push(index) >= limit) break;
      index--;
    }
    positions.reverse();
  }
  return positions;
}

/**
 * `LREM key count element` → how many elements equal to `element` were
 * removed: the first `count` from the head, the last `-count` from the
 * tail, or all for 0. Logged as LREM with the count that went (signed as
 * given), so replay removes the same ones.
 */
export function lrem(args: string[], { db, reply }: Context): void {
  const count = parseLong(args[2]);
  if (count === null) return reply.error(NOT_AN_INTEGER);
  const element = args[3];
  let removed = 0;
  db.update(args[1], ListValue, "LREM", (list) => {
    const positions = matchingPositions(list, element, count);
    removed = positions.length;
    if (removed === 0) return null;
    list.removeMatching(element, count);
    return {
      args: [String(count < 0 ? -removed : removed), element],
      undo: () => {
        for (const position of positions) insertAt(list, position, element);
      },
    };
  }, false);
  reply.integer(removed);
}

/**
 * `LTRIM key start stop` → `+OK`, the list cut down to the range LRANGE
 * would answer (deleted when nothing is left). Logged as the range kept;
 * like Redis, an LTRIM that keeps everything still counts as a change
 * (WATCH sees it).
 */
export function ltrim(args: string[], { db, reply }: Context): void {
  const start = parseLong(args[2]);
  const stop = parseLong(args[3]);
  if (start === null || stop === null) return reply.error(NOT_AN_INTEGER);
  db.update(args[1], ListValue, "LTRIM", (list) => {
    const length = list.length;
    const [from, to] = clampRange(start, stop, length) ?? [1, 0];
    const kept = from <= to;
    const head = list.range(0, kept ? from - 1 : length - 1);
    const tail = kept ? list.range(to + 1, length - 1) : [];
    list.trim(from, to);
    return {
      args: [String(from), String(to)],
      undo: () => {
        for (let i = head.length - 1; i >= 0; i--) list.pushHead(head[i]);
        for (const item of tail) list.pushTail(item);
      },
    };
  }, false);
  reply.ok();
}

const INT64_MIN = -(2n ** 63n);

/** What LPOS was asked, once its options are read. */
interface LposOptions {
  /** Which match to start from, counting from the head (or the tail when negative). */
  rank: bigint;
  /** How many matches to answer, 0 for all; -1 when COUNT was not given (one, not an array). */
  count: number;
  /** How many elements to look at, 0 for all. */
  maxlen: number;
}

/** LPOS's options, or the error Redis answers for them. */
function parseLposOptions(args: string[]): LposOptions | { error: string } {
  const options: LposOptions = { rank: 1n, count: -1, maxlen: 0 };
  for (let i = 3; i < args.length; i++) {
    const option = args[i].toUpperCase();
    const more = i < args.length - 1;
    if (option === "RANK" && more) {
      const rank = parseInt64(args[++i]);
      if (rank === null) return { error: NOT_AN_INTEGER };
      if (rank === 0n) {
        return {
          error: "ERR RANK can't be zero: use 1 to start from the first match, 2 from the " +
            "second ... or use negative to start from the end of the list",
        };
      }
      options.rank = rank;
    } else if (option === "COUNT" && more) {
      const count = parseInt64(args[++i]);
      if (count === null || count < 0n) return { error: "ERR COUNT can't be negative" };
      options.count = Number(count);
    } else if (option === "MAXLEN" && more) {
      const maxlen = parseInt64(args[++i]);
      if (maxlen === null || maxlen < 0n) return { error: "ERR MAXLEN can't be negative" };
      options.maxlen = Number(maxlen);
    } else {
      return { error: SYNTAX_ERROR };
    }
  }
  return options;
}

/**
 * `LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]` → the
 * index of the first match (null for none), or with COUNT an array of up
 * to that many indexes (0: all). RANK picks which match to start from,
 * negative ones searching from the tail; MAXLEN bounds how many elements
 * are looked at. Options are read before the key is looked up.
 *
 * @example
 * ```ts
 * lpos(["LPOS", "letters", "a", "COUNT", "0"], context); // "*2\r\n:0\r\n:2\r\n" for a, b, a
 * ```
 */
export function lpos(args: string[], { db, reply }: Context): void {
  const options = parseLposOptions(args);
  if ("error" in options) return reply.error(options.error);
  const { count, maxlen } = options;
  const list = db.container(args[1], ListValue);
  if (list === undefined) return count === -1 ? reply.nullBulk() : reply.array(0);
  const element = args[2];
  const fromTail = options.rank < 0n;
  // Redis negates a negative rank in a C long: -2^63 stays itself, so every
  // match counts as past the rank, and no count of matches is ever enough.
  const unbounded = options.rank === INT64_MIN;
  const rank = Number(fromTail ? -options.rank : options.rank);
  const length = list.length;
  const found: number[] = [];
  let matches = 0;
  let index = 0;
  for (const item of fromTail ? list.reverseValues() : list.values()) {
    if (maxlen !== 0 && index >= maxlen) break;
    if (item === element) {
      matches++;
      if (unbounded || matches >= rank) {
        found.push(fromTail ? length - index - 1 : index);
        if (count === -1) break;
        if (!unbounded && count !== 0 && matches - rank + 1 >= count) break;
      }
    }
    index++;
  }
  if (count === -1) {
    if (found.length === 0) return reply.nullBulk();
    return reply.integer(found[0]);
  }
  reply.array(found.length);
  for (const at of found) reply.integer(at);
}

/**
 * Moves one element from `from` of `source` to `to` of `destination` (LMOVE
 * and RPOPLPUSH): the element, or null when `source` is absent. Both keys
 * are checked for type before anything moves. The push comes before the
 * pop, so a list rotated onto itself is never empty in between and keeps
 * its key and expiry, as in Redis. The two changes are one command, so
 * the gate logs them as one MULTI.
 */
function move(
  { db, reply }: Context,
  source: string,
  destination: string,
  from: End,
  to: End,
): void {
  const list = db.container(source, ListValue);
  if (list === undefined) return reply.nullBulk();
  db.container(destination, ListValue);
  const element = list.at(from === "head" ? 0 : -1)!;
  db.update(destination, ListValue, to === "head" ? "LPUSH" : "RPUSH", (list) => {
    pushAll(list, to, [element]);
    return {
      args: [element],
      undo: () => to === "head" ? list.popHead() : list.popTail(),
    };
  });
  popElements(db, source, from, 1);
  reply.bulk(element);
}

/**
 * `LMOVE source destination LEFT|RIGHT LEFT|RIGHT` → the element popped
 * from one end of `source` and pushed onto one end of `destination` (the
 * same key rotates it), or null when `source` is absent.
 *
 * @example
 * ```ts
 * lmove(["LMOVE", "todo", "done", "LEFT", "RIGHT"], context); // "$5\r\ntask1\r\n"
 * ```
 */
export function lmove(args: string[], context: Context): void {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  if (from === null || to === null) return context.reply.error(SYNTAX_ERROR);
  move(context, args[1], args[2], from, to);
}

/** `RPOPLPUSH source destination` → LMOVE source destination RIGHT LEFT. */
export function rpoplpush(args: string[], context: Context): void {
  move(context, args[1], args[2], "tail", "head");
}

/** LMPOP's and BLMPOP's arguments from `numkeys` on: the keys, the end, the count. */
function parseMpop(args: string[], at: number): { keys: string[]; end: End; count: number } | {
  error: string;
} {
  const parsed = parseMultiPop(args, at, ["LEFT", "RIGHT"]);
  if ("error" in parsed) return parsed;
  return { keys: parsed.keys, end: parsed.where === 0 ? "head" : "tail", count: parsed.count };
}

/** Pops up to `count` from `end` of the list under `key` and answers `[key, elements]`. */
function mpopFrom({ db, reply }: Context, key: string, end: End, count: number): void {
  const popped = popElements(db, key, end, count);
  reply.array(2);
  reply.bulk(key);
  reply.bulkArray(popped);
}

/**
 * `LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]` → `[key, elements]`
 * for the first of the keys holding a list, up to `count` (default 1)
 * popped from that end; a null array when none does. A key of another
 * type is WRONGTYPE when the search reaches it.
 */
export function lmpop(args: string[], context: Context): void {
  const { db, reply } = context;
  const mpop = parseMpop(args, 1);
  if ("error" in mpop) return reply.error(mpop.error);
  const key = mpop.keys.find((key) => db.container(key, ListValue) !== undefined);
  if (key === undefined) return reply.nullArray();
  mpopFrom(context, key, mpop.end, mpop.count);
}

// --- Blocking pops ---------------------------------------------------------------

/**
 * The first of `keys` holding a list, which is never empty; `undefined`
 * when none does. A key of another type before it is WRONGTYPE when
 * `strict` (the first look, as Redis checks), and passed over otherwise
 * (a blocked client woken later keeps waiting, as in Redis).
 */
function firstList(db: Db, keys: readonly string[], strict: boolean): string | undefined {
  for (const key of keys) {
    if (strict ? db.container(key, ListValue) !== undefined : db.value(key) instanceof ListValue) {
      return key;
    }
  }
  return undefined;
}

/**
 * BLPOP and BRPOP: pop from the first of the keys holding a list, answering
 * `[key, element]`; with none, block until a push to one of them (see
 * `blockOn`), or answer a null array on timeout, or at once inside MULTI.
 */
function blockingPopCommand(end: End): Run {
  return (args, context) => {
    const { db, reply } = context;
    const timeout = parseTimeout(args[args.length - 1]);
    if (typeof timeout !== "number") return reply.error(timeout.error);
    const keys = args.slice(1, -1);
    const pop = (strict: boolean): boolean => {
      const key = firstList(db, keys, strict);
      if (key === undefined) return false;
      const [element] = popElements(db, key, end, 1);
      reply.array(2);
      reply.bulk(key);
      reply.bulk(element);
      return true;
    };
    if (pop(true)) return;
    if (context.atomic) return reply.nullArray();
    return blockOn(context, keys, timeout, () => pop(false), () => reply.nullArray());
  };
}

/**
 * `BLPOP key [key ...] timeout` → `[key, element]` from the head of the
 * first list, blocking up to `timeout` seconds (fractions allowed, 0 for
 * ever) while they are all empty; a null array when it passes.
 *
 * @example
 * ```ts
 * await blpop(["BLPOP", "jobs", "0"], context); // "*2\r\n$4\r\njobs\r\n$2\r\nj1\r\n" once pushed
 * ```
 */
export const blpop: Run = blockingPopCommand("head");

/** `BRPOP key [key ...] timeout` → BLPOP from the tails. */
export const brpop: Run = blockingPopCommand("tail");

/**
 * BLMOVE and BRPOPLPUSH: LMOVE at once when `source` holds a list, else
 * block until a push to it, answering the element moved (null inside
 * MULTI, a null array on timeout, as Redis does).
 */
function blockingMove(
  context: Context,
  source: string,
  destination: string,
  from: End,
  to: End,
  timeoutText: string,
): void | Promise<void> {
  const { db, reply } = context;
  const timeout = parseTimeout(timeoutText);
  if (typeof timeout !== "number") return reply.error(timeout.error);
  if (db.container(source, ListValue) !== undefined) {
    return move(context, source, destination, from, to);
  }
  if (context.atomic) return reply.nullBulk();
  return blockOn(context, [source], timeout, () => {
    const target = db.value(destination);
    if (!(db.value(source) instanceof ListValue)) return false;
    if (target !== undefined && !(target instanceof ListValue)) return false;
    move(context, source, destination, from, to);
    return true;
  }, () => reply.nullArray());
}

/**
 * `BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout` → LMOVE, blocking
 * while `source` is empty.
 */
export function blmove(args: string[], context: Context): void | Promise<void> {
  const from = parseEnd(args[3]);
  const to = parseEnd(args[4]);
  if (from === null || to === null) return context.reply.error(SYNTAX_ERROR);
  return blockingMove(context, args[1], args[2], from, to, args[5]);
}

/** `BRPOPLPUSH source destination timeout` → BLMOVE source destination RIGHT LEFT. */
export function brpoplpush(args: string[], context: Context): void | Promise<void> {
  return blockingMove(context, args[1], args[2], "tail", "head", args[3]);
}

/**
 * `BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]` → LMPOP,
 * blocking while every key is empty.
 */
export function blmpop(args: string[], context: Context): void | Promise<void> {
  const { db, reply } = context;
  const timeout = parseTimeout(args[1]);
  if (typeof timeout !== "number") return reply.error(timeout.error);
  const mpop = parseMpop(args, 2);
  if ("error" in mpop) return reply.error(mpop.error);
  const pop = (strict: boolean): boolean => {
    const key = firstList(db, mpop.keys, strict);
    if (key === undefined) return false;
    mpopFrom(context, key, mpop.end, mpop.count);
    return true;
  };
  if (pop(true)) return;
  if (context.atomic) return reply.nullArray();
  return blockOn(context, mpop.keys, timeout, () => pop(false), () => reply.nullArray());
}
