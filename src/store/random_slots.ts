/** Dead slots allowed beyond a quarter of the live members before a rebuild. */
const DEAD_SLACK = 16;

/**
 * O(1) uniform random picks from a `Map` or `Set`, which have no index: the
 * members in an array of slots, in no order. A removed member's slot goes
 * dead lazily (noted in a set) and is dropped when a pick lands on it; once
 * dead slots outnumber a quarter of the members plus 16, the slots are
 * rebuilt from the members, O(n) once per that many removals. The same
 * scheme as the keyspace's {@linkcode Shard}, for a container's members.
 *
 * A container builds one on its first random pick, so containers that are
 * never asked for a random member pay nothing.
 *
 * @example
 * ```ts
 * const members = new Set(["a", "b"]);
 * const slots = new RandomSlots(members.keys());
 * slots.pick(); // "a" or "b"
 * ```
 */
export class RandomSlots {
  #slots: string[];
  #dead = new Set<string>();

  constructor(members: Iterable<string>) {
    this.#slots = Array.from(members);
  }

  /** Notes a member just added. */
  added(member: string): void {
    // A member removed and added again takes its dead slot back.
    if (this.#dead.size === 0 || !this.#dead.delete(member)) this.#slots.push(member);
  }

  /** Notes a member just removed; `members` are the ones left, for a rebuild. */
  removed(member: string, count: number, members: () => Iterable<string>): void {
    this.#dead.add(member);
    if (this.#dead.size > (count >>> 2) + DEAD_SLACK) {
      this.#slots = Array.from(members());
      this.#dead = new Set();
    }
  }

  /** A uniformly random live member, or `undefined` when there is none. */
  pick(): string | undefined {
    const slots = this.#slots;
    while (slots.length > 0) {
      const index = Math.floor(Math.random() * slots.length);
      const member = slots[index];
      if (this.#dead.size === 0 || !this.#dead.has(member)) return member;
      this.#dead.delete(member);
      const last = slots.pop() as string;
      if (index < slots.length) slots[index] = last;
    }
    return undefined;
  }
}
