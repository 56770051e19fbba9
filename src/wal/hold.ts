import { HashValue } from "../store/hash_value.ts";
import { ListHold } from "../store/list_hold.ts";
import type { ListValue } from "../store/list_value.ts";
import { SetValue } from "../store/set_value.ts";
import type { Container } from "../store/value.ts";
import { scoreText, ZSetValue } from "../store/zset_value.ts";
import type { RecordPieces } from "./record.ts";
import { snapshotChunks } from "./snapshot_records.ts";

/** Sorted-set elements a held walk reads per descent of the skip list. */
const ZSET_BATCH = 256;

/** A container a compaction's snapshot holds: see {@linkcode holdContainer}. */
export interface Hold {
  /**
   * The records that recreate the container as it was when the hold began,
   * drawn a chunk at a time from the live container; the hold ends with
   * the last member drawn.
   */
  readonly records: Iterator<RecordPieces>;
  /** Ends the hold at once (the compaction was given up): changes stop being noted. */
  release(): void;
}

/**
 * Holds `value`, under `key` with expiry `expiresAt`, for a compaction's
 * snapshot: from now on the container notes the old value of each member
 * at its first change (a list, what its ends lose), so the snapshot can be
 * drawn from the live container across many slices and still hold it
 * exactly as it is at this moment, while the tail holds every change after.
 *
 * Why: walkv has no `fork` to freeze a copy, and writing a 1M-member hash
 * in one go before its first change, as compaction once did, held the
 * event loop for about a second. Here the walk goes through the live
 * members, skipping those changed since the hold began; then it writes
 * the changed ones as they were (absent ones come from the tail). A member
 * written and then changed is written twice with its old value, which the
 * absolute snapshot records (HSET, SADD, ZADD) take as one; the tail then
 * replays the change. A hash or set keeps its order: an unchanged or
 * merely updated member is written where the walk finds it.
 *
 * @example
 * ```ts
 * const hold = holdContainer("h", hash, 0);
 * hash.set("f", "new"); // noted: f's old value is what the snapshot writes
 * for (let next = hold.records.next(); !next.done; next = hold.records.next()) batch.add(next.value);
 * ```
 */
export function holdContainer(key: string, value: Container, expiresAt: number): Hold {
  if (value instanceof HashValue) {
    const held = value.held = new Map();
    const release = () => void (value.held === held && (value.held = null));
    return {
      records: snapshotChunks(key, value, expiresAt, hashArgs(value, held, release)),
      release,
    };
  }
  if (value instanceof SetValue) {
    const held = value.held = new Map();
    const release = () => void (value.held === held && (value.held = null));
    return {
      records: snapshotChunks(key, value, expiresAt, setArgs(value, held, release)),
      release,
    };
  }
  if (value instanceof ZSetValue) {
    const held = value.held = new Map();
    const release = () => void (value.held === held && (value.held = null));
    return {
      records: snapshotChunks(key, value, expiresAt, zsetArgs(value, held, release)),
      release,
    };
  }
  const list = value as ListValue;
  const held = list.held = new ListHold(list);
  const release = () => void (list.held === held && (list.held = null));
  return { records: snapshotChunks(key, list, expiresAt, listArgs(list, held, release)), release };
}

function* hashArgs(
  hash: HashValue,
  held: Map<string, string | undefined>,
  release: () => void,
): Generator<string> {
  // A JS Map's iterator survives changes: it skips fields deleted before
  // it reaches them, and reaches fields added since (changed, so skipped).
  for (const [field, value] of hash.entries()) {
    if (!held.has(field)) {
      yield field;
      yield value;
    } else {
      const old = held.get(field);
      if (old !== undefined) {
        yield field;
        yield old;
      }
    }
  }
  // It also reaches what changes meanwhile; once it is done, nothing is left to note.
  for (const [field, old] of held) {
    if (old !== undefined) {
      yield field;
      yield old;
    }
  }
  release();
}

function* setArgs(
  set: SetValue,
  held: Map<string, boolean>,
  release: () => void,
): Generator<string> {
  // Held and present again: removed and added back since, so written where it is now.
  for (const member of set.members()) if (held.get(member) ?? true) yield member;
  for (const [member, was] of held) if (was) yield member;
  release();
}

function* zsetArgs(
  zset: ZSetValue,
  held: Map<string, number | undefined>,
  release: () => void,
): Generator<string> {
  // A skip list has no iterator that survives changes: a cursor by (score,
  // member) does, as an unchanged member keeps its place in that order.
  let cursor: [number, string] | null = null;
  for (;;) {
    const batch = zset.entriesAfter(cursor, ZSET_BATCH);
    if (batch.length === 0) break;
    for (const [member, score] of batch) {
      cursor = [score, member];
      // Asked as it is written: the batch may be older than a change.
      if (held.has(member)) continue;
      yield scoreText(score);
      yield member;
    }
  }
  for (const [member, score] of held) {
    if (score !== undefined) {
      yield scoreText(score);
      yield member;
    }
  }
  release();
}

function* listArgs(list: ListValue, held: ListHold, release: () => void): Generator<string> {
  for (let i = 0; i < held.length; i++) {
    const element = held.at(list, i);
    held.drawn = i + 1;
    if (held.drawn === held.length) release(); // drawn whole: the list may change freely
    yield element;
  }
  release();
}
