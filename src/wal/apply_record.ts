import { HashValue } from "../store/hash_value.ts";
import { ListValue } from "../store/list_value.ts";
import { SetValue } from "../store/set_value.ts";
import type { ByteWrites } from "../store/byte_writes.ts";
import type { Store } from "../store/store.ts";
import { binaryFromBytes } from "../io/binary.ts";
import type { Container } from "../store/value.ts";
import { ZSetValue } from "../store/zset_value.ts";
import type { ContainerOp, SetSpans, WalRecord } from "./record.ts";

/**
 * Applies one replayed record to `stores` (one per database; SWAPDB
 * exchanges two of them in the array), to database `index` unless the
 * record names another. Expiry times are absolute, so a key whose time
 * passed while the server was down is removed rather than loaded: replay
 * never resurrects an expired key.
 *
 * @throws {RangeError} naming the database when a record is for a database
 *   beyond `stores` (the WAL was written with more `--databases`).
 * @example
 * ```ts
 * applyRecord([store], { op: "SET", key: "k", value: "v", expiresAt: 0 }, Date.now());
 * ```
 */
export function applyRecord(stores: Store[], record: WalRecord, now: number, index = 0): void {
  switch (record.op) {
    case "SET": {
      const store = stores[index];
      if (record.expiresAt !== 0 && record.expiresAt <= now) store.delete(record.key);
      else store.set(record.key, record.value, record.expiresAt);
      return;
    }
    case "DEL":
      stores[index].delete(record.key);
      return;
    case "PEXPIREAT": {
      const store = stores[index];
      if (record.expiresAt !== 0 && record.expiresAt <= now) store.delete(record.key);
      else store.setExpiresAt(record.key, record.expiresAt);
      return;
    }
    case "FLUSHALL":
      for (const store of stores) store.clear();
      return;
    case "FLUSHDB":
      stores[index].clear();
      return;
    case "SWAPDB": {
      checkIndex(stores, record.a);
      checkIndex(stores, record.b);
      const store = stores[record.a];
      stores[record.a] = stores[record.b];
      stores[record.b] = store;
      return;
    }
    case "DB":
      checkIndex(stores, record.index);
      applyRecord(stores, record.record, now, record.index);
      return;
    case "MULTI":
      for (const inner of record.records) applyRecord(stores, inner, now, index);
      return;
    case "CONTAINER":
      if (record.name === "RENAME") {
        return moveKey(stores[index], record.key, stores[index], record.args[0]);
      }
      if (record.name === "MOVE") {
        const target = Number(record.args[0]);
        checkIndex(stores, target);
        return moveKey(stores[index], record.key, stores[target], record.key);
      }
      applyContainerOp(stores[index], record.name, record.key, record.args);
      return;
  }
}

/**
 * Applies a top-level SET record given as spans of `bytes` (see
 * `decodeRecordSpans`) to database 0, whose store takes bytes: as
 * {@linkcode applyRecord} does a SET, with no string made unless the key
 * expired meanwhile and is deleted.
 *
 * @example
 * ```ts
 * const result = decodeRecordSpans(bytes, 0, true);
 * if (result.kind === "set") applySetSpans([arenaStore], bytes, result, Date.now());
 * ```
 */
export function applySetSpans(
  stores: Store[],
  bytes: Uint8Array,
  set: SetSpans,
  now: number,
): void {
  const store = stores[0] as Store & ByteWrites;
  if (set.expiresAt !== 0 && set.expiresAt <= now) {
    store.delete(binaryFromBytes(bytes, set.keyStart, set.keyEnd));
  } else {
    store.setBytes(bytes, set.keyStart, set.keyEnd, set.valueStart, set.valueEnd, set.expiresAt);
  }
}

/** What each container op works on, and how to make an empty one. */
const KINDS = {
  HSET: HashValue,
  HDEL: HashValue,
  SADD: SetValue,
  SREM: SetValue,
  LPUSH: ListValue,
  RPUSH: ListValue,
  LPOP: ListValue,
  RPOP: ListValue,
  LSET: ListValue,
  LINSERT: ListValue,
  LREM: ListValue,
  LTRIM: ListValue,
  ZADD: ZSetValue,
  ZREM: ZSetValue,
} as const;

/**
 * Replays one container change. A key of another type is taken as absent:
 * that happens only where a compaction's snapshot caught the key after a
 * later write, which the records after this one replay again.
 */
function applyContainerOp(
  store: Store,
  op: Exclude<ContainerOp, "RENAME" | "MOVE">,
  key: string,
  args: string[],
): void {
  const kind = KINDS[op];
  const found = store.get(key);
  const existing = found instanceof kind ? found : undefined;
  const container: Container = existing ?? new kind();
  const before = container.bytes;
  switch (op) {
    case "HSET":
      for (let i = 0; i + 1 < args.length; i += 2) {
        (container as HashValue).set(args[i], args[i + 1]);
      }
      break;
    case "HDEL":
      for (const field of args) (container as HashValue).delete(field);
      break;
    case "SADD":
      for (const member of args) (container as SetValue).add(member);
      break;
    case "SREM":
      for (const member of args) (container as SetValue).delete(member);
      break;
    case "ZADD":
      for (let i = 0; i + 1 < args.length; i += 2) {
        (container as ZSetValue).restore(args[i + 1], recordedScore(key, args[i]));
      }
      break;
    case "ZREM":
      for (const member of args) (container as ZSetValue).remove(member);
      break;
    default:
      applyListOp(container as ListValue, op, args);
  }
  if (container.size === 0) {
    if (existing === undefined) return;
    store.resized(key, container.bytes - before); // as Db.update: the delete sees it empty
    store.delete(key);
  } else if (existing === undefined) {
    store.set(key, container);
  } else {
    store.resized(key, container.bytes - before);
  }
}

/**
 * Replays one list change. The record says where the change was made, and
 * replay starts from the list as it was then, so every position is inside
 * the list; one that is not (a key of another type taken as absent, see
 * {@linkcode applyContainerOp}) changes nothing, as later records rebuild
 * that key anyway. The numbers were checked when the record was decoded.
 */
function applyListOp(list: ListValue, op: ContainerOp, args: string[]): void {
  switch (op) {
    case "LPUSH":
      for (const element of args) list.pushHead(element);
      return;
    case "RPUSH":
      for (const element of args) list.pushTail(element);
      return;
    case "LPOP":
      for (let n = Number(args[0]); n > 0 && list.length > 0; n--) list.popHead();
      return;
    case "RPOP":
      for (let n = Number(args[0]); n > 0 && list.length > 0; n--) list.popTail();
      return;
    case "LSET":
      list.set(Number(args[0]), args[1]);
      return;
    case "LINSERT": {
      const position = Number(args[0]);
      if (position === list.length) list.pushTail(args[1]);
      else if (position < list.length) list.insert(position, true, args[1]);
      return;
    }
    case "LREM":
      list.removeMatching(args[1], Number(args[0]));
      return;
    case "LTRIM": {
      const start = Number(args[0]);
      const stop = Math.min(Number(args[1]), list.length - 1);
      list.trim(start, start >= list.length ? -1 : stop);
      return;
    }
  }
}

/**
 * A ZADD record's score, as `scoreText` wrote it.
 * @throws {RangeError} quoting the text when it is no number: the record is damaged.
 */
function recordedScore(key: string, text: string): number {
  const score = text === "" ? NaN : Number(text);
  if (Number.isNaN(score)) {
    throw new RangeError(
      `a ZADD record for key ${JSON.stringify(key)} holds the score ${JSON.stringify(text)}`,
    );
  }
  return score;
}

/**
 * Replays a RENAME or MOVE of a container: what `from` holds goes to `to`
 * in `target`, with its expiry, replacing what was there. A `from` that is
 * gone (it expired while the server was down) moves nothing.
 */
function moveKey(source: Store, from: string, target: Store, to: string): void {
  const value = source.get(from);
  if (value === undefined) return;
  const expiresAt = source.expiresAt(from);
  source.delete(from);
  target.set(to, value, expiresAt > 0 ? expiresAt : 0);
}

function checkIndex(stores: Store[], index: number): void {
  if (index >= stores.length) {
    throw new RangeError(
      `a record is for database ${index}, but the server has ${stores.length} ` +
        `(start it with --databases ${index + 1} or more)`,
    );
  }
}
