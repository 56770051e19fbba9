import { SortedSet } from "./sorted_set.ts";
import type { ContainerBase } from "./container_base.ts";

/** Redis's `zset-max-listpack-entries`: more members and a sorted set leaves its listpack. */
const COMPACT_ENTRIES = 128;
/** Redis's `zset-max-listpack-value`: a longer member does too. */
const COMPACT_BYTES = 64;

/**
 * A Redis sorted set as a key's value: a {@linkcode SortedSet} (members
 * ordered by score, then by bytes; O(log n) rank, range and update) that is
 * also a container, with its TYPE name and compaction stamp.
 *
 * @example
 * ```ts
 * const zset = new ZSetValue();
 * zset.add("ada", 36); // undefined: the member is new
 * zset.rank("ada"); // 0
 * zset.compact; // true: Redis would hold it as a listpack
 * ```
 */
export class ZSetValue extends SortedSet implements ContainerBase {
  readonly type = "zset";
  stamp = 0;
  #compact = true;

  /**
   * Whether Redis would still hold this sorted set as a listpack (OBJECT
   * ENCODING; ZSCAN then answers it whole, in order): no more than 128
   * members, none longer than 64 bytes, ever; like Redis's, a sorted set
   * never goes back.
   */
  get compact(): boolean {
    return this.#compact;
  }

  /**
   * Sets `member`'s score as {@linkcode SortedSet.add} does, noting when the
   * set outgrows Redis's listpack (before the member goes in, as Redis
   * converts first).
   */
  override add(member: string, score: number): number | undefined {
    this.#grow(member);
    // A listpack holds a score as text, from which -0 reads back as 0; a skip list keeps -0.
    if (this.#compact && score === 0) score = 0;
    return super.add(member, score);
  }

  /**
   * Sets `member`'s score exactly as given, -0 included: for replay, whose
   * records hold the scores the set held (so a -0 in one is a -0 that a
   * large set kept, whatever size the set has while it is rebuilt), and for
   * undos, which put back what the set held.
   */
  restore(member: string, score: number): number | undefined {
    this.#grow(member);
    return super.add(member, score);
  }

  /**
   * Puts back whether the set is compact, as it was before a change now
   * being undone (`Db.update`'s undo): the one step of growth that
   * removing the members again does not take back.
   */
  revertCompact(compact: boolean): void {
    this.#compact = compact;
  }

  /** Notes, before `member` goes in, whether it takes the set out of Redis's listpack. */
  #grow(member: string): void {
    if (
      this.#compact && this.score(member) === undefined &&
      (member.length > COMPACT_BYTES || this.size >= COMPACT_ENTRIES)
    ) this.#compact = false;
  }

  /**
   * A uniformly random element, `undefined` when empty: the element at a
   * random rank, so O(log n) with no index beside the skip list.
   */
  randomElement(): [string, number] | undefined {
    return this.at(Math.floor(Math.random() * this.size));
  }
}

/**
 * How a score is written in a record: JavaScript's `String`, which `Number`
 * reads back as the same double (`Infinity` included), but `-0` for -0,
 * which `String` would write as `0`.
 *
 * @example
 * ```ts
 * scoreText(0.1); // "0.1"
 * scoreText(-Infinity); // "-Infinity"
 * scoreText(-0); // "-0"
 * ```
 */
export function scoreText(score: number): string {
  return Object.is(score, -0) ? "-0" : String(score);
}
