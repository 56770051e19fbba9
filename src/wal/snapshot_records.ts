import type { Container, Value } from "../store/value.ts";
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
  return [...snapshotChunks(key, value, expiresAt)];
}

/** The members of a container as the flat arguments its snapshot records hold. */
function* memberArgs(value: Container): Generator<string> {
  if (value.type === "hash") {
    for (const [field, fieldValue] of value.entries()) {
      yield field;
      yield fieldValue;
    }
  } else if (value.type === "set") {
    yield* value.members();
  } else if (value instanceof ZSetValue) {
    for (const [member, score] of value.entries()) {
      yield scoreText(score);
      yield member;
    }
  } else {
    yield* value.values(); // head first: RPUSH rebuilds the order
  }
}

/**
 * {@linkcode snapshotRecords} one record at a time, drawn from `args` (by
 * default the container's members as they are, see
 * {@linkcode memberArgs}): a compaction that writes a large container
 * across several slices gives the members as they were when it began to
 * hold it (see `src/wal/hold.ts`).
 */
export function* snapshotChunks(
  key: string,
  value: Value,
  expiresAt: number,
  args: Iterable<string> = typeof value === "string" ? [] : memberArgs(value),
): Generator<RecordPieces> {
  if (typeof value === "string") return yield encodeSet(key, value, expiresAt);
  const op = value.type === "hash"
    ? "HSET"
    : value.type === "set"
    ? "SADD"
    : value.type === "zset"
    ? "ZADD"
    : "RPUSH";
  const pairs = op === "HSET" || op === "ZADD";
  let chunk: string[] = [];
  let bytes = 0;
  for (const arg of args) {
    chunk.push(arg);
    bytes += arg.length;
    // Pairs stay together: a chunk ends only after a whole field/value or score/member.
    if (
      (chunk.length >= CHUNK_MEMBERS || bytes >= CHUNK_BYTES) && (!pairs || chunk.length % 2 === 0)
    ) {
      yield encodeContainerOp(op, key, chunk);
      chunk = [];
      bytes = 0;
    }
  }
  if (chunk.length > 0) yield encodeContainerOp(op, key, chunk);
  if (expiresAt !== 0) yield encodeExpireAt(key, expiresAt);
}
