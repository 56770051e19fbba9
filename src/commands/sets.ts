import type { Db } from "../db/db.ts";
import { SetValue } from "../store/set_value.ts";
import {
  NOT_AN_INTEGER,
  OUT_OF_RANGE_POSITIVE,
  parseCount,
  parseInt64,
  parseInteger,
  SYNTAX_ERROR,
} from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import type { Reply } from "./reply.ts";
import { scanMembers } from "./member_scan.ts";

/**
 * Redis's set commands (`t_set.c`). Every change goes through `Db.update`,
 * logged as the members added (`SADD`) or removed (`SREM`): SPOP logs the
 * members it popped, SMOVE a removal and an addition in one record. The
 * `*STORE` commands replace their destination whole (`Db.put`).
 */

/** Adds `members` to `set`; the members that were new, and the undo. */
function addMembers(set: SetValue, members: readonly string[]): string[] {
  const added: string[] = [];
  for (const member of members) if (set.add(member)) added.push(member);
  return added;
}

/** Removes `members` from `set`; the members that were there. */
function removeMembers(set: SetValue, members: readonly string[]): string[] {
  const removed: string[] = [];
  for (const member of members) if (set.delete(member)) removed.push(member);
  return removed;
}

/** A set reply (RESP3's `~`, an array in RESP2) of `members`. */
function setReply(reply: Reply, members: readonly string[]): void {
  reply.set(members.length);
  for (const member of members) reply.bulk(member);
}

/**
 * `SADD key member [member ...]` → how many members were new.
 *
 * @example
 * ```ts
 * sadd(["SADD", "tags", "a", "b", "a"], context); // ":2\r\n"
 * ```
 */
export function sadd(args: string[], { db, reply }: Context): void {
  let added = 0;
  db.update(args[1], SetValue, "SADD", (set) => {
    const members = addMembers(set, args.slice(2));
    added = members.length;
    if (added === 0) return null;
    return { args: members, undo: () => removeMembers(set, members) };
  });
  reply.integer(added);
}

/**
 * `SREM key member [member ...]` → how many members were removed; the key
 * goes with its last member.
 */
export function srem(args: string[], { db, reply }: Context): void {
  let removed = 0;
  db.update(args[1], SetValue, "SREM", (set) => {
    const members = removeMembers(set, args.slice(2));
    removed = members.length;
    if (removed === 0) return null;
    return { args: members, undo: () => addMembers(set, members) };
  }, false);
  reply.integer(removed);
}

/** `SISMEMBER key member` → 1 when `member` is in the set, else 0. */
export function sismember(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], SetValue)?.has(args[2]) ? 1 : 0);
}

/** `SMISMEMBER key member [member ...]` → 1 or 0 for each member. */
export function smismember(args: string[], { db, reply }: Context): void {
  const set = db.container(args[1], SetValue);
  reply.array(args.length - 2);
  for (let i = 2; i < args.length; i++) reply.integer(set?.has(args[i]) ? 1 : 0);
}

/** `SCARD key` → how many members the set has (0 when absent). */
export function scard(args: string[], { db, reply }: Context): void {
  reply.integer(db.container(args[1], SetValue)?.size ?? 0);
}

/** `SMEMBERS key` → every member, as a set reply (an intset's in numeric order, as Redis). */
export function smembers(args: string[], { db, reply }: Context): void {
  setReply(reply, db.container(args[1], SetValue)?.ordered() ?? []);
}

/** `count` distinct random members of `set` (count < size), in no order. */
function distinctRandom(set: SetValue, count: number): string[] {
  if (count * 3 > set.size) {
    const members = [...set.members()];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (members.length - i));
      [members[i], members[j]] = [members[j], members[i]];
    }
    members.length = count;
    return members;
  }
  const chosen = new Set<string>();
  while (chosen.size < count) chosen.add(set.randomMember() as string);
  return [...chosen];
}

/**
 * `SPOP key [count]` → a random member, removed (null when absent); with a
 * count, up to that many as a set reply. Logged as the members removed.
 *
 * @example
 * ```ts
 * spop(["SPOP", "tags"], context); // "$1\r\na\r\n"
 * ```
 */
export function spop(args: string[], { db, reply }: Context): void {
  if (args.length > 3) return reply.error(SYNTAX_ERROR);
  let count = 1;
  if (args.length === 3) {
    const parsed = parseInt64(args[2]);
    if (parsed === null || parsed < 0n) {
      return reply.error(OUT_OF_RANGE_POSITIVE);
    }
    count = Number(parsed);
  }
  let popped: string[] = [];
  const set = db.update(args[1], SetValue, "SREM", (set) => {
    if (count === 0) return null;
    popped = count >= set.size ? set.ordered() : distinctRandom(set, count);
    removeMembers(set, popped);
    return { args: popped, undo: () => addMembers(set, popped) };
  }, false);
  if (args.length === 2) return reply.bulkOrNull(popped[0]);
  if (set === undefined) return reply.set(0);
  setReply(reply, popped);
}

/**
 * `SRANDMEMBER key [count]` → a random member (null when absent); with a
 * count, that many distinct members (at most all), or with a negative
 * count that many picks that may repeat.
 */
export function srandmember(args: string[], { db, reply }: Context): void {
  if (args.length > 3) return reply.error(SYNTAX_ERROR);
  if (args.length === 2) return reply.bulkOrNull(db.container(args[1], SetValue)?.randomMember());
  const count = parseCount(args[2]);
  if (typeof count !== "number") return reply.error(count.error);
  const set = db.container(args[1], SetValue);
  if (set === undefined || count === 0) return reply.array(0);
  if (count < 0) {
    return reply.bulkArray(Array.from({ length: -count }, () => set.randomMember() as string));
  }
  if (count >= set.size) return reply.bulkArray(set.ordered());
  reply.bulkArray(distinctRandom(set, count));
}

/**
 * `SMOVE source destination member` → 1 when `member` moved, 0 when it was
 * not in `source`. Both keys must be sets (or absent), checked before
 * anything moves.
 */
export function smove(args: string[], { db, reply }: Context): void {
  const [, source, destination, member] = args;
  // Redis's order: a missing source is 0 before either type is checked.
  if (!db.exists(source)) return reply.integer(0);
  const from = db.container(source, SetValue) as SetValue;
  db.container(destination, SetValue);
  if (source === destination || !from.has(member)) return reply.integer(from.has(member) ? 1 : 0);
  db.update(source, SetValue, "SREM", (set) => {
    set.delete(member);
    return { args: [member], undo: () => set.add(member) };
  }, false);
  db.update(destination, SetValue, "SADD", (set) => {
    if (!set.add(member)) return null;
    return { args: [member], undo: () => set.delete(member) };
  });
  reply.integer(1);
}

/** The sets under `keys` (missing keys as empty), or WRONGTYPE thrown for another type. */
function setsOf(db: Db, keys: readonly string[]): (SetValue | undefined)[] {
  return keys.map((key) => db.container(key, SetValue));
}

/** The members in every one of `sets`, walking the smallest; none if one is missing. */
function intersect(sets: (SetValue | undefined)[], limit = Infinity): string[] {
  if (sets.some((set) => set === undefined)) return [];
  const present = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const [smallest, ...rest] = present;
  const found: string[] = [];
  for (const member of smallest.ordered()) {
    if (rest.every((set) => set.has(member))) found.push(member);
    if (found.length >= limit) break;
  }
  return found;
}

/** The members of any of `sets`. */
function union(sets: (SetValue | undefined)[]): SetValue {
  const result = new SetValue();
  for (const set of sets) {
    if (set !== undefined) { for (const member of set.members()) result.add(member); }
  }
  return result;
}

/** The members of the first of `sets` in none of the others. */
function difference(sets: (SetValue | undefined)[]): SetValue {
  const result = new SetValue();
  const [first, ...rest] = sets;
  if (first === undefined) return result;
  for (const member of first.members()) {
    if (!rest.some((set) => set?.has(member))) result.add(member);
  }
  return result;
}

/** Stores `members` as the set under `destination`, replacing it; deletes it when empty. */
function store(db: Db, destination: string, result: SetValue, reply: Reply): void {
  if (result.size === 0) db.delete(destination);
  else db.put(destination, result);
  reply.integer(result.size);
}

/** A set made of `members`. */
function setOf(members: readonly string[]): SetValue {
  const set = new SetValue();
  for (const member of members) set.add(member);
  return set;
}

/** `SINTER key [key ...]` → the members in every set. */
export function sinter(args: string[], { db, reply }: Context): void {
  setReply(reply, intersect(setsOf(db, args.slice(1))));
}

/** `SINTERSTORE destination key [key ...]` → the size of the intersection, stored. */
export function sinterstore(args: string[], { db, reply }: Context): void {
  store(db, args[1], setOf(intersect(setsOf(db, args.slice(2)))), reply);
}

/** `SUNION key [key ...]` → the members of any set. */
export function sunion(args: string[], { db, reply }: Context): void {
  setReply(reply, union(setsOf(db, args.slice(1))).ordered());
}

/** `SUNIONSTORE destination key [key ...]` → the size of the union, stored. */
export function sunionstore(args: string[], { db, reply }: Context): void {
  store(db, args[1], union(setsOf(db, args.slice(2))), reply);
}

/** `SDIFF key [key ...]` → the members of the first set in none of the others. */
export function sdiff(args: string[], { db, reply }: Context): void {
  setReply(reply, difference(setsOf(db, args.slice(1))).ordered());
}

/** `SDIFFSTORE destination key [key ...]` → the size of the difference, stored. */
export function sdiffstore(args: string[], { db, reply }: Context): void {
  store(db, args[1], difference(setsOf(db, args.slice(2))), reply);
}

/**
 * `SINTERCARD numkeys key [key ...] [LIMIT limit]` → how many members are in
 * every set, counting no further than `limit` (0: no limit).
 */
export function sintercard(args: string[], { db, reply }: Context): void {
  const numkeys = parseInteger(args[1]);
  if (numkeys === null || numkeys <= 0) return reply.error("ERR numkeys should be greater than 0");
  if (numkeys > args.length - 2) {
    return reply.error("ERR Number of keys can't be greater than number of args");
  }
  let limit = 0;
  for (let i = 2 + numkeys; i < args.length; i += 2) {
    if (args[i].toUpperCase() !== "LIMIT" || i + 1 >= args.length) {
      return reply.error(SYNTAX_ERROR);
    }
    const parsed = parseInteger(args[i + 1]);
    if (parsed === null) return reply.error(NOT_AN_INTEGER);
    if (parsed < 0) return reply.error("ERR LIMIT can't be negative");
    limit = parsed;
  }
  const sets = setsOf(db, args.slice(2, 2 + numkeys));
  reply.integer(intersect(sets, limit === 0 ? Infinity : limit).length);
}

/**
 * `SSCAN key cursor [MATCH pattern] [COUNT count]` → `[cursor, [member,
 * …]]`; an intset is answered whole, in numeric order (see `scanMembers`).
 */
export function sscan(args: string[], context: Context): void {
  const { db } = context;
  scanMembers(args, context, () => {
    const found = db.container(args[1], SetValue);
    if (found === undefined) return undefined;
    return {
      owner: found,
      whole: found.intset,
      members: () => (found.intset ? found.ordered().values() : found.members()),
      add(member, page) {
        if (found.has(member)) page.push(member);
      },
    };
  });
}
