import { RandomSlots } from "./random_slots.ts";
import type { ContainerBase } from "./container_base.ts";

/** Redis 7.0's `hash-max-listpack-entries` (its built-in default): more fields and a hash leaves its compact encoding. */
const COMPACT_ENTRIES = 512;
/** Redis's `hash-max-listpack-value`: a longer field or value does too. */
const COMPACT_BYTES = 64;

/**
 * A Redis hash: fields to values, both binary strings, in insertion order
 * (the order HGETALL answers in; Redis's own order is its table's, which no
 * client may rely on).
 *
 * @example
 * ```ts
 * const hash = new HashValue();
 * hash.set("name", "walkv"); // undefined: the field is new
 * hash.get("name"); // "walkv"
 * ```
 */
export class HashValue implements ContainerBase {
  readonly type = "hash";
  stamp = 0;
  /**
   * While a compaction's snapshot holds this hash (see `src/wal/hold.ts`):
   * each field changed since the hold began, with the value it had then
   * (`undefined`: it was absent), noted at its first change only. `null`
   * when no snapshot holds it: then a change costs this one check.
   */
  held: Map<string, string | undefined> | null = null;
  readonly #fields = new Map<string, string>();
  #bytes = 0;
  #random: RandomSlots | null = null;
  #compact = true;

  get size(): number {
    return this.#fields.size;
  }

  /** Total length of the fields and values. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * Whether Redis would still hold this hash as a listpack (OBJECT ENCODING,
   * and HSCAN answering it whole): no more than 512 fields, none longer than
   * 64 bytes, nor any value, ever; like Redis's, a hash never goes back.
   */
  get compact(): boolean {
    return this.#compact;
  }

  get(field: string): string | undefined {
    return this.#fields.get(field);
  }

  has(field: string): boolean {
    return this.#fields.has(field);
  }

  /** Sets `field`; returns its previous value, `undefined` if it is new. */
  set(field: string, value: string): string | undefined {
    const old = this.#fields.get(field);
    if (this.held !== null && !this.held.has(field)) this.held.set(field, old);
    if (old === undefined) {
      this.#bytes += field.length + value.length;
      this.#random?.added(field);
    } else {
      this.#bytes += value.length - old.length;
    }
    this.#fields.set(field, value);
    if (
      this.#compact &&
      (field.length > COMPACT_BYTES || value.length > COMPACT_BYTES ||
        this.#fields.size > COMPACT_ENTRIES)
    ) this.#compact = false;
    return old;
  }

  /** Removes `field`; returns the value it had. */
  delete(field: string): string | undefined {
    const old = this.#fields.get(field);
    if (old === undefined) return undefined;
    if (this.held !== null && !this.held.has(field)) this.held.set(field, old);
    this.#fields.delete(field);
    this.#bytes -= field.length + old.length;
    this.#random?.removed(field, this.#fields.size, () => this.#fields.keys());
    return old;
  }

  /** A uniformly random field, O(1) amortized; `undefined` when empty. */
  randomField(): string | undefined {
    this.#random ??= new RandomSlots(this.#fields.keys());
    return this.#random.pick();
  }

  /** Live iterators: see `ScanCursors` for what they promise under changes. */
  fields(): IterableIterator<string> {
    return this.#fields.keys();
  }

  values(): IterableIterator<string> {
    return this.#fields.values();
  }

  entries(): IterableIterator<[string, string]> {
    return this.#fields.entries();
  }
}
