import type { Value } from "../store/value.ts";
import { scoreText, ZSetValue } from "../store/zset_value.ts";
import { encodeContainerOp, encodeExpireAt, encodeSet, type RecordPieces } from "./record.ts";

/** Most members one snapshot record of a container holds... */
const CHUNK_MEMBERS = 1024;
/** ...and most bytes, so a 1M-member hash is a thousand records, not one huge line. */
const CHUNK_BYTES = 64 * 1024;

/**
 * The records that recreate `key` holding `value` with expiry `expiresAt`
 * (0: none) from nothing: a string's one SET; a container's adds in chunks
 * of bounded size (a list's as RPUSHes, head first; a sorted set's as `ZADD`
 * score, member pairs, lowest first), then its expiry. What a compaction
 * writes per key, and what RENAME and MOVE log for a container.
 *
 * @example
 * ```ts
 * snapshotRecords("k", "v", 0); // [["3SET1k1v\n"]]
 * ```
 */
export function snapshotRecords(key: string, value: Value, expiresAt: number): RecordPieces[] {
  if (typeof value === "string") return [encodeSet(key, value, expiresAt)];
  const records: RecordPieces[] = [];
  let args: string[] = [];
  let bytes = 0;
  const add = (...items: string[]) => {
    for (const item of items) {
      args.push(item);
      bytes += item.length;
    }
    if (args.length >= CHUNK_MEMBERS || bytes >= CHUNK_BYTES) flush();
  };
  const op = value.type === "hash"
    ? "HSET"
    : value.type === "set"
    ? "SADD"
    : value.type === "zset"
    ? "ZADD"
    : "RPUSH";
  const flush = () => {
    if (args.length === 0) return;
    records.push(encodeContainerOp(op, key, args));
    args = [];
    bytes = 0;
  };
  if (value.type === "hash") {
    for (const [field, fieldValue] of value.entries()) add(field, fieldValue);
  } else if (value.type === "set") {
    for (const member of value.members()) add(member);
  } else if (value instanceof ZSetValue) {
    for (const [member, score] of value.entries()) add(scoreText(score), member);
  } else {
    for (const element of value.values()) add(element); // head first: RPUSH rebuilds the order
  }
  flush();
  if (expiresAt !== 0) records.push(encodeExpireAt(key, expiresAt));
  return records;
}
