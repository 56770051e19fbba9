/** What {@linkcode ListHold} reads of the list it follows. */
export interface HeldList {
  readonly length: number;
  at(index: number): string | undefined;
}

/**
 * A list as it was when a compaction's snapshot began to hold it, kept
 * while the live list goes on changing at its ends, so the snapshot can
 * write it a chunk at a time (see `src/wal/hold.ts`).
 *
 * Why only the ends: pushes and pops are what lists see most (queues), and
 * are O(1) in Redis. Elements pushed since the hold sit at the ends and are
 * only counted; elements the list held then and has since lost off an end
 * are kept here. The list as it was is therefore the head's lost elements,
 * the live list's middle (without the pushed ones), and the tail's lost
 * elements, last lost first. A change in the middle (LSET, LINSERT, LREM),
 * O(n) in Redis anyway, ends the tracking: {@linkcode ListHold.freeze}
 * copies the rest of the list as it was, a flat copy of references.
 *
 * @example
 * ```ts
 * const hold = new ListHold(list); // list: a, b, c
 * list.pushHead("x"); // the list notes hold.pushedHead()
 * hold.at(list, 0); // "a"
 * ```
 */
export class ListHold {
  /** The list's length when the hold began: what the snapshot writes. */
  readonly length: number;
  /** How many of the elements the snapshot has drawn so far, from the head. */
  drawn = 0;
  /** Elements held at the start, popped off the head since, in the order they went. */
  readonly #headPopped: string[] = [];
  /** Likewise off the tail: the last element first. */
  readonly #tailPopped: string[] = [];
  /** Elements pushed since the start still at the head, and at the tail. */
  #headPushed = 0;
  #tailPushed = 0;
  /** After a change in the middle: the elements from `#restFrom` on, as they were. */
  #rest: string[] | null = null;
  #restFrom = 0;

  constructor(list: HeldList) {
    this.length = list.length;
  }

  /** Whether a change in the middle has ended the tracking (the list need not call again). */
  get frozen(): boolean {
    return this.#rest !== null;
  }

  /** The element at `index` when the hold began, `list` being the live list followed. */
  at(list: HeldList, index: number): string {
    if (this.#rest !== null) return this.#rest[index - this.#restFrom];
    const head = this.#headPopped.length;
    if (index < head) return this.#headPopped[index];
    const middle = list.length - this.#headPushed - this.#tailPushed;
    if (index < head + middle) return list.at(this.#headPushed + index - head)!;
    return this.#tailPopped[this.length - 1 - index];
  }

  pushedHead(): void {
    this.#headPushed++;
  }

  pushedTail(): void {
    this.#tailPushed++;
  }

  /** `item` went off the head of a list `length` long before it went. */
  poppedHead(item: string, length: number): void {
    if (this.#headPushed > 0) this.#headPushed--;
    else if (length > this.#tailPushed) this.#headPopped.push(item);
    else this.#tailPushed--; // only pushed ones are left: one of the tail's
  }

  /** `item` went off the tail of a list `length` long before it went. */
  poppedTail(item: string, length: number): void {
    if (this.#tailPushed > 0) this.#tailPushed--;
    else if (length > this.#headPushed) this.#tailPopped.push(item);
    else this.#headPushed--;
  }

  /**
   * Copies what the snapshot has yet to draw, before `list` changes in its
   * middle: from then on the hold no longer depends on the live list.
   */
  freeze(list: HeldList): void {
    if (this.#rest !== null) return;
    const rest = new Array<string>(this.length - this.drawn);
    for (let i = this.drawn; i < this.length; i++) rest[i - this.drawn] = this.at(list, i);
    this.#restFrom = this.drawn;
    this.#rest = rest;
    this.#headPopped.length = 0;
    this.#tailPopped.length = 0;
  }
}
