import type { ContainerChange, Db } from "../db/db.ts";
import { WrongTypeError } from "../db/wrong_type_error.ts";
import { SetValue } from "../store/set_value.ts";
import { type LexBound, type ScoreBound, SortedSet } from "../store/sorted_set.ts";
import { scoreText, ZSetValue } from "../store/zset_value.ts";
import {
  NOT_AN_INTEGER,
  OUT_OF_RANGE,
  OUT_OF_RANGE_POSITIVE,
  parseCount,
  parseInt64,
  parseLong,
  parseMultiPop,
  SYNTAX_ERROR,
} from "./arguments.ts";
import { blockOn, parseTimeout } from "./blocking.ts";
import type { Context, Run } from "./command_spec.ts";
import { scanMembers } from "./member_scan.ts";
import type { Reply } from "./reply.ts";
import {
  formatDouble,
  MIN_MAX_NOT_FLOAT,
  MIN_MAX_NOT_LEX,
  NOT_A_FLOAT,
  parseLexBound,
  parseScore,
  parseScoreBound,
} from "./scores.ts";

/**
 * Redis's sorted-set commands (`t_zset.c`), but for the blocking ones.
 * Every change goes through `Db.update`, logged as what it did: `ZADD`
 * with each member's resulting score (ZINCRBY and ZADD INCR log the score
 * they computed, so a replay never depends on what the member held), and
 * `ZREM` of the members removed (ZREM, ZPOP*, ZMPOP, ZREMRANGEBY*). The
 * `*STORE` commands replace their destination whole (`Db.put`).
 *
 * Replies are Redis 7.0's: scores as doubles (`%.17g`, so 1.1 is
 * `1.1000000000000001`; a bulk string in RESP2, `,` in RESP3), and
 * members with scores flat in RESP2 but as `[member, score]` pairs in
 * RESP3 where Redis nests them.
 */

/** A member and its score. */
type Element = [member: string, score: number];

/** Redis's reply to ZADD INCR or ZINCRBY reaching NaN (`inf` plus `-inf`). */
const NAN_SCORE = "ERR resulting score is not a number (NaN)";

/** The record arguments of scores set: score, member, … (each score as `scoreText` writes it). */
function scoreArgs(elements: readonly Element[]): string[] {
  const args: string[] = [];
  for (const [member, score] of elements) args.push(scoreText(score), member);
  return args;
}

/** The change of removing `elements` (already gone from `zset`), or `null` for none. */
function removal(zset: ZSetValue, elements: readonly Element[]): ContainerChange | null {
  if (elements.length === 0) return null;
  return {
    args: elements.map(([member]) => member),
    undo: () => {
      for (const [member, score] of elements) zset.restore(member, score);
    },
  };
}

/** `elements` with their scores: flat (member, score, …), or as `[member, score]` pairs if `nested`. */
function pairsReply(reply: Reply, elements: readonly Element[], nested: boolean): void {
  reply.array(nested ? elements.length : elements.length * 2);
  for (const [member, score] of elements) {
    if (nested) reply.array(2);
    reply.bulk(member);
    reply.double(score);
  }
}

/** A range as Redis replies one: members, or with scores (pairs in RESP3). */
function elementsReply(reply: Reply, elements: readonly Element[], withScores: boolean): void {
  if (withScores) return pairsReply(reply, elements, reply.protocol === 3);
  reply.array(elements.length);
  for (const [member] of elements) reply.bulk(member);
}

/** A sorted set of `elements`, built as Redis builds a `*STORE` result (so `compact` agrees). */
function zsetOf(elements: Iterable<Element>): ZSetValue {
  const zset = new ZSetValue();
  for (const [member, score] of elements) zset.add(member, score);
  return zset;
}

/** Stores `result` under `destination`, replacing it (deleting it when empty); replies its size. */
function store(db: Db, destination: string, result: ZSetValue, reply: Reply): void {
  if (result.size === 0) db.delete(destination);
  else db.put(destination, result);
  reply.integer(result.size);
}

/**
 * ZADD and ZINCRBY, which Redis runs as one command (`zaddGenericCommand`):
 * options, then score-member pairs, every score read before anything
 * changes.
 */
function addCommand(args: string[], { db, reply }: Context, incrOnly: boolean): void {
  let nx = false, xx = false, gt = false, lt = false, ch = false, incr = incrOnly;
  let first = 2;
  for (; first < args.length; first++) {
    const option = args[first].toUpperCase();
    if (option === "NX") nx = true;
    else if (option === "XX") xx = true;
    else if (option === "GT") gt = true;
    else if (option === "LT") lt = true;
    else if (option === "CH") ch = true;
    else if (option === "INCR") incr = true;
    else break;
  }
  const fields = args.length - first;
  if (fields === 0 || fields % 2 === 1) return reply.error(SYNTAX_ERROR);
  if (nx && xx) return reply.error("ERR XX and NX options at the same time are not compatible");
  if ((gt || lt) && (nx || (gt && lt))) {
    return reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (incr && fields > 2) {
    return reply.error("ERR INCR option supports a single increment-element pair");
  }
  const scores: number[] = [];
  for (let i = first; i < args.length; i += 2) {
    const score = parseScore(args[i]);
    if (score === null) return reply.error(NOT_A_FLOAT);
    scores.push(score);
  }
  let added = 0, updated = 0, nan = false;
  let result: number | undefined;
  db.update(args[1], ZSetValue, "ZADD", (zset) => {
    const applied: Element[] = [];
    const previous: (number | undefined)[] = [];
    const compact = zset.compact;
    for (let k = 0; k < scores.length; k++) {
      const member = args[first + 2 * k + 1];
      let score = scores[k];
      const current = zset.score(member);
      if (current === undefined) {
        if (xx) continue;
        added++;
      } else {
        if (nx) continue;
        if (incr) {
          score += current;
          if (Number.isNaN(score)) {
            nan = true;
            break; // INCR takes one pair: nothing has changed
          }
        }
        if ((lt && score >= current) || (gt && score <= current)) continue;
        if (score !== current) updated++;
      }
      result = score;
      if (score === current) continue;
      previous.push(zset.add(member, score));
      // What the set holds, which may be 0 for -0 (see ZSetValue.add).
      applied.push([member, zset.score(member) as number]);
    }
    if (applied.length === 0) return null;
    return {
      args: scoreArgs(applied),
      undo: () => {
        for (let i = applied.length - 1; i >= 0; i--) {
          const old = previous[i];
          if (old === undefined) zset.remove(applied[i][0]);
          else zset.restore(applied[i][0], old);
        }
        zset.revertCompact(compact);
      },
    };
  }, !xx);
  if (nan) return reply.error(NAN_SCORE);
  if (!incr) return reply.integer(ch ? added + updated : added);
  if (result === undefined) reply.nullBulk();
  else reply.double(result);
}

/**
 * `ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member ...]` →
 * how many members were added (with CH: added or given a new score); with
 * INCR, the member's new score, or null when NX, XX, GT or LT left it be.
 *
 * @example
 * ```ts
 * zadd(["ZADD", "board", "10", "ada", "7", "bob"], context); // ":2\r\n"
 * ```
 */
export function zadd(args: string[], context: Context): void {
  addCommand(args, context, false);
}

/**
 * `ZINCRBY key increment member` → the member's new score (an absent
 * member counts as 0); `inf` plus `-inf` is an error, as in Redis.
 *
 * @example
 * ```ts
 * zincrby(["ZINCRBY", "board", "1.5", "ada"], context); // "$4\r\n11.5\r\n" from 10
 * ```
 */
export function zincrby(args: string[], context: Context): void {
  addCommand(args, context, true);
}

/** `ZREM key member [member ...]` → how many members were removed; the key goes with its last. */
export function zrem(args: string[], { db, reply }: Context): void {
  let removed = 0;
  db.update(args[1], ZSetValue, "ZREM", (zset) => {
    const gone: Element[] = [];
    for (let i = 2; i < args.length; i++) {
      const score = zset.score(args[i]);
      if (score === undefined) continue;
      zset.remove(args[i]);
      gone.push([args[i], score]);
    }
    removed = gone.length;
    return removal(zset, gone);
  }, false);
  reply.integer(removed);
}

/** `ZCARD key` → how many members the sorted set has (0 when absent). */
export function zcard(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], ZSetValue)?.size ?? 0);
}

/** `ZSCORE key member` → the member's score, or null. */
export function zscore(args: string[], { db, reply }: Context): void {
  const score = db.container(args[1], ZSetValue)?.score(args[2]);
  if (score === undefined) reply.nullBulk();
  else reply.double(score);
}

/** `ZMSCORE key member [member ...]` → each member's score, null where absent. */
export function zmscore(args: string[], { db, reply }: Context): void {
  const zset = db.container(args[1], ZSetValue);
  reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) {
    const score = zset?.score(args[i]);
    if (score === undefined) reply.nullBulk();
    else reply.double(score);
  }
}

/** `ZRANK key member` → the member's 0-based rank from the lowest score, or null. O(log n). */
export function zrank(args: string[], { db, reply }: Context): void {
  const rank = db.container(args[1], ZSetValue)?.rank(args[2]);
  if (rank === undefined) reply.nullBulk();
  else reply.integer(rank);
}

/** `ZREVRANK key member` → the member's 0-based rank from the highest score, or null. */
export function zrevrank(args: string[], { db, reply }: Context): void {
  const rank = db.container(args[1], ZSetValue)?.rank(args[2], true);
  if (rank === undefined) reply.nullBulk();
  else reply.integer(rank);
}

/** `ZCOUNT key min max` → how many members score within the bounds (`(` exclusive). O(log n). */
export function zcount(args: string[], { db, reply }: Context): void {
  const min = parseScoreBound(args[2]);
  const max = parseScoreBound(args[3]);
  if (min === null || max === null) return reply.error(MIN_MAX_NOT_FLOAT);
  reply.integer(db.container(args[1], ZSetValue)?.countByScore(min, max) ?? 0);
}

/** `ZLEXCOUNT key min max` → how many members fall within the lex bounds (`-`, `+`, `[m`, `(m`). */
export function zlexcount(args: string[], { db, reply }: Context): void {
  const min = parseLexBound(args[2]);
  const max = parseLexBound(args[3]);
  if (min === null || max === null) return reply.error(MIN_MAX_NOT_LEX);
  reply.integer(db.container(args[1], ZSetValue)?.countByLex(min, max) ?? 0);
}

/** How a range is given: by rank, by score or by lex. */
type RangeKind = "rank" | "score" | "lex";

/** A range's bounds, read. */
type Bounds =
  | { kind: "rank"; start: number; stop: number }
  | { kind: "score"; min: ScoreBound; max: ScoreBound }
  | { kind: "lex"; min: LexBound; max: LexBound };

/**
 * Ranks `start`..`stop` (negative from the end) clamped to a set of `size`
 * as Redis clamps them, or `null` for an empty range.
 */
function clampRanks(start: number, stop: number, size: number): [number, number] | null {
  if (start < 0) start += size;
  if (stop < 0) stop += size;
  if (start < 0) start = 0;
  if (start > stop || start >= size) return null;
  return [start, Math.min(stop, size - 1)];
}

/**
 * Reads a range's bounds from `min` and `max` (ranks, score bounds or lex
 * bounds), or returns the error Redis answers.
 */
function parseBounds(kind: RangeKind, min: string, max: string): Bounds | string {
  if (kind === "rank") {
    const start = parseLong(min);
    const stop = parseLong(max);
    if (start === null || stop === null) return NOT_AN_INTEGER;
    return { kind, start, stop };
  }
  if (kind === "score") {
    const low = parseScoreBound(min);
    const high = parseScoreBound(max);
    if (low === null || high === null) return MIN_MAX_NOT_FLOAT;
    return { kind, min: low, max: high };
  }
  const low = parseLexBound(min);
  const high = parseLexBound(max);
  if (low === null || high === null) return MIN_MAX_NOT_LEX;
  return { kind, min: low, max: high };
}

/** The elements of `zset` in `bounds`, walking down if `reverse`, after `offset`, at most `limit`. */
function rangeOf(
  zset: ZSetValue,
  bounds: Bounds,
  reverse: boolean,
  offset: number,
  limit: number,
): Element[] {
  if (bounds.kind === "rank") {
    const ranks = clampRanks(bounds.start, bounds.stop, zset.size);
    return ranks === null ? [] : [...zset.range(ranks[0], ranks[1], reverse)];
  }
  // Redis walks a negative offset off the end: nothing.
  if (offset < 0) return [];
  const options = { reverse, offset, limit };
  return bounds.kind === "score"
    ? [...zset.rangeByScore(bounds.min, bounds.max, options)]
    : [...zset.rangeByLex(bounds.min, bounds.max, options)];
}

/**
 * What one of the ZRANGE family fixes: the kind of range and its direction
 * (`null`: ZRANGE's options choose), and for ZRANGESTORE the destination.
 */
interface RangeCommand {
  kind: RangeKind | null;
  reverse: boolean | null;
  destination: string | null;
}

/**
 * Redis's `zrangeGenericCommand`: `<src> <min> <max>` from `args[source]`,
 * then the options that `command` leaves open (BYSCORE, BYLEX, REV,
 * WITHSCORES, LIMIT offset count), each checked in Redis's order before the
 * key is looked up.
 */
function rangeCommand(
  args: string[],
  { db, reply }: Context,
  source: number,
  command: RangeCommand,
): void {
  let { kind, reverse } = command;
  const { destination } = command;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = source + 3; j < args.length; j++) {
    const option = args[j].toUpperCase();
    if (destination === null && option === "WITHSCORES") {
      withScores = true;
    } else if (option === "LIMIT" && args.length - j - 1 >= 2) {
      const from = parseLong(args[j + 1]);
      const count = parseLong(args[j + 2]);
      if (from === null || count === null) return reply.error(NOT_AN_INTEGER);
      offset = from;
      limit = count;
      j += 2;
    } else if (reverse === null && option === "REV") {
      reverse = true;
    } else if (kind === null && option === "BYLEX") {
      kind = "lex";
    } else if (kind === null && option === "BYSCORE") {
      kind = "score";
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  kind ??= "rank";
  reverse ??= false;
  if (limit !== -1 && kind === "rank") {
    return reply.error(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  }
  if (withScores && kind === "lex") {
    return reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  // A reversed score or lex range is given as max, min.
  const swap = reverse && kind !== "rank";
  const bounds = parseBounds(
    kind,
    args[source + (swap ? 2 : 1)],
    args[source + (swap ? 1 : 2)],
  );
  if (typeof bounds === "string") return reply.error(bounds);
  const zset = db.container(args[source], ZSetValue);
  const elements = zset === undefined ? [] : rangeOf(zset, bounds, reverse, offset, limit);
  if (destination !== null) return store(db, destination, zsetOf(elements), reply);
  elementsReply(reply, elements, withScores);
}

/**
 * `ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count]
 * [WITHSCORES]` → the members in the range: ranks (negative from the end),
 * score bounds (`(` exclusive, `-inf`, `+inf`) or lex bounds; REV walks
 * from the top, and takes a score or lex range as max then min.
 *
 * @example
 * ```ts
 * zrange(["ZRANGE", "board", "0", "-1", "WITHSCORES"], context); // every member, lowest first
 * ```
 */
export function zrange(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: null, reverse: null, destination: null });
}

/**
 * `ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]`
 * → how many members ZRANGE would give, stored as `dst` (deleted if none).
 */
export function zrangestore(args: string[], context: Context): void {
  rangeCommand(args, context, 2, { kind: null, reverse: null, destination: args[1] });
}

/** `ZREVRANGE key start stop [WITHSCORES]` → ZRANGE … REV by rank. */
export function zrevrange(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: "rank", reverse: true, destination: null });
}

/** `ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count]` → ZRANGE … BYSCORE. */
export function zrangebyscore(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: "score", reverse: false, destination: null });
}

/** `ZREVRANGEBYSCORE key max min [WITHSCORES] [LIMIT offset count]` → ZRANGE … BYSCORE REV. */
export function zrevrangebyscore(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: "score", reverse: true, destination: null });
}

/** `ZRANGEBYLEX key min max [LIMIT offset count]` → ZRANGE … BYLEX. */
export function zrangebylex(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: "lex", reverse: false, destination: null });
}

/** `ZREVRANGEBYLEX key max min [LIMIT offset count]` → ZRANGE … BYLEX REV. */
export function zrevrangebylex(args: string[], context: Context): void {
  rangeCommand(args, context, 1, { kind: "lex", reverse: true, destination: null });
}

/** ZREMRANGEBYRANK, ZREMRANGEBYSCORE and ZREMRANGEBYLEX: the range read first, then removed. */
function removeRange(args: string[], { db, reply }: Context, kind: RangeKind): void {
  const bounds = parseBounds(kind, args[2], args[3]);
  if (typeof bounds === "string") return reply.error(bounds);
  let removed = 0;
  db.update(args[1], ZSetValue, "ZREM", (zset) => {
    let gone: Element[];
    if (bounds.kind === "rank") {
      const ranks = clampRanks(bounds.start, bounds.stop, zset.size);
      gone = ranks === null ? [] : zset.removeRangeByRank(ranks[0], ranks[1]);
    } else if (bounds.kind === "score") {
      gone = zset.removeRangeByScore(bounds.min, bounds.max);
    } else {
      gone = zset.removeRangeByLex(bounds.min, bounds.max);
    }
    removed = gone.length;
    return removal(zset, gone);
  }, false);
  reply.integer(removed);
}

/** `ZREMRANGEBYRANK key start stop` → how many members ranked start..stop were removed. */
export function zremrangebyrank(args: string[], context: Context): void {
  removeRange(args, context, "rank");
}

/** `ZREMRANGEBYSCORE key min max` → how many members scoring within the bounds were removed. */
export function zremrangebyscore(args: string[], context: Context): void {
  removeRange(args, context, "score");
}

/** `ZREMRANGEBYLEX key min max` → how many members within the lex bounds were removed. */
export function zremrangebylex(args: string[], context: Context): void {
  removeRange(args, context, "lex");
}

/** Pops up to `count` elements from the low end of `key` (the high end if `max`), logged as ZREM. */
function pop(db: Db, key: string, count: number, max: boolean): Element[] | undefined {
  let popped: Element[] = [];
  const zset = db.update(key, ZSetValue, "ZREM", (zset) => {
    if (count === 0) return null;
    const n = Math.min(count, zset.size);
    popped = max ? zset.popMax(n) : zset.popMin(n);
    return removal(zset, popped);
  }, false);
  return zset === undefined ? undefined : popped;
}

/** ZPOPMIN and ZPOPMAX: flat member, score pairs, nested in RESP3 when a count is given. */
function popCommand(args: string[], { db, reply }: Context, max: boolean): void {
  if (args.length > 3) return reply.error(SYNTAX_ERROR);
  let count = 1;
  if (args.length === 3) {
    const parsed = parseInt64(args[2]);
    // getPositiveLongFromObjectOrReply: one error for text and for negatives.
    if (parsed === null || parsed < 0n) {
      return reply.error(OUT_OF_RANGE_POSITIVE);
    }
    count = Number(parsed);
  }
  const popped = pop(db, args[1], count, max);
  if (popped === undefined || count === 0) return reply.array(0);
  pairsReply(reply, popped, reply.protocol === 3 && args.length === 3);
}

/**
 * `ZPOPMIN key [count]` → the lowest-scoring member and its score, removed;
 * with a count, up to that many, lowest first. Logged as the ZREM of them.
 */
export function zpopmin(args: string[], context: Context): void {
  popCommand(args, context, false);
}

/** `ZPOPMAX key [count]` → as ZPOPMIN, from the highest score down. */
export function zpopmax(args: string[], context: Context): void {
  popCommand(args, context, true);
}

/** ZMPOP's and BZMPOP's arguments from `numkeys` on: the keys, the side, the count. */
interface Zmpop {
  keys: string[];
  max: boolean;
  count: number;
}

function parseZmpop(args: string[], at: number): Zmpop | { error: string } {
  const parsed = parseMultiPop(args, at, ["MIN", "MAX"]);
  if ("error" in parsed) return parsed;
  return { keys: parsed.keys, max: parsed.where === 1, count: parsed.count };
}

/**
 * Pops for ZMPOP and BZMPOP from the first of `keys` holding a sorted set,
 * answering `[key, [[member, score], …]]`; false when none does. A key of
 * another type is WRONGTYPE when `strict`, passed over otherwise.
 */
function mpopFirst(
  { db, reply }: Context,
  { keys, max, count }: Zmpop,
  strict: boolean,
): boolean {
  for (const key of keys) {
    if (!strict && !(db.value(key) instanceof ZSetValue)) continue;
    const popped = pop(db, key, count, max);
    if (popped === undefined) continue;
    reply.array(2);
    reply.bulk(key);
    pairsReply(reply, popped, true);
    return true;
  }
  return false;
}

/**
 * `ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]` → `[key, [[member,
 * score], …]]` popped from the first of the keys that exists, or null when
 * none does.
 */
export function zmpop(args: string[], context: Context): void {
  const zmpop = parseZmpop(args, 1);
  if ("error" in zmpop) return context.reply.error(zmpop.error);
  if (!mpopFirst(context, zmpop, true)) context.reply.nullArray();
}

/**
 * BZPOPMIN and BZPOPMAX: pop from the first of the keys holding a sorted
 * set, answering `[key, member, score]`; with none, block until one gets
 * members (see `blockOn`), or answer a null array on timeout, or at once
 * inside MULTI.
 */
function blockingPopCommand(max: boolean): Run {
  return (args, context) => {
    const { db, reply } = context;
    const timeout = parseTimeout(args[args.length - 1]);
    if (typeof timeout !== "number") return reply.error(timeout.error);
    const keys = args.slice(1, -1);
    const attempt = (strict: boolean): boolean => {
      for (const key of keys) {
        if (!strict && !(db.value(key) instanceof ZSetValue)) continue;
        const popped = pop(db, key, 1, max);
        if (popped === undefined) continue;
        const [member, score] = popped[0];
        reply.array(3);
        reply.bulk(key);
        reply.bulk(member);
        reply.double(score);
        return true;
      }
      return false;
    };
    if (attempt(true)) return;
    if (context.atomic) return reply.nullArray();
    return blockOn(context, keys, timeout, () => attempt(false), () => reply.nullArray());
  };
}

/** `BZPOPMIN key [key ...] timeout` → ZPOPMIN of the first non-empty key, blocking while all are empty. */
export const bzpopmin: Run = blockingPopCommand(false);

/** `BZPOPMAX key [key ...] timeout` → ZPOPMAX of the first non-empty key, blocking while all are empty. */
export const bzpopmax: Run = blockingPopCommand(true);

/**
 * `BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]` → ZMPOP,
 * blocking while every key is empty.
 */
export function bzmpop(args: string[], context: Context): void | Promise<void> {
  const { reply } = context;
  const timeout = parseTimeout(args[1]);
  if (typeof timeout !== "number") return reply.error(timeout.error);
  const zmpop = parseZmpop(args, 2);
  if ("error" in zmpop) return reply.error(zmpop.error);
  if (mpopFirst(context, zmpop, true)) return;
  if (context.atomic) return reply.nullArray();
  return blockOn(
    context,
    zmpop.keys,
    timeout,
    () => mpopFirst(context, zmpop, false),
    () => reply.nullArray(),
  );
}

/** `LONG_MAX / 2`, as C divides: the largest ZRANDMEMBER count WITHSCORES takes. */
const HALF_LONG_MAX = (2n ** 63n - 1n) / 2n;

/** `count` distinct random elements of `zset` (count < size): in order if compact, as Redis's listpack. */
function distinctRandom(zset: ZSetValue, count: number): Element[] {
  let ranks: number[];
  if (count * 3 > zset.size) {
    ranks = Array.from({ length: zset.size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (ranks.length - i));
      [ranks[i], ranks[j]] = [ranks[j], ranks[i]];
    }
    ranks.length = count;
  } else {
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(Math.floor(Math.random() * zset.size));
    ranks = [...chosen];
  }
  if (zset.compact) ranks.sort((a, b) => a - b);
  return ranks.map((rank) => zset.at(rank) as Element);
}

/**
 * `ZRANDMEMBER key [count [WITHSCORES]]` → a random member (null when the
 * key is absent); with a count, that many distinct members (at most all,
 * then highest first, as Redis walks them), or with a negative count that
 * many picks that may repeat. Each pick is the element at a random rank,
 * O(log n).
 */
export function zrandmember(args: string[], { db, reply }: Context): void {
  if (args.length === 2) {
    return reply.bulkOrNull(db.container(args[1], ZSetValue)?.randomElement()?.[0]);
  }
  const count = parseCount(args[2]);
  if (typeof count !== "number") return reply.error(count.error);
  if (args.length > 4 || (args.length === 4 && args[3].toUpperCase() !== "WITHSCORES")) {
    return reply.error(SYNTAX_ERROR);
  }
  const withScores = args.length === 4;
  // Redis 7.0 refuses a count whose pairs would overflow a long: beyond ±LONG_MAX / 2.
  const exact = BigInt(args[2]);
  if (withScores && (exact > HALF_LONG_MAX || exact < -HALF_LONG_MAX)) {
    return reply.error(OUT_OF_RANGE);
  }
  const zset = db.container(args[1], ZSetValue);
  if (zset === undefined || count === 0) return reply.array(0);
  let elements: Element[];
  if (count < 0 || count === 1) {
    elements = Array.from(
      { length: count < 0 ? -count : 1 },
      () => zset.randomElement() as Element,
    );
  } else if (count >= zset.size) {
    // Redis walks its sorted sets from the top (zuiNext).
    elements = [...zset.range(0, zset.size - 1, true)];
  } else {
    elements = distinctRandom(zset, count);
  }
  elementsReply(reply, elements, withScores);
}

/** One input of ZUNION, ZINTER, ZDIFF and their kin: a sorted set, a set (scores 1), or nothing. */
interface Input {
  subject: ZSetValue | SetValue | undefined;
  weight: number;
}

function inputSize(input: Input): number {
  return input.subject?.size ?? 0;
}

/** The score of `member` in `subject` (1 in a set), or `undefined`. */
function scoreIn(subject: ZSetValue | SetValue, member: string): number | undefined {
  if (subject instanceof ZSetValue) return subject.score(member);
  return subject.has(member) ? 1 : undefined;
}

/** Every element of `input`, a set's members scoring 1. */
function* elementsIn(input: Input): IterableIterator<Element> {
  const subject = input.subject;
  if (subject === undefined) return;
  if (subject instanceof ZSetValue) yield* subject.entries();
  else for (const member of subject.members()) yield [member, 1];
}

type Aggregate = "SUM" | "MIN" | "MAX";

/** Redis's `zunionInterAggregate`: a sum that is NaN (`inf` + `-inf`) counts as 0. */
function aggregate(target: number, value: number, how: Aggregate): number {
  if (how === "SUM") {
    const sum = target + value;
    return Number.isNaN(sum) ? 0 : sum;
  }
  if (how === "MIN") return value < target ? value : target;
  return value > target ? value : target;
}

/** A weighted score as Redis computes it at the start: NaN (`inf` × 0) counts as 0. */
function weighted(score: number, weight: number): number {
  const value = score * weight;
  return Number.isNaN(value) ? 0 : value;
}

/** The members in every input, scores aggregated; no more than `limit` of them (0: no limit). */
function intersection(inputs: Input[], how: Aggregate, limit: number): Element[] {
  const found: Element[] = [];
  const [first, ...rest] = inputs;
  if (inputSize(first) === 0) return found;
  for (const [member, score] of elementsIn(first)) {
    let total = weighted(score, first.weight);
    let everywhere = true;
    for (const input of rest) {
      let value: number | undefined;
      if (input.subject === first.subject) value = score;
      else value = scoreIn(input.subject as ZSetValue | SetValue, member);
      if (value === undefined) {
        everywhere = false;
        break;
      }
      total = aggregate(total, value * input.weight, how);
    }
    if (!everywhere) continue;
    found.push([member, total]);
    if (limit > 0 && found.length >= limit) break;
  }
  return found;
}

/** The members in any input, aggregated in the inputs' order. */
function union(inputs: Input[], how: Aggregate): Map<string, number> {
  const totals = new Map<string, number>();
  for (const input of inputs) {
    for (const [member, score] of elementsIn(input)) {
      const value = weighted(score, input.weight);
      const total = totals.get(member);
      totals.set(member, total === undefined ? value : aggregate(total, value, how));
    }
  }
  return totals;
}

/** The elements of the first input in none of the others, with the first's scores. */
function difference(inputs: Input[]): Element[] {
  const [first, ...rest] = inputs;
  const found: Element[] = [];
  if (rest.some((input) => input.subject === first.subject)) return found;
  for (const [member, score] of elementsIn(first)) {
    if (!rest.some((input) => input.subject && scoreIn(input.subject, member) !== undefined)) {
      found.push([member, score]);
    }
  }
  return found;
}

/** What ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD compute. */
type SetOperation = "union" | "inter" | "diff";

/**
 * Redis's `zunionInterDiffGenericCommand`: `numkeys` at `args[numkeysAt]`,
 * the keys (sorted sets or sets, looked up first), then WEIGHTS and
 * AGGREGATE (not for ZDIFF), WITHSCORES (not for the STORE forms), LIMIT
 * (ZINTERCARD only); the result replied, stored under `destination`, or
 * counted.
 */
function combine(
  args: string[],
  { db, reply }: Context,
  operation: SetOperation,
  numkeysAt: number,
  destination: string | null,
  countOnly = false,
): void {
  const numkeys = parseLong(args[numkeysAt]);
  if (numkeys === null) return reply.error(NOT_AN_INTEGER);
  if (numkeys < 1) {
    return reply.error(
      `ERR at least 1 input key is needed for '${args[0].toLowerCase()}' command`,
    );
  }
  if (numkeys > args.length - numkeysAt - 1) return reply.error(SYNTAX_ERROR);
  const inputs: Input[] = [];
  for (let i = numkeysAt + 1; i <= numkeysAt + numkeys; i++) {
    const value = db.value(args[i]);
    if (value !== undefined && !(value instanceof ZSetValue) && !(value instanceof SetValue)) {
      throw new WrongTypeError();
    }
    inputs.push({ subject: value, weight: 1 });
  }
  let how: Aggregate = "SUM";
  let withScores = false;
  let limit = 0;
  const algebra = operation !== "diff" && !countOnly;
  for (let j = numkeysAt + numkeys + 1; j < args.length;) {
    const option = args[j].toUpperCase();
    const remaining = args.length - j;
    if (algebra && remaining >= numkeys + 1 && option === "WEIGHTS") {
      for (let i = 0; i < numkeys; i++) {
        const weight = parseScore(args[j + 1 + i]);
        if (weight === null) return reply.error("ERR weight value is not a float");
        inputs[i].weight = weight;
      }
      j += numkeys + 1;
    } else if (algebra && remaining >= 2 && option === "AGGREGATE") {
      const name = args[j + 1].toUpperCase();
      if (name !== "SUM" && name !== "MIN" && name !== "MAX") return reply.error(SYNTAX_ERROR);
      how = name;
      j += 2;
    } else if (destination === null && !countOnly && option === "WITHSCORES") {
      withScores = true;
      j++;
    } else if (countOnly && remaining >= 2 && option === "LIMIT") {
      const parsed = parseLong(args[j + 1]);
      if (parsed === null || parsed < 0) return reply.error("ERR LIMIT can't be negative");
      limit = parsed;
      j += 2;
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  // Smallest first, as Redis sorts them (stably), which also orders a union's sums.
  if (operation !== "diff") inputs.sort((a, b) => inputSize(a) - inputSize(b));
  if (countOnly) return reply.integer(intersection(inputs, how, limit).length);
  let elements: Iterable<Element>;
  if (operation === "inter") elements = intersection(inputs, how, 0);
  else if (operation === "union") elements = union(inputs, how);
  else elements = difference(inputs);
  if (destination !== null) return store(db, destination, zsetOf(elements), reply);
  // Redis replies from the skip list it built, before any listpack: -0 stays -0.
  const result = new SortedSet();
  for (const [member, score] of elements) result.add(member, score);
  elementsReply(reply, [...result.entries()], withScores);
}

/**
 * `ZUNION numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE
 * SUM|MIN|MAX] [WITHSCORES]` → every member of any input (sets count with
 * score 1), scores weighted and summed (or the least, or the greatest).
 */
export function zunion(args: string[], context: Context): void {
  combine(args, context, "union", 1, null);
}

/** `ZINTER numkeys key [key ...] [WEIGHTS …] [AGGREGATE …] [WITHSCORES]` → the members in every input. */
export function zinter(args: string[], context: Context): void {
  combine(args, context, "inter", 1, null);
}

/** `ZDIFF numkeys key [key ...] [WITHSCORES]` → the first input's members in none of the others. */
export function zdiff(args: string[], context: Context): void {
  combine(args, context, "diff", 1, null);
}

/** `ZUNIONSTORE destination numkeys key [key ...] [WEIGHTS …] [AGGREGATE …]` → the union's size, stored. */
export function zunionstore(args: string[], context: Context): void {
  combine(args, context, "union", 2, args[1]);
}

/** `ZINTERSTORE destination numkeys key [key ...] [WEIGHTS …] [AGGREGATE …]` → the intersection's size, stored. */
export function zinterstore(args: string[], context: Context): void {
  combine(args, context, "inter", 2, args[1]);
}

/** `ZDIFFSTORE destination numkeys key [key ...]` → the difference's size, stored. */
export function zdiffstore(args: string[], context: Context): void {
  combine(args, context, "diff", 2, args[1]);
}

/**
 * `ZINTERCARD numkeys key [key ...] [LIMIT limit]` → how many members are in
 * every input, counting no further than `limit` (0: no limit).
 */
export function zintercard(args: string[], context: Context): void {
  combine(args, context, "inter", 1, null, true);
}

/**
 * `ZSCAN key cursor [MATCH pattern] [COUNT count]` → `[cursor, [member,
 * score, …]]`, scores as text; a sorted set Redis holds as a listpack is
 * answered whole, in order (see `scanMembers`).
 */
export function zscan(args: string[], context: Context): void {
  const { db } = context;
  scanMembers(args, context, () => {
    const found = db.container(args[1], ZSetValue);
    if (found === undefined) return undefined;
    return {
      owner: found,
      whole: found.compact,
      members: () => (found.compact ? found.members() : found.unorderedMembers()),
      add(member, page) {
        const score = found.score(member);
        if (score !== undefined) page.push(member, formatDouble(score));
      },
    };
  });
}
