import type { Store } from "../store/store.ts";
import type { CompactionControl } from "../wal/compactor.ts";
import { encodeFlushAll, encodeSwapDb } from "../wal/record.ts";
import type { Wal } from "../wal/wal.ts";
import { Db } from "./db.ts";
import { Journal } from "./journal.ts";
import { ReadCounter } from "./read_counter.ts";

/**
 * Every database (`--databases`, Redis's 16 by default) over one WAL, and
 * the changes of the command in progress ({@linkcode Journal}), which the
 * gate commits after each command. What spans databases lives here:
 * FLUSHALL, SWAPDB, and the durability questions a reply asks.
 *
 * @example
 * ```ts
 * const databases = new Databases([new MapStore(), new MapStore()], wal);
 * databases.get(1).set("k", "v");
 * databases.commit(); // one record, naming database 1
 * await databases.settled(databases.horizon());
 * ```
 */
export class Databases {
  readonly #dbs: Db[];
  #wal: Wal;
  readonly #journal: Journal;
  #compaction: CompactionControl | null;
  /** Keys that changed while clients were blocked on them: `[db, key, db, key, …]`. */
  readonly #ready: (Db | string)[] = [];
  #serving = false;

  /**
   * @param stores one per database, in order.
   * @param clock the time expiries are measured against; the stores' clock.
   * @param compaction compacts the WAL on demand; `null` without a WAL.
   */
  constructor(
    stores: readonly Store[],
    wal: Wal,
    clock: () => number = Date.now,
    compaction: CompactionControl | null = null,
  ) {
    this.#wal = wal;
    this.#journal = new Journal(wal);
    const snapshot = () => this.#compaction?.snapshot ?? null;
    const ready = (db: Db, key: string) => this.#ready.push(db, key);
    this.#dbs = stores.map((store, index) =>
      new Db(index, store, this.#journal, clock, snapshot, ready, this.reads)
    );
    this.#compaction = compaction;
  }

  /**
   * Hands the databases the WAL once its replay is done. They are made
   * before (over a `NoopWal`), so clients connected during the
   * replay already have them; nothing writes until then, since the gate
   * refuses writes while loading.
   */
  attachWal(wal: Wal, compaction: CompactionControl | null): void {
    this.#wal = wal;
    this.#journal.wal = wal;
    this.#compaction = compaction;
  }
  /** Keyspace hits and misses of every database. */
  readonly reads: ReadCounter = new ReadCounter();

  /** How many databases there are. */
  get length(): number {
    return this.#dbs.length;
  }

  /** Database `index`, which must be in range. */
  get(index: number): Db {
    return this.#dbs[index];
  }

  /** The stores, in database order: what compaction snapshots and the expiry sweep visits. */
  stores(): Store[] {
    return this.#dbs.map((db) => db.store);
  }

  /** The WAL's compaction, for BGREWRITEAOF and INFO; `null` when there is no WAL. */
  get compaction(): CompactionControl | null {
    return this.#compaction;
  }

  /** Removes every key of every database (FLUSHALL). */
  flushAll(): void {
    for (const db of this.#dbs) db.touchAll();
    const undos = this.#dbs.map((db) => db.store.clear());
    this.#journal.add(encodeFlushAll(), () => {
      for (const undo of undos) undo();
    });
  }

  /** Exchanges the contents of databases `a` and `b` (SWAPDB). */
  swap(a: number, b: number): void {
    const first = this.#dbs[a];
    const second = this.#dbs[b];
    first.touchAll(second);
    second.touchAll(first);
    first.swapStores(second);
    this.#journal.add(encodeSwapDb(a, b), () => first.swapStores(second));
    // Keys clients are blocked on may hold something now (Redis's scanDatabaseForReadyKeys).
    first.readyBlockedKeys();
    second.readyBlockedKeys();
  }

  /**
   * Serves the clients blocked on keys that changed (Redis's
   * `handleClientsBlockedOnKeys`), after a command has committed: on each
   * such key, first come first served, as long as the key lasts; each one
   * served commits its own change. A change that readies another key (a
   * BLMOVE pushing where others wait) is served in the same pass.
   */
  serveBlocked(): void {
    if (this.#ready.length === 0 || this.#serving) return;
    this.#serving = true;
    try {
      while (this.#ready.length > 0) {
        const ready = this.#ready.splice(0);
        for (let i = 0; i < ready.length; i += 2) {
          const db = ready[i] as Db;
          const key = ready[i + 1] as string;
          for (const waiter of db.waitersOf(key)) {
            if (!db.exists(key)) break;
            if (waiter.retry()) this.commit();
          }
        }
      }
    } finally {
      this.#serving = false;
    }
  }

  /** Refuses writes once the WAL has failed: the error, else `null`. */
  get failure(): Error | null {
    return this.#wal.failure;
  }

  /** See {@linkcode Journal.commit}. */
  commit(): void {
    this.#journal.commit();
  }

  /** See {@linkcode Journal.abort}. */
  abort(): void {
    this.#journal.abort();
  }

  /** See {@linkcode Journal.savepoint}. */
  savepoint(): number {
    return this.#journal.savepoint();
  }

  /** See {@linkcode Journal.rollbackTo}. */
  rollbackTo(mark: number): void {
    this.#journal.rollbackTo(mark);
  }

  /** See {@linkcode Wal.horizon}: the record a reply computed now depends on (0: none). */
  horizon(): number {
    return this.#wal.horizon();
  }

  /** See {@linkcode Wal.settled}. */
  settled(seq?: number): Promise<void> | null {
    return this.#wal.settled(seq);
  }

  /** See {@linkcode Wal.rolledBack}. */
  rolledBack(seq: number): Error | null {
    return this.#wal.rolledBack(seq);
  }
}
