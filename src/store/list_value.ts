import type { ContainerBase } from "./container_base.ts";
import type { ListHold } from "./list_hold.ts";

/** The smallest ring; a list never shrinks below it. */
const MIN_CAPACITY = 8;
/** What each element costs in {@linkcode ListValue.bytes} beyond its own length. */
const ELEMENT_OVERHEAD = 8;

/**
 * A Redis list of binary strings (one character per byte): a deque with
 * O(1) amortized push and pop at both ends and O(1) access by index, which
 * is what LPUSH/RPOP, LINDEX and LRANGE need.
 *
 * It is a ring buffer whose capacity is a power of two, so a logical index
 * maps to a slot with one add and one mask. It doubles when full and
 * halves once it is three quarters empty, so a drained million-element list
 * gives its memory back, and the gap between the two thresholds keeps a
 * push/pop pair at the boundary from resizing every time. Freed slots are
 * reset to `undefined`, so the ring holds no popped strings.
 *
 * Indexes are 0 for the head. {@linkcode at}, {@linkcode set},
 * {@linkcode insert} and {@linkcode removeAt} also take negative ones
 * counting from the tail, as Redis does (-1 is the last element); the range
 * methods take indexes the command has already clamped. Changing the list
 * while iterating over it invalidates the iterator, as in Redis.
 *
 * `bytes` is the total length of the elements plus 8 per element, kept
 * exact under every change so the store's byte count needs no walk.
 *
 * @example
 * ```ts
 * const list = new ListValue();
 * for (const item of ["a", "b", "c"]) list.pushHead(item); // LPUSH list a b c
 * list.range(0, list.length - 1); // ["c", "b", "a"]
 * list.at(-1); // "a"
 * list.popTail(); // "a"
 * ```
 */
export class ListValue implements ContainerBase {
  /** TYPE's answer, and the tag the store's `Container` union tells types apart by. */
  readonly type = "list";
  /** The compaction stamp every container carries (see `src/store/value.ts`). */
  stamp = 0;
  /**
   * While a compaction's snapshot holds this list (see `src/wal/hold.ts`),
   * what it needs to see the list as it was when the hold began; `null`
   * when none does: then a change costs this one check.
   */
  held: ListHold | null = null;
  #slots: (string | undefined)[] = new Array(MIN_CAPACITY).fill(undefined);
  /** `#slots.length - 1`: capacity is a power of two, so this masks an index into the ring. */
  #mask = MIN_CAPACITY - 1;
  /** The slot of element 0. */
  #head = 0;
  #length = 0;
  #bytes = 0;

  /** How many elements the list holds. */
  get length(): number {
    return this.#length;
  }

  /** {@linkcode length} under the name every store container uses. */
  get size(): number {
    return this.#length;
  }

  /** The total length of the elements, plus 8 for each one. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Adds `item` before the first element (LPUSH); returns the new length. */
  pushHead(item: string): number {
    if (this.#length === this.#slots.length) this.#resize(this.#slots.length * 2);
    if (this.held !== null) this.held.pushedHead();
    this.#head = (this.#head - 1) & this.#mask;
    this.#slots[this.#head] = item;
    this.#bytes += item.length + ELEMENT_OVERHEAD;
    return ++this.#length;
  }

  /** Adds `item` after the last element (RPUSH); returns the new length. */
  pushTail(item: string): number {
    if (this.#length === this.#slots.length) this.#resize(this.#slots.length * 2);
    if (this.held !== null) this.held.pushedTail();
    this.#slots[(this.#head + this.#length) & this.#mask] = item;
    this.#bytes += item.length + ELEMENT_OVERHEAD;
    return ++this.#length;
  }

  /** Removes and returns the first element, or `undefined` when the list is empty. */
  popHead(): string | undefined {
    if (this.#length === 0) return undefined;
    const item = this.#slots[this.#head]!;
    if (this.held !== null) this.held.poppedHead(item, this.#length);
    this.#slots[this.#head] = undefined;
    this.#head = (this.#head + 1) & this.#mask;
    this.#length--;
    this.#bytes -= item.length + ELEMENT_OVERHEAD;
    this.#shrinkIfSparse();
    return item;
  }

  /** Removes and returns the last element, or `undefined` when the list is empty. */
  popTail(): string | undefined {
    if (this.#length === 0) return undefined;
    const slot = (this.#head + this.#length - 1) & this.#mask;
    const item = this.#slots[slot]!;
    if (this.held !== null) this.held.poppedTail(item, this.#length);
    this.#slots[slot] = undefined;
    this.#length--;
    this.#bytes -= item.length + ELEMENT_OVERHEAD;
    this.#shrinkIfSparse();
    return item;
  }

  /** The element at `index` (negative counts from the tail), or `undefined` past either end. */
  at(index: number): string | undefined {
    const position = this.#position(index);
    return position < 0 ? undefined : this.#slots[(this.#head + position) & this.#mask];
  }

  /** Replaces the element at `index` (LSET); returns `false`, changing nothing, past either end. */
  set(index: number, value: string): boolean {
    const position = this.#position(index);
    if (position < 0) return false;
    if (this.held !== null) this.#unhold();
    const slot = (this.#head + position) & this.#mask;
    this.#bytes += value.length - this.#slots[slot]!.length;
    this.#slots[slot] = value;
    return true;
  }

  /**
   * The elements from `start` to `stop`, both included, head first (LRANGE
   * once its indexes are clamped): empty when `start > stop`.
   *
   * @throws {RangeError} when a non-empty range reaches outside the list.
   */
  range(start: number, stop: number): string[] {
    if (start > stop) return [];
    this.#checkRange(start, stop);
    const items = new Array<string>(stop - start + 1);
    for (let i = start; i <= stop; i++) {
      items[i - start] = this.#slots[(this.#head + i) & this.#mask]!;
    }
    return items;
  }

  /**
   * Adds `value` just before (or after) the element at `pivotIndex`, as
   * LINSERT does once it has found its pivot; returns the new length. O(n):
   * the shorter side of the list moves over by one.
   *
   * @throws {RangeError} when `pivotIndex` is past either end.
   */
  insert(pivotIndex: number, before: boolean, value: string): number {
    const position = this.#position(pivotIndex);
    if (position < 0) throw this.#outside("Pivot index", pivotIndex);
    if (this.held !== null) this.#unhold();
    const at = before ? position : position + 1;
    if (this.#length === this.#slots.length) this.#resize(this.#slots.length * 2);
    if (at < this.#length - at) {
      // Move the elements before `at` one slot towards the head.
      this.#head = (this.#head - 1) & this.#mask;
      for (let i = 0; i < at; i++) this.#move(i + 1, i);
    } else {
      for (let i = this.#length; i > at; i--) this.#move(i - 1, i);
    }
    this.#slots[(this.#head + at) & this.#mask] = value;
    this.#bytes += value.length + ELEMENT_OVERHEAD;
    return ++this.#length;
  }

  /**
   * Removes the element at `index` (negative counts from the tail) and
   * returns it, or `undefined` past either end. O(n): the shorter side
   * moves over by one.
   */
  removeAt(index: number): string | undefined {
    const position = this.#position(index);
    if (position < 0) return undefined;
    if (this.held !== null) this.#unhold();
    const item = this.#slots[(this.#head + position) & this.#mask]!;
    if (position < this.#length - 1 - position) {
      for (let i = position; i > 0; i--) this.#move(i - 1, i);
      this.#slots[this.#head] = undefined;
      this.#head = (this.#head + 1) & this.#mask;
    } else {
      for (let i = position; i < this.#length - 1; i++) this.#move(i + 1, i);
      this.#slots[(this.#head + this.#length - 1) & this.#mask] = undefined;
    }
    this.#length--;
    this.#bytes -= item.length + ELEMENT_OVERHEAD;
    this.#shrinkIfSparse();
    return item;
  }

  /**
   * Removes elements equal to `value` as LREM does: the first `count` from
   * the head when `count > 0`, the last `-count` from the tail when
   * `count < 0`, all of them when it is 0. Returns how many went. One O(n)
   * pass that closes the gaps as it goes.
   */
  removeMatching(value: string, count: number): number {
    if (this.held !== null) this.#unhold();
    const limit = count === 0 ? Infinity : Math.abs(count);
    const n = this.#length;
    let removed = 0;
    if (count >= 0) {
      // Survivors slide towards the head; the freed slots end up at the tail.
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const item = this.#slots[(this.#head + i) & this.#mask]!;
        if (removed < limit && item === value) removed++;
        else this.#slots[(this.#head + kept++) & this.#mask] = item;
      }
      for (let i = kept; i < n; i++) this.#slots[(this.#head + i) & this.#mask] = undefined;
    } else {
      // Survivors slide towards the tail; the freed slots end up at the head.
      let kept = 0;
      for (let i = n - 1; i >= 0; i--) {
        const item = this.#slots[(this.#head + i) & this.#mask]!;
        if (removed < limit && item === value) removed++;
        else this.#slots[(this.#head + n - 1 - kept++) & this.#mask] = item;
      }
      for (let i = 0; i < removed; i++) this.#slots[(this.#head + i) & this.#mask] = undefined;
      this.#head = (this.#head + removed) & this.#mask;
    }
    if (removed === 0) return 0;
    this.#length -= removed;
    this.#bytes -= removed * (value.length + ELEMENT_OVERHEAD);
    this.#shrinkIfSparse();
    return removed;
  }

  /**
   * Keeps only the elements from `start` to `stop`, both included (LTRIM
   * once its indexes are clamped); `start > stop` empties the list.
   *
   * @throws {RangeError} when a non-empty range reaches outside the list.
   */
  trim(start: number, stop: number): void {
    if (start > stop) {
      start = 0;
      stop = -1;
    } else {
      this.#checkRange(start, stop);
    }
    if (this.held !== null) this.#trimHeld(start, stop);
    for (let i = 0; i < start; i++) this.#drop(i);
    for (let i = stop + 1; i < this.#length; i++) this.#drop(i);
    this.#head = (this.#head + start) & this.#mask;
    this.#length = stop - start + 1;
    this.#shrinkIfSparse();
  }

  /** The elements head first. */
  *values(): IterableIterator<string> {
    for (let i = 0; i < this.#length; i++) yield this.#slots[(this.#head + i) & this.#mask]!;
  }

  /** The elements tail first. */
  *reverseValues(): IterableIterator<string> {
    for (let i = this.#length - 1; i >= 0; i--) yield this.#slots[(this.#head + i) & this.#mask]!;
  }

  [Symbol.iterator](): IterableIterator<string> {
    return this.values();
  }

  /**
   * Tells the hold about a trim to `start`..`stop` before it is made: it is
   * that many pops off the head, then off the tail. O(elements removed), as
   * the trim itself.
   */
  #trimHeld(start: number, stop: number): void {
    const held = this.held!;
    let length = this.#length;
    for (let i = 0; i < start; i++) held.poppedHead(this.at(i)!, length--);
    for (let i = this.#length - 1; i > stop; i--) held.poppedTail(this.at(i)!, length--);
  }

  /** Before a change in the middle: the hold copies what it still needs, and lets go. */
  #unhold(): void {
    this.held!.freeze(this);
    this.held = null;
  }

  /** `index` as a position from the head, or -1 when it is past either end. */
  #position(index: number): number {
    const position = index < 0 ? this.#length + index : index;
    return position >= 0 && position < this.#length ? position : -1;
  }

  #checkRange(start: number, stop: number): void {
    if (!Number.isInteger(start) || start < 0) throw this.#outside("Range start", start);
    if (!Number.isInteger(stop) || stop >= this.#length) throw this.#outside("Range stop", stop);
  }

  #outside(what: string, index: number): RangeError {
    return new RangeError(`${what} ${index} is outside a list of length ${this.#length}`);
  }

  /** Copies element `from` to position `to` (both positions from the head). */
  #move(from: number, to: number): void {
    this.#slots[(this.#head + to) & this.#mask] = this.#slots[(this.#head + from) & this.#mask];
  }

  /** Frees the slot of element `position`, taking its bytes off the count. */
  #drop(position: number): void {
    const slot = (this.#head + position) & this.#mask;
    this.#bytes -= this.#slots[slot]!.length + ELEMENT_OVERHEAD;
    this.#slots[slot] = undefined;
  }

  /** Halves (or more) the ring once it is at most a quarter full. */
  #shrinkIfSparse(): void {
    const capacity = this.#slots.length;
    if (capacity <= MIN_CAPACITY || this.#length * 4 > capacity) return;
    let target = MIN_CAPACITY;
    while (target < this.#length * 2) target *= 2;
    this.#resize(target);
  }

  /** Moves the elements, head first, into a fresh ring of `capacity` slots. */
  #resize(capacity: number): void {
    const slots = new Array<string | undefined>(capacity).fill(undefined);
    for (let i = 0; i < this.#length; i++) slots[i] = this.#slots[(this.#head + i) & this.#mask];
    this.#slots = slots;
    this.#mask = capacity - 1;
    this.#head = 0;
  }
}
