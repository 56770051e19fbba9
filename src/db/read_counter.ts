/**
 * Keyspace hits and misses (INFO's `keyspace_hits`/`keyspace_misses`), as
 * Redis counts them in `lookupKeyRead`: every key a read-only command looks
 * up, of any type, on either protocol. The gate turns `counting` on while
 * a read-only command runs; `Db`'s lookups then count, so no command needs
 * to remember to.
 *
 * @example
 * ```ts
 * const reads = new ReadCounter();
 * reads.counting = true;
 * reads.saw(undefined); // a miss
 * reads.misses; // 1
 * ```
 */
export class ReadCounter {
  /** Whether lookups count now (a read-only command is running). */
  counting = false;
  hits = 0;
  misses = 0;

  /** Counts one lookup that found `value` (or nothing). */
  saw(value: unknown): void {
    if (value === undefined) this.misses++;
    else this.hits++;
  }
}
