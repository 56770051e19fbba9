/**
 * One end of a score range: `ZRANGEBYSCORE`'s `5` is `{ value: 5, exclusive: false }`,
 * `(5` is `{ value: 5, exclusive: true }`, and `-inf`/`+inf` are ±Infinity.
 */
export type ScoreBound = { value: number; exclusive: boolean };

/**
 * One end of a lex range: `ZRANGEBYLEX`'s `-` and `+` (below and above every
 * member), `[m` (`exclusive: false`) or `(m` (`exclusive: true`).
 */
export type LexBound = { kind: "-" } | { kind: "+" } | { value: string; exclusive: boolean };

/** How {@linkcode SortedSet.rangeByScore} and {@linkcode SortedSet.rangeByLex} walk a range. */
export type RangeOptions = {
  /** Walk from the top of the range (`max`) down to `min`. Default `false`. */
  reverse?: boolean;
  /** How many of the range's elements to skip first, in walking order. Default `0`. */
  offset?: number;
  /** The most elements to yield, an integer; negative means no limit, as in Redis's `LIMIT`. Default no limit. */
  limit?: number;
};

/**
 * Most levels a node can have: Redis's `ZSKIPLIST_MAXLEVEL`. A node climbs
 * each level with chance 1/4 (Redis's `ZSKIPLIST_P`), so this suits 4^32
 * elements.
 */
const MAX_LEVEL = 32;
/**
 * The state of the xorshift32 generator that draws node levels. A fixed seed
 * rather than `Math.random` makes a list's shape follow from the operations
 * that built it, so a failing randomized test replays exactly from its seed.
 * Levels only balance the list; nothing depends on them being unpredictable.
 */
let levelState = 0x9e3779b9;

/** A node's level: 1, then one more with chance 1/4 each time, up to MAX_LEVEL. */
function randomLevel(): number {
  let level = 1;
  for (;;) {
    levelState ^= levelState << 13;
    levelState ^= levelState >>> 17;
    levelState ^= levelState << 5;
    // Climb when the low two bits are both zero: chance 1/4.
    if (level >= MAX_LEVEL || (levelState & 3) !== 0) return level;
    level++;
  }
}

/** What {@linkcode SortedSet.bytes} counts per member beyond its length: the score. */
const SCORE_BYTES = 8;

/**
 * A skip list node. Level `i`'s link is `links[2i]`, the next node there
 * (`null` at the end), and `links[2i + 1]` its span: how many nodes that
 * link jumps, so ranks add up. One array rather than one of nodes and one of
 * spans saves an array per node: 215 instead of 271 heap bytes a member of
 * 300k (`member:` and 12 digits), as measured with V8's heap statistics.
 */
class Node {
  readonly member: string;
  score: number;
  readonly links: (Node | number | null)[];
  /** The node before this one at level 0; `null` for the first, so reverse walks need no search. */
  prev: Node | null = null;

  constructor(member: string, score: number, level: number) {
    this.member = member;
    this.score = score;
    if (level === 1) {
      this.links = [null, 0]; // three nodes in four: a packed array of its exact size
    } else {
      this.links = new Array<Node | number | null>(2 * level);
      for (let i = 0; i < level; i++) {
        this.links[2 * i] = null;
        this.links[2 * i + 1] = 0;
      }
    }
  }

  /** Levels this node is linked on. */
  get level(): number {
    return this.links.length >> 1;
  }
}

/** `x`'s next node at level `i`. */
function nextAt(x: Node, i: number): Node | null {
  return x.links[2 * i] as Node | null;
}

/** The span of `x`'s link at level `i`. */
function spanAt(x: Node, i: number): number {
  return x.links[2 * i + 1] as number;
}

/**
 * Scratch for descents, shared by every set: the last node before the
 * target at each level, and that node's rank (header = 0). A descent and
 * the change that uses it run in one synchronous call, so sets never see
 * each other's entries; per set, the two arrays of 32 cost about 0.6 KB,
 * which a small sorted set would pay for nothing.
 */
const UPDATE: Node[] = new Array<Node>(MAX_LEVEL);
const RANK_AT: number[] = new Array<number>(MAX_LEVEL).fill(0);

/** Whether node `x` sorts before the element (`score`, `member`): by score, then by member bytes. */
function before(x: Node, score: number, member: string): boolean {
  return x.score < score || (x.score === score && x.member < member);
}

function checkScore(score: number, what: string): void {
  if (Number.isNaN(score)) throw new RangeError(`${what} must not be NaN; found ${score}`);
}

function checkCount(count: number, what: string): void {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`${what} must be a non-negative integer; found ${count}`);
  }
}

/**
 * The value of a Redis sorted set: members (binary strings) with scores,
 * ordered as Redis 7 orders them, by score and then by member bytes. Because
 * members hold one byte per character, JavaScript's `<` on them is byte order.
 *
 * It is Redis's own shape: a map from member to score for O(1) `ZSCORE`, and
 * a skip list whose links carry spans (how many nodes each link jumps), so
 * that finding a rank, the element at a rank, or where a score or lex bound
 * falls is one O(log n) descent, and a range costs that plus its length.
 * Score and lex ranges are turned into rank ranges by counting the elements
 * below each bound, so `offset` is skipped by rank rather than walked.
 *
 * Scores are numbers, ±Infinity allowed and NaN refused. -0 and 0 are one
 * score, as in Redis (they tie, and setting one over the other changes
 * nothing), but -0 is kept as given, as Redis's skip list keeps it and
 * replies `-0`. Lex ranges assume every score is
 * equal, as Redis's `ZRANGEBYLEX` does; otherwise their result is unspecified.
 *
 * Iterators walk the live list: do not change the set while one is open.
 *
 * @example
 * ```ts
 * const set = new SortedSet();
 * set.add("b", 2);
 * set.add("a", 1);
 * set.rank("b"); // 1
 * [...set.rangeByScore({ value: 1, exclusive: true }, { value: Infinity, exclusive: false })];
 * // [["b", 2]]
 * set.popMin(1); // [["a", 1]]
 * ```
 */
export class SortedSet {
  /**
   * While a compaction's snapshot holds this set (see `src/wal/hold.ts`):
   * each member changed since the hold began, with the score it had then
   * (`undefined`: it was absent), noted at its first change only. `null`
   * when no snapshot holds it: then a change costs this one check.
   */
  held: Map<string, number | undefined> | null = null;
  #scores = new Map<string, number>();
  /**
   * The head of every level; it holds no element and counts as rank 0 in the
   * spans. Its links grow with the levels in use, not to 32 up front.
   */
  #header = new Node("", -Infinity, 1);
  /** Nodes in the list; it differs from the map's size only in the middle of a change. */
  #length = 0;
  /** Levels in use: the header's links above this are all `null`. */
  #level = 1;
  #bytes = 0;

  /** How many members the set has. */
  get size(): number {
    return this.#scores.size;
  }

  /**
   * The members' total length plus 8 per member (for the score): an estimate
   * of what the set costs in a snapshot, kept exact as members come and go.
   */
  get bytes(): number {
    return this.#bytes;
  }

  /** The score of `member`, or `undefined` if it is not in the set. O(1). */
  score(member: string): number | undefined {
    return this.#scores.get(member);
  }

  /**
   * Sets `member`'s score, adding it if new, and returns the score it had
   * before (`undefined` if new). O(log n).
   *
   * @throws {RangeError} if `score` is NaN.
   */
  add(member: string, score: number): number | undefined {
    checkScore(score, "Score");
    const previous = this.#scores.get(member);
    if (previous === score) return previous;
    if (this.held !== null && !this.held.has(member)) this.held.set(member, previous);
    this.#scores.set(member, score);
    if (previous === undefined) {
      this.#bytes += member.length + SCORE_BYTES;
      this.#insert(member, score);
      return undefined;
    }
    const x = this.#descend(previous, member)!;
    const next = nextAt(x, 0);
    // Like Redis's zslUpdateScore: a change that keeps the order needs no move.
    if (
      (x.prev === null || before(x.prev, score, member)) &&
      (next === null || !before(next, score, member))
    ) {
      x.score = score;
    } else {
      this.#unlink(x);
      this.#insert(member, score);
    }
    return previous;
  }

  /** Removes `member`; `false` if it was not in the set. O(log n). */
  remove(member: string): boolean {
    const score = this.#scores.get(member);
    if (score === undefined) return false;
    this.#unlink(this.#descend(score, member)!);
    this.#forget(member, score);
    return true;
  }

  /**
   * The 0-based rank of `member` counted from the lowest score, or from the
   * highest if `reverse`; `undefined` if it is not in the set. O(log n).
   */
  rank(member: string, reverse = false): number | undefined {
    const score = this.#scores.get(member);
    if (score === undefined) return undefined;
    this.#descend(score, member);
    const rank = RANK_AT[0];
    return reverse ? this.size - 1 - rank : rank;
  }

  /** The element at 0-based `rank` from the lowest score, or `undefined` if there is none. O(log n). */
  at(rank: number): [string, number] | undefined {
    if (!Number.isInteger(rank) || rank < 0 || rank >= this.size) return undefined;
    const x = this.#nodeAt(rank);
    return [x.member, x.score];
  }

  /**
   * The elements ranked `start` to `stop` inclusive, lowest score first; with
   * `reverse`, ranks count from the highest score and the walk goes down, as
   * `ZRANGE … REV`. The caller clamps: `0 <= start <= stop < size`.
   * O(log n + stop - start).
   *
   * @throws {RangeError} if the ranks are not so clamped.
   */
  range(start: number, stop: number, reverse = false): IterableIterator<[string, number]> {
    this.#checkRanks(start, stop);
    const first = reverse ? this.size - 1 - start : start;
    return this.#walk(this.#nodeAt(first), stop - start + 1, reverse);
  }

  /** How many members score within `min`..`max`. O(log n). */
  countByScore(min: ScoreBound, max: ScoreBound): number {
    const [lo, hi] = this.#scoreRanks(min, max);
    return Math.max(0, hi - lo);
  }

  /**
   * The elements scoring within `min`..`max`, in order (from `max` down with
   * `reverse`), after skipping `offset` and at most `limit` of them.
   * O(log n + elements yielded).
   *
   * @throws {RangeError} if a bound is NaN, `offset` is not a non-negative
   * integer or `limit` is not an integer.
   */
  rangeByScore(
    min: ScoreBound,
    max: ScoreBound,
    options: RangeOptions = {},
  ): IterableIterator<[string, number]> {
    const [lo, hi] = this.#scoreRanks(min, max);
    return this.#rangeOfRanks(lo, hi, options);
  }

  /** Removes the members scoring within `min`..`max` and returns them, lowest first. O(log n + removed). */
  removeRangeByScore(min: ScoreBound, max: ScoreBound): [string, number][] {
    const [lo, hi] = this.#scoreRanks(min, max);
    return this.#removeRanks(lo, hi - lo);
  }

  /** How many members fall within lex range `min`..`max`. O(log n). */
  countByLex(min: LexBound, max: LexBound): number {
    const [lo, hi] = this.#lexRanks(min, max);
    return Math.max(0, hi - lo);
  }

  /**
   * The elements within lex range `min`..`max`, in order (from `max` down
   * with `reverse`), after skipping `offset` and at most `limit` of them.
   * O(log n + elements yielded).
   *
   * @throws {RangeError} if `offset` is not a non-negative integer or
   * `limit` is not an integer.
   */
  rangeByLex(
    min: LexBound,
    max: LexBound,
    options: RangeOptions = {},
  ): IterableIterator<[string, number]> {
    const [lo, hi] = this.#lexRanks(min, max);
    return this.#rangeOfRanks(lo, hi, options);
  }

  /** Removes the members within lex range `min`..`max` and returns them, lowest first. O(log n + removed). */
  removeRangeByLex(min: LexBound, max: LexBound): [string, number][] {
    const [lo, hi] = this.#lexRanks(min, max);
    return this.#removeRanks(lo, hi - lo);
  }

  /**
   * Removes the elements ranked `start` to `stop` inclusive (from the lowest
   * score) and returns them, lowest first. The caller clamps:
   * `0 <= start <= stop < size`. O(log n + removed).
   *
   * @throws {RangeError} if the ranks are not so clamped.
   */
  removeRangeByRank(start: number, stop: number): [string, number][] {
    this.#checkRanks(start, stop);
    return this.#removeRanks(start, stop - start + 1);
  }

  /**
   * Removes up to `count` members with the lowest scores and returns them,
   * lowest first, as `ZPOPMIN` replies. O(log n + count).
   *
   * @throws {RangeError} if `count` is not a non-negative integer.
   */
  popMin(count: number): [string, number][] {
    checkCount(count, "Count");
    return this.#removeRanks(0, Math.min(count, this.size));
  }

  /**
   * Removes up to `count` members with the highest scores and returns them,
   * highest first, as `ZPOPMAX` replies. O(log n + count).
   *
   * @throws {RangeError} if `count` is not a non-negative integer.
   */
  popMax(count: number): [string, number][] {
    checkCount(count, "Count");
    const n = Math.min(count, this.size);
    return this.#removeRanks(this.size - n, n).reverse();
  }

  /** Every element, lowest score first. */
  entries(): IterableIterator<[string, number]> {
    return this.#walk(nextAt(this.#header, 0), this.size, false);
  }

  /** Every member, lowest score first. */
  *members(): IterableIterator<string> {
    for (let x = nextAt(this.#header, 0); x !== null; x = nextAt(x, 0)) yield x.member;
  }

  /**
   * Every member in the order it was first added, unlike the other
   * iterators safe to keep open while the set changes (it walks the map, as
   * a `Map` iterator does: members removed before it reaches them are
   * skipped, members added are reached, and a new score moves no one). What
   * a scan that pauses between calls needs.
   */
  unorderedMembers(): IterableIterator<string> {
    return this.#scores.keys();
  }

  /**
   * Up to `count` elements in order, from the first after `cursor` (a
   * `[score, member]` it need not hold; `null`: from the lowest), as an
   * array. O(log n + count). What a walk that pauses between calls while
   * the set changes needs: an element whose score stays put is met exactly
   * once by cursors that each start where the last call ended.
   */
  entriesAfter(cursor: readonly [number, string] | null, count: number): [string, number][] {
    let x = nextAt(this.#header, 0);
    if (cursor !== null) {
      const [score, member] = cursor;
      x = this.#descend(score, member);
      if (x !== null && x.score === score && x.member === member) x = nextAt(x, 0);
    }
    return [...this.#walk(x, count, false)];
  }

  *#walk(x: Node | null, count: number, backward: boolean): IterableIterator<[string, number]> {
    for (let i = 0; i < count && x !== null; i++) {
      yield [x.member, x.score];
      x = backward ? x.prev : nextAt(x, 0);
    }
  }

  #checkRanks(start: number, stop: number): void {
    if (
      !Number.isInteger(start) || !Number.isInteger(stop) || start < 0 || start > stop ||
      stop >= this.size
    ) {
      throw new RangeError(
        `Ranks must satisfy 0 <= start <= stop < size (${this.size}); found start ${start}, stop ${stop}`,
      );
    }
  }

  /** The ranks `lo` (first in range) and `hi` (one past the last) of a score range; empty if `hi <= lo`. */
  #scoreRanks(min: ScoreBound, max: ScoreBound): [number, number] {
    checkScore(min.value, "Minimum score");
    checkScore(max.value, "Maximum score");
    return [
      this.#countScores(min.value, min.exclusive),
      this.#countScores(max.value, !max.exclusive),
    ];
  }

  /** How many elements score below `value`, or at most `value` if `orEqual`: one descent. */
  #countScores(value: number, orEqual: boolean): number {
    let x = this.#header;
    let rank = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (
        let y = nextAt(x, i);
        y !== null && (y.score < value || (orEqual && y.score === value));
        y = nextAt(x, i)
      ) {
        rank += spanAt(x, i);
        x = y;
      }
    }
    return rank;
  }

  /** As {@linkcode SortedSet.#scoreRanks}, for a lex range. */
  #lexRanks(min: LexBound, max: LexBound): [number, number] {
    return [this.#countLex(min, false), this.#countLex(max, true)];
  }

  /**
   * How many elements sort before `bound` (`upper`: up to and including it, if
   * it includes its value). Compares members only, so it needs equal scores.
   */
  #countLex(bound: LexBound, upper: boolean): number {
    if ("kind" in bound) return bound.kind === "-" ? 0 : this.size;
    const value = bound.value;
    const orEqual = upper !== bound.exclusive;
    let x = this.#header;
    let rank = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (
        let y = nextAt(x, i);
        y !== null && (y.member < value || (orEqual && y.member === value));
        y = nextAt(x, i)
      ) {
        rank += spanAt(x, i);
        x = y;
      }
    }
    return rank;
  }

  /** Applies `options` to ranks `lo` (inclusive) to `hi` (exclusive) and walks what is left. */
  #rangeOfRanks(lo: number, hi: number, options: RangeOptions): IterableIterator<[string, number]> {
    const { reverse = false, offset = 0, limit = -1 } = options;
    checkCount(offset, "Offset");
    if (!Number.isInteger(limit)) throw new RangeError(`Limit must be an integer; found ${limit}`);
    let count = hi - lo - offset;
    if (limit >= 0) count = Math.min(count, limit);
    if (count <= 0) return this.#walk(null, 0, false);
    const first = reverse ? hi - 1 - offset : lo + offset;
    return this.#walk(this.#nodeAt(first), count, reverse);
  }

  /** The node at 0-based `rank`, which must exist: one descent, adding up spans. */
  #nodeAt(rank: number): Node {
    const target = rank + 1; // the header is rank 0
    let x = this.#header;
    let traversed = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (
        let y = nextAt(x, i);
        y !== null && traversed + spanAt(x, i) <= target;
        y = nextAt(x, i)
      ) {
        traversed += spanAt(x, i);
        x = y;
      }
      if (traversed === target) return x;
    }
    throw new RangeError(`Rank must be below the size (${this.size}); found ${rank}`);
  }

  /**
   * Fills `UPDATE` and `RANK_AT` with the last node before (`score`,
   * `member`) at each level, and returns the node after it at level 0: the
   * element itself if it is in the list. `RANK_AT[0]` is then its 0-based rank.
   */
  #descend(score: number, member: string): Node | null {
    let x = this.#header;
    let rank = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (let y = nextAt(x, i); y !== null && before(y, score, member); y = nextAt(x, i)) {
        rank += spanAt(x, i);
        x = y;
      }
      UPDATE[i] = x;
      RANK_AT[i] = rank;
    }
    return nextAt(x, 0);
  }

  /** Links a new node for a member not in the list, as Redis's zslInsert. */
  #insert(member: string, score: number): void {
    this.#descend(score, member);
    const update = UPDATE;
    const rankAt = RANK_AT;
    const header = this.#header;
    const level = randomLevel();
    if (level > this.#level) {
      for (let i = this.#level; i < level; i++) {
        if (header.level === i) header.links.push(null, 0);
        update[i] = header;
        rankAt[i] = 0;
        header.links[2 * i + 1] = this.#length;
      }
      this.#level = level;
    }
    const node = new Node(member, score, level);
    for (let i = 0; i < level; i++) {
      const left = update[i];
      node.links[2 * i] = nextAt(left, i);
      left.links[2 * i] = node;
      // The node is at rank rankAt[0] + 1: `left` now reaches just it, and it takes the rest.
      node.links[2 * i + 1] = spanAt(left, i) - (rankAt[0] - rankAt[i]);
      left.links[2 * i + 1] = rankAt[0] - rankAt[i] + 1;
    }
    for (let i = level; i < this.#level; i++) update[i].links[2 * i + 1] = spanAt(update[i], i) + 1;
    node.prev = update[0] === header ? null : update[0];
    const next = nextAt(node, 0);
    if (next !== null) next.prev = node;
    this.#length++;
  }

  /** Unlinks `x`, whose predecessors at every level are in `UPDATE` (as a descent leaves them). */
  #unlink(x: Node): void {
    const update = UPDATE;
    for (let i = 0; i < this.#level; i++) {
      const left = update[i];
      if (nextAt(left, i) === x) {
        left.links[2 * i + 1] = spanAt(left, i) + spanAt(x, i) - 1;
        left.links[2 * i] = nextAt(x, i);
      } else {
        left.links[2 * i + 1] = spanAt(left, i) - 1;
      }
    }
    const next = nextAt(x, 0);
    if (next !== null) next.prev = x.prev;
    this.#length--;
    while (this.#level > 1 && nextAt(this.#header, this.#level - 1) === null) this.#level--;
  }

  /** Takes `member`, which scores `score`, out of the map and the byte count (not the list). */
  #forget(member: string, score: number): void {
    if (this.held !== null && !this.held.has(member)) this.held.set(member, score);
    this.#scores.delete(member);
    this.#bytes -= member.length + SCORE_BYTES;
  }

  /**
   * Removes `count` elements from 0-based rank `start` (none if `count <= 0`)
   * and returns them in order. One descent finds the predecessors of `start`,
   * and they stay the predecessors of each next node as nodes go, as in
   * Redis's zslDeleteRangeByRank.
   */
  #removeRanks(start: number, count: number): [string, number][] {
    const removed: [string, number][] = [];
    if (count <= 0) return removed;
    let x = this.#header;
    let traversed = 0;
    for (let i = this.#level - 1; i >= 0; i--) {
      for (
        let y = nextAt(x, i);
        y !== null && traversed + spanAt(x, i) <= start;
        y = nextAt(x, i)
      ) {
        traversed += spanAt(x, i);
        x = y;
      }
      UPDATE[i] = x;
    }
    let node = nextAt(x, 0);
    for (let i = 0; i < count && node !== null; i++) {
      const next: Node | null = nextAt(node, 0);
      this.#unlink(node);
      this.#forget(node.member, node.score);
      removed.push([node.member, node.score]);
      node = next;
    }
    return removed;
  }
}
