import {
  LFU_INIT_VAL,
  lfuDecayed,
  lfuField,
  lfuMinutes,
  type LfuOptions,
  lfuTouched,
} from "./lfu.ts";
import type { Reclaimed } from "./store.ts";
import { binaryFromBytes } from "../io/binary.ts";
import { djb2Bytes } from "./djb2.ts";
import type { Clock } from "./shard.ts";
import { type Value, valueBytes } from "./value.ts";

/** Entries per page of the entry table: pages, not one array, so growth never copies. */
const PAGE_BITS = 16;
const PAGE_SIZE = 1 << PAGE_BITS;
/** An entry's location when the entry is free. No record starts there (a record takes ≥ 2 bytes). */
const FREE = 0xffffffff;
/** The smallest index table. */
const MIN_SLOTS = 16;
/** Index slots moved per operation while a rehash runs (rounded up to a whole cluster). */
const REHASH_STEP = 8;
/** Arena bytes walked by compaction per write, at least; more for big records. */
const COMPACT_STEP = 1024;
/** Record kinds, the low bit of a record's first varint. */
const INLINE = 0;
const SIDE = 1;
/** LRU stamps count tenths of a second (the access clock's step), so 32 bits last 13 years. */
const STAMP_MS = 100;

/** Murmur3's finalizer: spreads DJB2's weak low bits over the whole word for linear probing. */
export function mixHash(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Options for {@linkcode ArenaShard}. */
export interface ArenaOptions {
  /** Bytes per arena, a power of two from 2^8 to 2^22; default 4 MiB. */
  arenaSize?: number;
}

/**
 * One table of the arena store: keys and string values as bytes in large
 * arenas, found through an open-addressed index, so a million keys cost a few
 * dozen JS objects instead of two million strings and a `Map`'s slots.
 *
 * - **Entries.** An entry is a number (its id) with two 32-bit fields in paged
 *   `Uint32Array`s: its key's hash and its record's location (arena number in
 *   the high bits, byte offset in the low ones). An entry keeps its id while
 *   its key lives, overwrites included; freed ids are reused (chained through
 *   the hash field). Iterating ids is therefore a live iterator that sees
 *   every lasting key once, whatever the index does meanwhile.
 * - **Records.** `varint(keyLength·2 + kind)`, then for an inline string
 *   `varint(valueLength)`, the key bytes and the value bytes. Kind SIDE means
 *   the value is kept beside the arena, in a `Map` by entry id: containers
 *   (JS objects changed in place by `Db`) and strings longer than an eighth of
 *   an arena (a V8 one-byte string is its own flat buffer, and GET then copies
 *   nothing). A record longer than an eighth of an arena (a huge key) gets an
 *   arena of its own.
 * - **Index.** Linear probing over a power-of-two `Uint32Array` of entry
 *   id + 1 (0 is empty), home slot from {@linkcode mixHash}; a probe compares
 *   the stored hash before the bytes. Deletion shifts the cluster back (no
 *   tombstones). It grows past 3/4 full and shrinks below 1/8, **incrementally**
 *   as Redis's dict: a second table, and every operation moves the next
 *   {@linkcode REHASH_STEP} slots, finishing the cluster it is in (a cluster
 *   moved whole keeps every probe in the old table correct). Growth is done
 *   before the new table can fill (it needs 3/4 of the old size in inserts;
 *   each moves 8 slots). A random key is a random slot of both tables, drawn
 *   again while empty: uniform, since each key holds one slot, and O(1)
 *   expected as the tables stay ≥ 1/8 full.
 * - **Space.** Writes bump-allocate in the current arena. An overwrite with a
 *   value of the same length writes in place; any other one, and every delete,
 *   counts the old record's bytes dead in its arena. An arena more than half
 *   dead is compacted in slices: each write walks a few of its records
 *   (at least twice the bytes it killed), moving the live ones (an entry whose
 *   location is this record) to the current arena; a walked arena is reused.
 *   So a SET-overwrite loop settles at under twice its live bytes.
 * - **Expiry** is a sparse `Map` from entry id to time, only for keys that
 *   have one, swept as the `Map` store's is.
 * - **Access** (OBJECT IDLETIME and FREQ, and eviction's choice): one 32-bit
 *   field per entry in paged `Uint32Array`s beside the entry table, as
 *   Redis's 24 `lru` bits: an LRU stamp in tenths of a second since the shard
 *   was made, or under an LFU policy the minute and counter of `lfu.ts`; 0
 *   means not touched since the policy last switched.
 *
 * Limits: 2^32 bytes of arenas per shard (a thousand 4 MiB arenas); more
 * keys than that need more `--shards`. The side and expiry maps hold at most
 * ~16.7M entries each per shard (V8's `Map` limit), the index and entries
 * 2^32 − 2.
 *
 * @example
 * ```ts
 * const shard = new ArenaShard(Date.now);
 * const h = djb2("k");
 * shard.set("k", h, "v", 0);
 * shard.get("k", h); // "v"
 * ```
 */
export class ArenaShard {
  readonly #clock: Clock;
  readonly #arenaSize: number;
  readonly #offsetBits: number;
  readonly #offsetMask: number;
  // Entries: [hash, location] pairs, PAGE_SIZE per page.
  #pages: Uint32Array[] = [];
  #nextId = 0;
  /** Head of the free-id chain, or -1. */
  #freeId = -1;
  // Index: the current table, and while rehashing the old one being emptied.
  #table = new Uint32Array(MIN_SLOTS);
  #tableCount = 0;
  #old: Uint32Array | null = null;
  #oldCount = 0;
  #rehashAt = 0;
  #rehashLeft = 0;
  // Arenas.
  #arenas: (Uint8Array | null)[] = [];
  #fill: number[] = [];
  #dead: number[] = [];
  #freeArenas: number[] = [];
  #spare: Uint8Array | null = null;
  #current = -1;
  #compactQueue: number[] = [];
  /** Whether each arena is in `#compactQueue`. */
  #queued: boolean[] = [];
  #compacting = -1;
  #compactAt = 0;
  // Beside the arenas.
  #side = new Map<number, Value>();
  #expires = new Map<number, number>();
  #bytes = 0;
  #sweep: IterableIterator<[number, number]> | null = null;
  /** Each entry's access field, PAGE_SIZE per page, in step with `#pages`. */
  #access: Uint32Array[] = [];
  /** The LFU settings while an LFU policy is chosen; `null` tracks recency. */
  #lfu: LfuOptions | null = null;
  /** The access clock: the time of the last `tick`, in ms, and as an LRU stamp. */
  #now: number;
  #stamp: number;
  /** When stamp 0 was. */
  readonly #epoch: number;
  /** Keys found expired when looked up, and removed then. */
  lazilyExpired = 0;

  constructor(clock: Clock, options: ArenaOptions = {}) {
    const size = options.arenaSize ?? 4 * 1024 * 1024;
    const bits = Math.log2(size);
    if (!Number.isInteger(bits) || bits < 8 || bits > 22) {
      throw new RangeError(`Arena size must be a power of two from 256 to 4 MiB, found ${size}`);
    }
    this.#clock = clock;
    this.#arenaSize = size;
    this.#offsetBits = bits;
    this.#offsetMask = size - 1;
    this.#now = this.#epoch = clock();
    this.#stamp = 1;
  }

  /** Keys stored, expired ones not yet reclaimed included. */
  get size(): number {
    return this.#tableCount + this.#oldCount;
  }

  get expiringSize(): number {
    return this.#expires.size;
  }

  get bytes(): number {
    return this.#bytes;
  }

  /** Bytes of arena memory held, live and dead, for measurements. */
  get arenaBytes(): number {
    let total = 0;
    for (const arena of this.#arenas) if (arena !== null) total += arena.length;
    return total;
  }

  /** Bytes of the entry table's pages, for measurements. */
  get entryBytes(): number {
    return this.#pages.length * PAGE_SIZE * 8;
  }

  /** Slots in the index tables, for tests of the incremental rehash. */
  get slots(): number {
    return this.#table.length + (this.#old?.length ?? 0);
  }

  /** Whether a rehash is in progress. */
  get rehashing(): boolean {
    return this.#old !== null;
  }

  // ---- entries

  #hashOf(id: number): number {
    return this.#pages[id >>> PAGE_BITS][(id & (PAGE_SIZE - 1)) << 1];
  }

  #locationOf(id: number): number {
    return this.#pages[id >>> PAGE_BITS][((id & (PAGE_SIZE - 1)) << 1) + 1];
  }

  #setEntry(id: number, hash: number, location: number): void {
    const page = this.#pages[id >>> PAGE_BITS];
    const at = (id & (PAGE_SIZE - 1)) << 1;
    page[at] = hash;
    page[at + 1] = location;
  }

  #newId(): number {
    if (this.#freeId >= 0) {
      const id = this.#freeId;
      const next = this.#hashOf(id);
      this.#freeId = next === FREE ? -1 : next;
      return id;
    }
    const id = this.#nextId++;
    if (id >>> PAGE_BITS >= this.#pages.length) {
      this.#pages.push(new Uint32Array(PAGE_SIZE * 2));
      this.#access.push(new Uint32Array(PAGE_SIZE));
    }
    return id;
  }

  // ---- access fields

  /** Advances the access clock to now. */
  tick(): void {
    this.#now = this.#clock();
    this.#stamp = 1 + Math.floor((this.#now - this.#epoch) / STAMP_MS);
  }

  /** Stamps an access of entry `id` (`fresh`: a new key): the clock, or its LFU counter bumped. */
  #touch(id: number, fresh: boolean): void {
    const page = this.#access[id >>> PAGE_BITS];
    const at = id & (PAGE_SIZE - 1);
    const lfu = this.#lfu;
    if (lfu === null) page[at] = this.#stamp;
    else if (fresh || page[at] === 0) page[at] = lfuField(lfuMinutes(this.#now), LFU_INIT_VAL);
    else page[at] = lfuTouched(page[at], this.#now, lfu);
  }

  #accessOf(id: number): number {
    return this.#access[id >>> PAGE_BITS][id & (PAGE_SIZE - 1)];
  }

  /** Milliseconds since `key` was last read or written, or -1 when it does not exist. */
  idleMs(key: string, hash: number): number {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return -1;
    if (this.#lfu !== null) return 0;
    // A field never stamped (an entry written by a path that does not touch) counts from the start.
    const stamp = Math.max(1, this.#accessOf(id));
    return Math.max(0, this.#clock() - (this.#epoch + (stamp - 1) * STAMP_MS));
  }

  /** `key`'s LFU counter after decay, or -1 when it does not exist; 0 while tracking recency. */
  frequency(key: string, hash: number): number {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return -1;
    const field = this.#accessOf(id);
    if (this.#lfu === null || field === 0) return 0;
    return lfuDecayed(field, this.#clock(), this.#lfu);
  }

  /**
   * Switches the access fields to LFU counters or back to recency; on a
   * switch every field starts afresh, as the `Map` store's do (a fill per
   * page of 64K entries): untouched under LFU, idle since the last tick under LRU.
   */
  trackFrequency(options: LfuOptions | null): void {
    const switched = (options === null) !== (this.#lfu === null);
    this.#lfu = options;
    if (!switched) return;
    for (const page of this.#access) page.fill(options === null ? this.#stamp : 0);
  }

  #freeEntry(id: number): void {
    this.#setEntry(id, this.#freeId < 0 ? FREE : this.#freeId, FREE);
    this.#freeId = id;
  }

  // ---- records

  #arenaOf(location: number): Uint8Array {
    return this.#arenas[location >>> this.#offsetBits] as Uint8Array;
  }

  /** Where `location`'s key starts, its length, its kind, and where its value starts and ends. */
  #record(location: number): [number, number, number, number, number] {
    const bytes = this.#arenaOf(location);
    let at = location & this.#offsetMask;
    let meta = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = bytes[at++];
      meta += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    const kind = meta % 2;
    const keyLength = (meta - kind) / 2;
    let valueLength = 0;
    if (kind === INLINE) {
      shift = 0;
      do {
        byte = bytes[at++];
        valueLength += (byte & 0x7f) * 2 ** shift;
        shift += 7;
      } while (byte & 0x80);
    }
    const valueStart = at + keyLength;
    return [at, keyLength, kind, valueStart, valueStart + valueLength];
  }

  #recordEnd(location: number): number {
    return this.#record(location)[4];
  }

  #keyEquals(id: number, key: string): boolean {
    const location = this.#locationOf(id);
    const bytes = this.#arenaOf(location);
    const [start, length] = this.#record(location);
    if (length !== key.length) return false;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== key.charCodeAt(i)) return false;
    return true;
  }

  #keyEqualsBytes(id: number, source: Uint8Array, from: number, length: number): boolean {
    const location = this.#locationOf(id);
    const bytes = this.#arenaOf(location);
    const [start, keyLength] = this.#record(location);
    if (keyLength !== length) return false;
    for (let i = 0; i < length; i++) if (bytes[start + i] !== source[from + i]) return false;
    return true;
  }

  #keyOf(id: number): string {
    const location = this.#locationOf(id);
    const [start, length] = this.#record(location);
    return binaryFromBytes(this.#arenaOf(location), start, start + length);
  }

  #valueOf(id: number): Value {
    const location = this.#locationOf(id);
    const [, , kind, start, end] = this.#record(location);
    if (kind === SIDE) return this.#side.get(id) as Value;
    return binaryFromBytes(this.#arenaOf(location), start, end);
  }

  /** Writes a record for `key` (and `value`, if inline) and returns its location. */
  #writeRecord(key: string, value: string | null): number {
    const kind = value === null ? SIDE : INLINE;
    const meta = key.length * 2 + kind;
    const size = varintSize(meta) + key.length +
      (value === null ? 0 : varintSize(value.length) + value.length);
    const location = this.#allocate(size);
    const bytes = this.#arenaOf(location);
    let at = writeVarint(bytes, location & this.#offsetMask, meta);
    if (value !== null) at = writeVarint(bytes, at, value.length);
    for (let i = 0; i < key.length; i++) bytes[at + i] = key.charCodeAt(i);
    if (value !== null) {
      at += key.length;
      for (let i = 0; i < value.length; i++) bytes[at + i] = value.charCodeAt(i);
    }
    return location;
  }

  /** {@linkcode ArenaShard.#writeRecord} of an inline string given as bytes of `source`. */
  #writeRecordBytes(
    source: Uint8Array,
    keyStart: number,
    keyLength: number,
    valueStart: number,
    valueLength: number,
  ): number {
    const meta = keyLength * 2 + INLINE;
    const size = varintSize(meta) + keyLength + varintSize(valueLength) + valueLength;
    const location = this.#allocate(size);
    const bytes = this.#arenaOf(location);
    let at = writeVarint(bytes, location & this.#offsetMask, meta);
    at = writeVarint(bytes, at, valueLength);
    copyBytes(source, keyStart, keyLength, bytes, at);
    copyBytes(source, valueStart, valueLength, bytes, at + keyLength);
    return location;
  }

  #allocate(size: number): number {
    if (size > this.#arenaSize >>> 3) {
      const number = this.#newArena(new Uint8Array(size));
      this.#fill[number] = size;
      return number * this.#arenaSize;
    }
    if (this.#current < 0 || this.#fill[this.#current] + size > this.#arenaSize) {
      const retired = this.#current;
      const buffer = this.#spare ?? new Uint8Array(this.#arenaSize);
      this.#spare = null;
      this.#current = this.#newArena(buffer);
      if (retired >= 0) this.#maybeQueue(retired);
    }
    const offset = this.#fill[this.#current];
    this.#fill[this.#current] = offset + size;
    return this.#current * this.#arenaSize + offset;
  }

  #newArena(buffer: Uint8Array): number {
    const number = this.#freeArenas.pop() ?? this.#arenas.length;
    if (number >= 2 ** (32 - this.#offsetBits)) {
      throw new RangeError(
        `Shard arenas full: ${number} arenas of ${this.#arenaSize} bytes; use more --shards`,
      );
    }
    this.#arenas[number] = buffer;
    this.#fill[number] = 0;
    this.#dead[number] = 0;
    this.#queued[number] = false;
    return number;
  }

  /** Counts the record at `location` dead; frees an arena of its own at once. */
  #kill(location: number): void {
    const number = location >>> this.#offsetBits;
    const size = this.#recordEnd(location) - (location & this.#offsetMask);
    this.#dead[number] += size;
    const arena = this.#arenas[number] as Uint8Array;
    if (arena.length !== this.#arenaSize) this.#releaseArena(number);
    else this.#maybeQueue(number);
  }

  #maybeQueue(number: number): void {
    if (number === this.#current || number === this.#compacting) return;
    if (!this.#queued[number] && this.#dead[number] * 2 > this.#fill[number]) {
      this.#queued[number] = true;
      this.#compactQueue.push(number);
    }
  }

  #releaseArena(number: number): void {
    const arena = this.#arenas[number] as Uint8Array;
    if (arena.length === this.#arenaSize) this.#spare ??= arena;
    this.#arenas[number] = null;
    this.#freeArenas.push(number);
  }

  /** Walks up to `budget` bytes of the arena being compacted, moving its live records. */
  #compactStep(budget: number): void {
    while (budget > 0) {
      if (this.#compacting < 0) {
        const next = this.#compactQueue.shift();
        if (next === undefined) return;
        this.#compacting = next;
        this.#compactAt = 0;
      }
      const number = this.#compacting;
      const bytes = this.#arenas[number] as Uint8Array;
      const fill = this.#fill[number];
      while (budget > 0 && this.#compactAt < fill) {
        const location = number * this.#arenaSize + this.#compactAt;
        const [keyStart, keyLength, , , end] = this.#record(location);
        const size = end - this.#compactAt;
        const hash = mixHash(djb2Bytes(bytes, keyStart, keyStart + keyLength));
        const id = this.#idAt(hash, location);
        if (id >= 0) {
          const moved = this.#allocate(size);
          this.#arenaOf(moved).set(bytes.subarray(this.#compactAt, end), moved & this.#offsetMask);
          this.#setEntry(id, hash, moved);
        }
        this.#compactAt = end;
        budget -= size;
      }
      if (this.#compactAt < fill) return;
      this.#compacting = -1;
      this.#releaseArena(number);
    }
  }

  /** The entry whose record is at `location` (its key hashing to `hash`), or -1: a dead record. */
  #idAt(hash: number, location: number): number {
    for (const table of [this.#table, this.#old]) {
      if (table === null) continue;
      const mask = table.length - 1;
      for (let i = hash & mask; table[i] !== 0; i = (i + 1) & mask) {
        const id = table[i] - 1;
        if (this.#hashOf(id) === hash && this.#locationOf(id) === location) return id;
      }
    }
    return -1;
  }

  // ---- index

  /** The slot of `key` in `table`, or -1. */
  #probe(table: Uint32Array, key: string, hash: number): number {
    const mask = table.length - 1;
    for (let i = hash & mask; table[i] !== 0; i = (i + 1) & mask) {
      const id = table[i] - 1;
      if (this.#hashOf(id) === hash && this.#keyEquals(id, key)) return i;
    }
    return -1;
  }

  /** {@linkcode ArenaShard.#probe} of a key given as `length` bytes of `source` from `from`. */
  #probeBytes(
    table: Uint32Array,
    source: Uint8Array,
    from: number,
    length: number,
    hash: number,
  ): number {
    const mask = table.length - 1;
    for (let i = hash & mask; table[i] !== 0; i = (i + 1) & mask) {
      const id = table[i] - 1;
      if (this.#hashOf(id) === hash && this.#keyEqualsBytes(id, source, from, length)) return i;
    }
    return -1;
  }

  /** {@linkcode ArenaShard.#find} of a key given as bytes. */
  #findBytes(source: Uint8Array, from: number, length: number, hash: number): number {
    if (this.#old !== null) this.#moveRehash();
    let slot = this.#probeBytes(this.#table, source, from, length, hash);
    if (slot >= 0) return this.#table[slot] - 1;
    if (this.#old === null) return -1;
    slot = this.#probeBytes(this.#old, source, from, length, hash);
    return slot >= 0 ? this.#old[slot] - 1 : -1;
  }

  /** One operation's share of a running rehash. */
  #moveRehash(): void {
    // More slots per step the emptier the tables are (a shrink): empty
    // slots cost little to pass, and the tables reach their size before a
    // random draw's tries (slots ÷ keys) can pile up.
    this.#rehashStep(REHASH_STEP * Math.ceil(this.slots / (8 * Math.max(1, this.size))));
  }

  /** `key`'s entry id, or -1. */
  #find(key: string, hash: number): number {
    if (this.#old !== null) this.#moveRehash();
    let slot = this.#probe(this.#table, key, hash);
    if (slot >= 0) return this.#table[slot] - 1;
    if (this.#old === null) return -1;
    slot = this.#probe(this.#old, key, hash);
    return slot >= 0 ? this.#old[slot] - 1 : -1;
  }

  static #insert(table: Uint32Array, hash: number, slotValue: number): void {
    const mask = table.length - 1;
    let i = hash & mask;
    while (table[i] !== 0) i = (i + 1) & mask;
    table[i] = slotValue;
  }

  /** Removes `id` from whichever table holds it, shifting its cluster back. */
  #unindex(id: number, hash: number): void {
    let table: Uint32Array = this.#table;
    let slot = ArenaShard.#slotOf(table, id, hash);
    if (slot < 0) {
      table = this.#old as Uint32Array;
      slot = ArenaShard.#slotOf(table, id, hash);
      this.#oldCount--;
    } else {
      this.#tableCount--;
    }
    const mask = table.length - 1;
    let hole = slot;
    for (let j = (hole + 1) & mask; table[j] !== 0; j = (j + 1) & mask) {
      const home = this.#hashOf(table[j] - 1) & mask;
      // Move j back into the hole unless its home lies cyclically in (hole, j].
      const homeAfterHole = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (!homeAfterHole) {
        table[hole] = table[j];
        hole = j;
      }
    }
    table[hole] = 0;
  }

  static #slotOf(table: Uint32Array, id: number, hash: number): number {
    const mask = table.length - 1;
    for (let i = hash & mask; table[i] !== 0; i = (i + 1) & mask) if (table[i] === id + 1) return i;
    return -1;
  }

  #maybeResize(): void {
    if (this.#old !== null) return;
    const slots = this.#table.length;
    if (this.#tableCount * 4 > slots * 3) this.#startRehash(slots * 2);
    else if (slots > MIN_SLOTS && this.#tableCount * 8 < slots) this.#startRehash(slots / 2);
  }

  #startRehash(slots: number): void {
    const old = this.#table;
    let start = 0;
    while (old[start] !== 0) start++;
    this.#old = old;
    this.#oldCount = this.#tableCount;
    this.#table = new Uint32Array(slots);
    this.#tableCount = 0;
    this.#rehashAt = start;
    this.#rehashLeft = old.length;
  }

  /** Moves `slots` old slots or more (whole clusters) into the new table. */
  #rehashStep(slots: number): void {
    const old = this.#old as Uint32Array;
    const mask = old.length - 1;
    const table = this.#table;
    let done = 0;
    while (this.#rehashLeft > 0 && (done < slots || old[this.#rehashAt] !== 0)) {
      const i = this.#rehashAt;
      const slot = old[i];
      if (slot !== 0) {
        old[i] = 0;
        ArenaShard.#insert(table, this.#hashOf(slot - 1), slot);
        this.#oldCount--;
        this.#tableCount++;
      }
      this.#rehashAt = (i + 1) & mask;
      this.#rehashLeft--;
      done++;
    }
    if (this.#rehashLeft === 0) {
      this.#old = null;
      this.#maybeResize();
    }
  }

  // ---- the store's operations

  get(key: string, hash: number): Value | undefined {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return undefined;
    this.#touch(id, false);
    return this.#valueOf(id);
  }

  /** `key`'s entry, or -1 when it is absent or expired (then reclaimed). */
  #live(key: string, hash: number): number {
    const id = this.#find(key, hash);
    if (id < 0 || this.#expires.size === 0) return id;
    const at = this.#expires.get(id);
    if (at === undefined || at > this.#clock()) return id;
    this.#remove(id);
    this.lazilyExpired++;
    return -1;
  }

  set(key: string, djb: number, value: Value, expiresAt: number): void {
    const hash = mixHash(djb);
    const inline = typeof value === "string" && value.length <= this.#arenaSize >>> 3;
    let id = this.#find(key, hash);
    let budget = COMPACT_STEP;
    if (id < 0) {
      id = this.#added(hash, this.#writeRecord(key, inline ? value as string : null));
      this.#bytes += key.length + valueBytes(value);
    } else {
      this.#touch(id, false);
      const location = this.#locationOf(id);
      const [, , kind, start, end] = this.#record(location);
      const old = kind === SIDE ? this.#side.get(id) as Value : null;
      this.#bytes += valueBytes(value) - (old === null ? end - start : valueBytes(old));
      if (inline && kind === INLINE && end - start === (value as string).length) {
        const bytes = this.#arenaOf(location);
        const text = value as string;
        for (let i = 0; i < text.length; i++) bytes[start + i] = text.charCodeAt(i);
      } else if (!inline && kind === SIDE) {
        // The record holds only the key: nothing to rewrite.
      } else {
        budget += 2 * (end - (location & this.#offsetMask));
        this.#kill(location);
        this.#setEntry(id, hash, this.#writeRecord(key, inline ? value as string : null));
        if (inline) this.#side.delete(id);
      }
    }
    if (!inline) this.#side.set(id, value);
    this.#finishSet(id, expiresAt, budget);
  }

  /** Makes a new entry for a record at `location`, indexes it and stamps it; returns its id. */
  #added(hash: number, location: number): number {
    const id = this.#newId();
    this.#setEntry(id, hash, location);
    ArenaShard.#insert(this.#table, hash, id + 1);
    this.#tableCount++;
    this.#touch(id, true);
    this.#maybeResize();
    return id;
  }

  /** The end of every set: the key's expiry, then a step of compaction worth `budget` bytes. */
  #finishSet(id: number, expiresAt: number, budget: number): void {
    if (expiresAt > 0) this.#expires.set(id, expiresAt);
    else if (this.#expires.size > 0) this.#expires.delete(id);
    this.#compactStep(budget);
  }

  /** The longest string value kept inline in an arena; longer ones live beside it. */
  get inlineLimit(): number {
    return this.#arenaSize >>> 3;
  }

  /**
   * {@linkcode ArenaShard.set} of a string value, key and value given as
   * bytes of `source` (the WAL replay's buffer): no string is made for
   * either. `djb` is DJB2 of the key bytes; the value must be at most
   * {@linkcode ArenaShard.inlineLimit} bytes.
   */
  setBytes(
    source: Uint8Array,
    keyStart: number,
    keyEnd: number,
    valueStart: number,
    valueEnd: number,
    djb: number,
    expiresAt: number,
  ): void {
    const hash = mixHash(djb);
    const keyLength = keyEnd - keyStart;
    const valueLength = valueEnd - valueStart;
    let id = this.#findBytes(source, keyStart, keyLength, hash);
    let budget = COMPACT_STEP;
    if (id < 0) {
      id = this.#added(
        hash,
        this.#writeRecordBytes(source, keyStart, keyLength, valueStart, valueLength),
      );
      this.#bytes += keyLength + valueLength;
    } else {
      this.#touch(id, false);
      const location = this.#locationOf(id);
      const [, , kind, start, end] = this.#record(location);
      const old = kind === SIDE ? this.#side.get(id) as Value : null;
      this.#bytes += valueLength - (old === null ? end - start : valueBytes(old));
      if (kind === INLINE && end - start === valueLength) {
        copyBytes(source, valueStart, valueLength, this.#arenaOf(location), start);
      } else {
        budget += 2 * (end - (location & this.#offsetMask));
        this.#kill(location);
        const moved = this.#writeRecordBytes(source, keyStart, keyLength, valueStart, valueLength);
        this.#setEntry(id, hash, moved);
        this.#side.delete(id);
      }
    }
    this.#finishSet(id, expiresAt, budget);
  }

  resized(delta: number): void {
    this.#bytes += delta;
  }

  delete(key: string, hash: number): boolean {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return false;
    this.#remove(id);
    return true;
  }

  #remove(id: number): void {
    const location = this.#locationOf(id);
    const [, keyLength, kind, start, end] = this.#record(location);
    this.#bytes -= keyLength +
      (kind === SIDE ? valueBytes(this.#side.get(id) as Value) : end - start);
    const budget = COMPACT_STEP + 2 * (end - (location & this.#offsetMask));
    this.#unindex(id, this.#hashOf(id));
    this.#kill(location);
    if (kind === SIDE) this.#side.delete(id);
    if (this.#expires.size > 0) this.#expires.delete(id);
    this.#freeEntry(id);
    this.#maybeResize();
    this.#compactStep(budget);
  }

  expiresAt(key: string, hash: number): number {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return -1;
    return this.#expires.get(id) ?? 0;
  }

  setExpiresAt(key: string, hash: number, expiresAt: number): boolean {
    const id = this.#live(key, mixHash(hash));
    if (id < 0) return false;
    if (expiresAt > 0) this.#expires.set(id, expiresAt);
    else this.#expires.delete(id);
    return true;
  }

  /** Every key by entry id: a live iterator (see the class comment). */
  *keys(): IterableIterator<string> {
    for (let id = 0; id < this.#nextId; id++) {
      if (this.#locationOf(id) !== FREE) yield this.#keyOf(id);
    }
  }

  *entries(): IterableIterator<[string, Value, number]> {
    for (let id = 0; id < this.#nextId; id++) {
      if (this.#locationOf(id) === FREE) continue;
      const at = this.#expires.size > 0 ? this.#expires.get(id) ?? 0 : 0;
      if (at === 0 || at > this.#clock()) yield [this.#keyOf(id), this.#valueOf(id), at];
    }
  }

  randomKey(): string | undefined {
    if (this.size === 0) return undefined;
    const table = this.#table;
    const old = this.#old;
    const slots = table.length + (old?.length ?? 0);
    for (;;) {
      const pick = Math.floor(Math.random() * slots);
      const slot = pick < table.length ? table[pick] : (old as Uint32Array)[pick - table.length];
      if (slot !== 0) return this.#keyOf(slot - 1);
    }
  }

  reclaimExpired(limit: number): Reclaimed {
    if (this.#old !== null) this.#rehashStep(limit * REHASH_STEP);
    this.#compactStep(limit * COMPACT_STEP);
    const now = this.#clock();
    let checked = 0;
    let reclaimed = 0;
    let ttlMs = 0;
    this.#sweep ??= this.#expires.entries();
    while (checked < limit) {
      const next = this.#sweep.next();
      if (next.done) {
        this.#sweep = null;
        break;
      }
      checked++;
      const [id, at] = next.value;
      if (at <= now) {
        this.#remove(id);
        reclaimed++;
      } else {
        ttlMs += at - now;
      }
    }
    return { checked, reclaimed, ttlMs };
  }
}

/** Copies `length` bytes; a loop for short runs, which a `subarray` view would cost more than. */
function copyBytes(
  source: Uint8Array,
  from: number,
  length: number,
  target: Uint8Array,
  to: number,
): void {
  if (length > 32) {
    target.set(source.subarray(from, from + length), to);
    return;
  }
  for (let i = 0; i < length; i++) target[to + i] = source[from + i];
}

function varintSize(n: number): number {
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size++;
  }
  return size;
}

function writeVarint(bytes: Uint8Array, at: number, n: number): number {
  while (n >= 128) {
    bytes[at++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  bytes[at++] = n;
  return at;
}
