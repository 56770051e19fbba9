import { RandomSlots } from "./random_slots.ts";
import type { ContainerBase } from "./container_base.ts";

/** Redis's `set-max-intset-entries`: more members and a set leaves its intset. */
const INTSET_ENTRIES = 512;
/** A member Redis's intset holds: a 64-bit integer in its one canonical spelling. */
const INTEGER = /^(0|-?[1-9][0-9]{0,18})$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function isInt64Text(text: string): boolean {
  if (!INTEGER.test(text)) return false;
  if (text.length < 19) return true;
  const value = BigInt(text);
  return value >= INT64_MIN && value <= INT64_MAX;
}

function byNumber(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * A Redis set of binary-string members.
 *
 * @example
 * ```ts
 * const set = new SetValue();
 * set.add("a"); // true: it was new
 * set.has("a"); // true
 * ```
 */
export class SetValue implements ContainerBase {
  readonly type = "set";
  stamp = 0;
  /**
   * While a compaction's snapshot holds this set (see `src/wal/hold.ts`):
   * each member added or removed since the hold began, with whether it was
   * in the set then, noted at its first change only. `null` when no
   * snapshot holds it: then a change costs this one check.
   */
  held: Map<string, boolean> | null = null;
  readonly #members = new Set<string>();
  #bytes = 0;
  #random: RandomSlots | null = null;
  #intset = true;

  get size(): number {
    return this.#members.size;
  }

  /** Total length of the members. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Whether Redis would still hold this set as an intset (OBJECT ENCODING;
   * SMEMBERS and SSCAN then answer in numeric order, SSCAN all at once): at
   * most 512 members, every one ever added an integer; like Redis's, a set
   * never goes back.
   */
  get intset(): boolean {
    return this.#intset;
  }

  has(member: string): boolean {
    return this.#members.has(member);
  }

  /** Adds `member`; returns whether it was new. */
  add(member: string): boolean {
    if (this.#members.has(member)) return false;
    if (this.held !== null && !this.held.has(member)) this.held.set(member, false);
    this.#members.add(member);
    this.#bytes += member.length;
    this.#random?.added(member);
    if (this.#intset && (this.#members.size > INTSET_ENTRIES || !isInt64Text(member))) {
      this.#intset = false;
    }
    return true;
  }

  /** Removes `member`; returns whether it was there. */
  delete(member: string): boolean {
    if (!this.#members.delete(member)) return false;
    if (this.held !== null && !this.held.has(member)) this.held.set(member, true);
    this.#bytes -= member.length;
    this.#random?.removed(member, this.#members.size, () => this.#members.values());
    return true;
  }

  /** A uniformly random member, O(1) amortized; `undefined` when empty. */
  randomMember(): string | undefined {
    this.#random ??= new RandomSlots(this.#members.values());
    return this.#random.pick();
  }

  /** A live iterator: see `ScanCursors` for what it promises under changes. */
  members(): IterableIterator<string> {
    return this.#members.values();
  }

  /** Every member in the order Redis lists them: numeric for an intset, else as stored. */
  ordered(): string[] {
    const members = [...this.#members];
    return this.#intset ? members.sort(byNumber) : members;
  }
}
