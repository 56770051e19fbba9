/**
 * SCAN's cursors. A JavaScript `Map` has no stable bucket order to encode
 * in a cursor as Redis does, but its iterators are live and defined under
 * mutation: an entry present from the iterator's start to its end is
 * visited exactly once, whatever is added or deleted meanwhile. So a cursor
 * is the number of a saved iterator, and SCAN continues it.
 *
 * At most `limit` iterations are kept; the oldest is dropped first. A cursor
 * that is unknown (dropped, or invented by the client) starts over from the
 * beginning: SCAN may return a key twice, as Redis's may, but never misses
 * one that was present for the whole scan. HSCAN, SSCAN and ZSCAN save
 * iterators of a container's members with the container as their owner, so
 * a cursor only continues a scan of the container it came from.
 *
 * @example
 * ```ts
 * const cursors = new ScanCursors();
 * const iterator = cursors.resume(0, () => db.keys());
 * // ... take up to COUNT keys from iterator; if it is not done:
 * const next = cursors.save(iterator); // the cursor to send back
 * ```
 */
export class ScanCursors {
  readonly #open = new Map<number, { iterator: Iterator<string>; owner: object | null }>();
  readonly #limit: number;
  #next = 1;

  /** @param limit how many scans may be in progress at once. */
  constructor(limit = 10_000) {
    this.#limit = limit;
  }

  /**
   * The iterator for `cursor`, or a new one from `start` for 0, an unknown
   * cursor, or one saved with another owner.
   */
  resume(
    cursor: number,
    start: () => Iterator<string>,
    owner: object | null = null,
  ): Iterator<string> {
    const open = this.#open.get(cursor);
    if (open === undefined || open.owner !== owner) return start();
    this.#open.delete(cursor);
    return open.iterator;
  }

  /** Keeps `iterator` (of `owner`'s members) for a later scan; returns its cursor (never 0). */
  save(iterator: Iterator<string>, owner: object | null = null): number {
    if (this.#open.size >= this.#limit) {
      this.#open.delete(this.#open.keys().next().value as number);
    }
    const cursor = this.#next++;
    this.#open.set(cursor, { iterator, owner });
    return cursor;
  }

  /** Scans in progress. */
  get size(): number {
    return this.#open.size;
  }
}
