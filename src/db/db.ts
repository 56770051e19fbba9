import type { Store } from "../store/store.ts";
import type { Container, Value } from "../store/value.ts";
import type { SnapshotSink } from "../wal/snapshot_sink.ts";
import { snapshotRecords } from "../wal/snapshot_records.ts";
import {
  type ContainerOp,
  encodeContainerOp,
  encodeDel,
  encodeExpireAt,
  encodeFlushDb,
  encodeInDb,
  encodeMulti,
  encodeSet,
  type RecordPieces,
} from "../wal/record.ts";
import type { Journal } from "./journal.ts";
import { ReadCounter } from "./read_counter.ts";
import { WrongTypeError } from "./wrong_type_error.ts";

/** How many expired keys {@linkcode Db.randomKey} may pick in a row before giving up. */
const RANDOM_KEY_TRIES = 1000;

/** A container class: what {@linkcode Db.container} and {@linkcode Db.update} look for. */
export type ContainerKind<C extends Container> = new () => C;

/**
 * What a container change did: the arguments of its record (see
 * {@linkcode ContainerOp}) and how to take it back.
 */
export interface ContainerChange {
  args: readonly string[];
  undo: () => void;
}

/**
 * A client blocked on keys (BLPOP and its kin) until a change to one of them
 * lets it be served: `retry` tries to serve it now, and says whether it did.
 */
export interface Waiter {
  retry(): boolean;
}

/** A client WATCHing keys: a change to one sets `dirty`. */
export interface Watcher {
  dirty: boolean;
}

/**
 * One database (Redis's `SELECT` index) as commands see it: reads go
 * straight to its {@linkcode Store}; every write also notes in the shared
 * {@linkcode Journal} how to undo itself and the WAL record that describes
 * it, and marks the clients WATCHing the key. Commands therefore never touch
 * the WAL, and no command can forget to log a change: the only way to change
 * a store is through here.
 *
 * Database 0 writes the records it always wrote (the seed's where they
 * apply); the others wrap theirs in a record naming the database.
 *
 * @example
 * ```ts
 * const db = databases.get(0);
 * db.set("k", "v");
 * databases.commit(); // logs "3SET1k1v\n"
 * ```
 */
export class Db {
  /** The database's number, from 0. */
  readonly index: number;
  #store: Store;
  readonly #journal: Journal;
  readonly #clock: () => number;
  /** Watchers by key; empty unless some client WATCHes a key here. */
  readonly #watchers = new Map<string, Set<Watcher>>();
  readonly #snapshot: () => SnapshotSink | null;
  /** Blocked clients by key, in the order they blocked; empty unless someone waits here. */
  readonly #waiters = new Map<string, Waiter[]>();
  readonly #ready: (db: Db, key: string) => void;
  readonly #reads: ReadCounter;

  /**
   * @param clock the time expiries are measured against; the store's clock.
   * @param snapshot the compaction snapshot being written, if any.
   * @param ready told when a key some client is blocked on has changed.
   */
  constructor(
    index: number,
    store: Store,
    journal: Journal,
    clock: () => number = Date.now,
    snapshot: () => SnapshotSink | null = () => null,
    ready: (db: Db, key: string) => void = () => {},
    reads: ReadCounter = new ReadCounter(),
  ) {
    this.#reads = reads;
    this.index = index;
    this.#store = store;
    this.#journal = journal;
    this.#clock = clock;
    this.#snapshot = snapshot;
    this.#ready = ready;
  }

  /** The store behind this database (SWAPDB exchanges them). */
  get store(): Store {
    return this.#store;
  }

  /** Milliseconds since the epoch, by the clock expiries use. */
  now(): number {
    return this.#clock();
  }

  /**
   * The string under `key`, or `undefined` when absent or expired.
   * @throws {WrongTypeError} when the key holds a container.
   */
  get(key: string): string | undefined {
    const value = this.#store.get(key);
    if (this.#reads.counting) this.#reads.saw(value);
    if (value === undefined || typeof value === "string") return value;
    throw new WrongTypeError();
  }

  /** Whatever `key` holds, of any type, or `undefined`. */
  value(key: string): Value | undefined {
    const value = this.#store.get(key);
    if (this.#reads.counting) this.#reads.saw(value);
    return value;
  }

  /** Whether `key` exists, of any type. */
  exists(key: string): boolean {
    const value = this.#store.get(key);
    if (this.#reads.counting) this.#reads.saw(value);
    return value !== undefined;
  }

  /** Milliseconds since `key` was last read or written, or -1 if absent (OBJECT IDLETIME). */
  idleMs(key: string): number {
    return this.#store.idleMs(key);
  }

  /** `key`'s LFU counter, or -1 if absent (OBJECT FREQ); not a read that counts. */
  frequency(key: string): number {
    return this.#store.frequency(key);
  }

  /**
   * The container of class `kind` under `key`, or `undefined` when absent.
   * Read it, never change it: changes go through {@linkcode Db.update}.
   * @throws {WrongTypeError} when the key holds another type.
   */
  container<C extends Container>(key: string, kind: ContainerKind<C>): C | undefined {
    const value = this.#store.get(key);
    if (this.#reads.counting) this.#reads.saw(value);
    if (value === undefined || value instanceof kind) return value;
    throw new WrongTypeError();
  }

  /**
   * Changes the container of class `kind` under `key`: `change` makes the
   * change and returns its record's arguments and its undo, or `null` when
   * it changed nothing. With `create`, a missing key gets a new, empty
   * container first (stored only if the change leaves it non-empty);
   * without, a missing key is `undefined` and `change` is not called. A
   * container left empty is removed, as in Redis. Returns the container.
   *
   * This is the one way containers change, so every change is logged as
   * `op` (a change, never the whole container), watched keys are marked,
   * the store's byte count follows, and a compaction in progress gets the
   * container as it was before its first change ({@linkcode SnapshotSink}).
   * @throws {WrongTypeError} when the key holds another type.
   */
  update<C extends Container>(
    key: string,
    kind: ContainerKind<C>,
    op: ContainerOp,
    change: (container: C) => ContainerChange | null,
    create = true,
  ): C | undefined {
    const store = this.#store;
    const found = store.get(key);
    if (found !== undefined && !(found instanceof kind)) throw new WrongTypeError();
    if (found === undefined && !create) return undefined;
    const snapshot = this.#snapshot();
    let container: C;
    if (found === undefined) {
      container = new kind();
      if (snapshot !== null) container.stamp = snapshot.id;
    } else {
      container = found;
      if (snapshot !== null && container.stamp !== snapshot.id) {
        snapshot.emit(store, key, container, store.expiresAt(key));
      }
    }
    const before = container.bytes;
    const done = change(container);
    if (done === null) return container;
    let undo: () => void;
    if (found === undefined) {
      store.set(key, container);
      undo = () => store.delete(key);
    } else if (container.size === 0) {
      const expiresAt = store.expiringSize > 0 ? store.expiresAt(key) : 0;
      // The store counts what it holds as it goes: take off what the change
      // took out, since the delete can only see the emptied container.
      store.resized(key, container.bytes - before);
      store.delete(key);
      undo = () => {
        done.undo();
        store.set(key, container, expiresAt);
      };
    } else {
      const after = container.bytes;
      store.resized(key, after - before);
      undo = () => {
        done.undo();
        store.resized(key, before - after);
      };
    }
    this.#log(encodeContainerOp(op, key, done.args), undo);
    this.#touch(key);
    return container;
  }

  /** `key`'s expiry: 0 for none, -1 when the key does not exist. */
  expiresAt(key: string): number {
    return this.#store.expiresAt(key);
  }

  /** How many keys are stored (expired ones not yet reclaimed included). */
  get size(): number {
    return this.#store.size;
  }

  /** How many keys carry an expiry. */
  get expiringSize(): number {
    return this.#store.expiringSize;
  }

  /** A live iterator over every key; see {@linkcode Store.keys}. */
  keys(): IterableIterator<string> {
    return this.#store.keys();
  }

  /**
   * A random live key, or `undefined` when there is none. Each expired key
   * picked is removed on the way (`get` reclaims it), so every try makes
   * progress; after {@linkcode RANDOM_KEY_TRIES} expired picks in a row the
   * keyspace is as good as expired, and `undefined` is the answer, where
   * Redis would go on until it finds one.
   */
  randomKey(): string | undefined {
    for (let tries = 0; tries < RANDOM_KEY_TRIES; tries++) {
      const key = this.#store.randomKey();
      if (key === undefined || this.#store.get(key) !== undefined) return key;
    }
    return undefined;
  }

  /** Stores string `value` under `key`, whatever it held, with expiry `expiresAt` (0: none). */
  set(key: string, value: string, expiresAt = 0): void {
    const undo = this.#undoFor(key);
    this.#store.set(key, value, expiresAt);
    this.#log(encodeSet(key, value, expiresAt), undo);
    this.#touch(key);
  }

  /**
   * Stores any `value` under `key` with expiry `expiresAt`, replacing what
   * it held: how COPY and the *STORE commands store a container they made,
   * logged as the records that recreate it (a whole container: O(its size),
   * as Redis's are). The container must be new: nothing else holds it.
   */
  put(key: string, value: Value, expiresAt = 0): void {
    if (typeof value === "string") return this.set(key, value, expiresAt);
    const undo = this.#undoFor(key);
    this.#store.set(key, value, expiresAt);
    const snapshot = this.#snapshot();
    // The records below hold all of it: a compaction's tail needs nothing else.
    if (snapshot !== null) value.stamp = snapshot.id;
    this.#log(encodeMulti([encodeDel(key), ...snapshotRecords(key, value, expiresAt)]), undo);
    this.#touch(key);
  }

  /**
   * Moves the container under `source` to `destination` in `target` (this
   * database for RENAME, another for MOVE), with its expiry, replacing what
   * `destination` held: O(1), logged as the move itself (a RENAME or MOVE
   * record), not as the container. A compaction in progress first gets the
   * container as it is, if its walk has not, so the move replays onto it.
   * The caller has checked that `source` holds a container, and for MOVE
   * that `destination` is free there.
   */
  moveContainer(source: string, target: Db, destination: string): void {
    const store = this.#store;
    const value = store.get(source) as Container;
    const expiresAt = store.expiringSize > 0 ? Math.max(store.expiresAt(source), 0) : 0;
    const snapshot = this.#snapshot();
    if (snapshot !== null && value.stamp !== snapshot.id) {
      snapshot.emit(store, source, value, expiresAt);
    }
    const targetStore = target.#store;
    const undoDestination = target.#undoFor(destination);
    store.delete(source);
    targetStore.set(destination, value, expiresAt);
    const record = target === this
      ? encodeContainerOp("RENAME", source, [destination])
      : encodeContainerOp("MOVE", source, [String(target.index)]);
    this.#log(record, () => {
      undoDestination();
      store.set(source, value, expiresAt);
    });
    this.#touch(source);
    target.#touch(destination);
  }

  /** Removes `key`; returns whether it existed. */
  delete(key: string): boolean {
    if (this.#store.get(key) === undefined) return false;
    const undo = this.#undoFor(key);
    this.#store.delete(key);
    this.#log(encodeDel(key), undo);
    this.#touch(key);
    return true;
  }

  /**
   * Gives existing `key` expiry `expiresAt` (0 removes it); a time already
   * past deletes the key, as in Redis. Returns whether the key existed.
   */
  setExpiresAt(key: string, expiresAt: number): boolean {
    if (expiresAt !== 0 && expiresAt <= this.#clock()) return this.delete(key);
    const previous = this.#store.expiresAt(key);
    if (previous === -1) return false;
    if (previous === expiresAt) return true;
    const store = this.#store;
    store.setExpiresAt(key, expiresAt);
    this.#log(encodeExpireAt(key, expiresAt), () => store.setExpiresAt(key, previous));
    this.#touch(key);
    return true;
  }

  /** Removes every key of this database (FLUSHDB). */
  flush(): void {
    this.touchAll();
    this.#log(encodeFlushDb(), this.#store.clear());
  }

  /** Queues `waiter` on `key`, after those already waiting there. */
  block(key: string, waiter: Waiter): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) this.#waiters.set(key, [waiter]);
    else waiters.push(waiter);
  }

  /** Takes `waiter` off `key`'s queue. */
  unblock(key: string, waiter: Waiter): void {
    const waiters = this.#waiters.get(key);
    if (waiters === undefined) return;
    const at = waiters.indexOf(waiter);
    if (at !== -1) waiters.splice(at, 1);
    if (waiters.length === 0) this.#waiters.delete(key);
  }

  /** Marks every key a client is blocked on that exists now as ready (after SWAPDB). */
  readyBlockedKeys(): void {
    for (const key of this.#waiters.keys()) if (this.exists(key)) this.#ready(this, key);
  }

  /** The clients blocked on `key`, first come first; a copy, as serving them changes the queue. */
  waitersOf(key: string): Waiter[] {
    return this.#waiters.get(key)?.slice() ?? [];
  }

  /** Marks `watcher` to be told when `key` changes. */
  watch(key: string, watcher: Watcher): void {
    let watchers = this.#watchers.get(key);
    if (watchers === undefined) this.#watchers.set(key, watchers = new Set());
    watchers.add(watcher);
  }

  /** Stops telling `watcher` about `key`. */
  unwatch(key: string, watcher: Watcher): void {
    const watchers = this.#watchers.get(key);
    if (watchers === undefined) return;
    watchers.delete(watcher);
    if (watchers.size === 0) this.#watchers.delete(key);
  }

  /**
   * Marks the watchers of every watched key that exists here, or in `other`
   * (the database this one's contents are swapped with): what FLUSHDB,
   * FLUSHALL and SWAPDB change, as Redis 7.0 counts it.
   */
  touchAll(other: Db | null = null): void {
    if (this.#watchers.size === 0) return;
    for (const [key, watchers] of this.#watchers) {
      if (this.#store.get(key) === undefined && !other?.exists(key)) continue;
      for (const watcher of watchers) watcher.dirty = true;
    }
  }

  /**
   * Exchanges this database's store with `other`'s (SWAPDB); the caller
   * logs it. Watchers stay with their database number.
   */
  /** Makes `store` this database's (after a replay whose SWAPDBs reordered the stores). */
  adoptStore(store: Store): void {
    this.#store = store;
  }

  swapStores(other: Db): void {
    const store = this.#store;
    this.#store = other.#store;
    other.#store = store;
  }

  #touch(key: string): void {
    if (this.#waiters.size > 0 && this.#waiters.has(key)) this.#ready(this, key);
    if (this.#watchers.size === 0) return;
    const watchers = this.#watchers.get(key);
    if (watchers !== undefined) { for (const watcher of watchers) watcher.dirty = true; }
  }

  /** How to put `key` back as it is now. */
  #undoFor(key: string): () => void {
    const store = this.#store;
    const value = store.get(key);
    if (value === undefined) return () => store.delete(key);
    const expiresAt = store.expiringSize > 0 ? store.expiresAt(key) : 0;
    return () => store.set(key, value, expiresAt);
  }

  #log(record: RecordPieces, undo: () => void): void {
    this.#journal.add(this.index === 0 ? record : encodeInDb(this.index, record), undo);
  }
}
