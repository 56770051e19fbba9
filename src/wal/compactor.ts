import { errorMessage } from "../io/error_message.ts";
import { splitPath } from "../io/split_path.ts";
import type { Store } from "../store/store.ts";
import { type Container, type Value, valueBytes } from "../store/value.ts";
import type { FileWal, WalSize } from "./file_wal.ts";
import { writeAll } from "../io/write_all.ts";
import { encodeInDb, encodeSet, piecesLength } from "./record.ts";
import { RecordBatch } from "./record_batch.ts";
import type { SnapshotSink } from "./snapshot_sink.ts";
import { snapshotRecords } from "./snapshot_records.ts";
import { type Hold, holdContainer } from "./hold.ts";

/** The steps of a compaction, in order; a test hook can stop at each. */
export const COMPACTION_STEPS = [
  "started",
  "snapshot",
  "snapshot-written",
  "tail-joined",
  "synced",
  "renamed",
  "dir-synced",
  "switched",
] as const;

/** One of {@linkcode COMPACTION_STEPS}. */
export type CompactionStep = typeof COMPACTION_STEPS[number];

/** What the commands and INFO see of compaction. */
export interface CompactionControl {
  /** Starts a compaction; false when one is already running. */
  start(reason: string): boolean;
  /** Whether a compaction is running. */
  readonly running: boolean;
  /** Compactions finished since the start. */
  readonly rewrites: number;
  /** Whether the last compaction (if any) succeeded. */
  readonly lastOk: boolean;
  /** The WAL's size in bytes now. */
  readonly walBytes: number;
  /** The WAL's syncs and records written since the start ({@linkcode FileWal.commits}). */
  readonly walCommits: { syncs: number; records: number };
  /** The snapshot being written, for container changes to consult; `null` when none is. */
  readonly snapshot: SnapshotSink | null;
  /** What started the compaction running (`BGSAVE`, `automatic`, …); `null` when none runs. */
  readonly reason: string | null;
  /** When the last compaction that succeeded finished, in ms since the epoch; 0 for none yet. */
  readonly lastSuccessAt: number;
  /** Settles once no compaction runs (at once if none does). */
  idle(): Promise<void>;
  /** Automatic compaction's triggers, changeable at run time (CONFIG SET auto-aof-rewrite-*). */
  minBytes: number;
  ratio: number;
}

/** Test-only knobs, from `WALKV_TEST_COMPACTION_*` environment variables. */
export interface CompactionHooks {
  /** Stop at this step for good (the process is meant to be killed there). */
  pauseAt?: CompactionStep;
  /**
   * Write at most this many keys per slice (and one chunk of a large
   * container), and wait ~1 ms between slices.
   */
  sliceKeys?: number;
}

/** Where the compactor reports. */
export interface CompactionLog {
  info(message: string): void;
  warn(message: string): void;
}

/** Options for {@linkcode Compactor}. */
export interface CompactorOptions {
  log: CompactionLog;
  hooks?: CompactionHooks;
  /** Automatic compaction: the WAL must be at least this many bytes... */
  minBytes?: number;
  /** ...and this many times {@linkcode estimateSnapshotBytes}. */
  ratio?: number;
  /** How often to check the triggers, retry after a failure and check the file, in ms. */
  checkIntervalMs?: number;
}

/**
 * How long one slice of the snapshot may run: well under the ~10 ms a slice
 * may hold the event loop, leaving room for a garbage collection inside it.
 */
const SLICE_MS = 3;
/**
 * Members up to which a container is written in one go; a larger one is
 * held ({@linkcode holdContainer}) and goes a chunk at a time.
 */
const SMALL_CONTAINER = 1024;
/** Largest text one slice builds before writing it. */
const SLICE_CHARS = 256 * 1024;
/**
 * A compaction counts as in progress for at least this long, as in Redis,
 * which notices a finished rewrite on its next cron tick (10 times a second).
 */
const MIN_REWRITE_MS = 100;
/** Files a compaction creates are private to walkv's user, as the WAL is. */
const FILE_MODE = 0o600;
/**
 * Bytes a snapshot record adds to its key and value: a PUT's op, three
 * lengths with colons and the newline; an expiry adds its 13 digits.
 */
const RECORD_OVERHEAD = 14;
const EXPIRY_OVERHEAD = 13;

/** What a snapshot of `stores` would take in the WAL, near enough to decide when to compact. */
export function estimateSnapshotBytes(stores: readonly Store[]): number {
  let bytes = 0;
  for (const store of stores) {
    bytes += store.bytes + store.size * RECORD_OVERHEAD + store.expiringSize * EXPIRY_OVERHEAD;
  }
  return bytes;
}

async function syncDirectory(path: string): Promise<void> {
  using directory = await Deno.open(splitPath(path).directory, { read: true });
  await directory.syncData();
}

/**
 * Every live entry of `stores` as `[database, key, value, expiresAt]`, each
 * store under the database number it had when the tail began to be kept: a
 * SWAPDB during the walk exchanges the stores later, and the kept SWAPDB
 * record, replayed after the snapshot, exchanges them again.
 */
function* snapshotEntries(
  stores: readonly Store[],
): Generator<[number, string, Value, number]> {
  for (let index = 0; index < stores.length; index++) {
    for (const [key, value, expiresAt] of stores[index].entries()) {
      yield [index, key, value, expiresAt];
    }
  }
}

/** Thrown inside a compaction to give it up; the message says why. */
class Abandoned extends Error {}

/** Numbers compactions for {@linkcode SnapshotSink.id}; containers start at 0. */
let lastSnapshotId = 0;

/** A large container being written over several slices, and its database as the tail began. */
interface HeldWrite {
  hold: Hold;
  index: number;
}

/** The snapshot being written: see {@linkcode SnapshotSink}. */
class Snapshot implements SnapshotSink {
  readonly id = ++lastSnapshotId;
  /** The stores as numbered when the tail began. */
  readonly #stores: readonly Store[];
  /** Small containers written ahead of their first change, for the next slice. */
  forced = new RecordBatch();
  forcedKeys = 0;
  /** Large containers held at their first change, for the walk to write before the rest. */
  readonly queue: HeldWrite[] = [];
  /** The held container being written, a chunk at a time; `null` between them. */
  current: HeldWrite | null = null;
  /** Set once the walk is done: a container reaching `emit` after it fails the compaction. */
  walked = false;
  /** Whether something reached `emit` that the snapshot cannot take: the compaction is given up. */
  late = false;

  constructor(stores: readonly Store[]) {
    this.#stores = stores;
  }

  emit(store: Store, key: string, value: Container, expiresAt: number): void {
    value.stamp = this.id;
    if (this.walked) {
      this.late = true;
      return;
    }
    const index = this.#stores.indexOf(store);
    if (index === -1) {
      this.late = true; // not a store the walk knows: give the compaction up
      return;
    }
    if (value.size > SMALL_CONTAINER) {
      // Held as it is now, written by the walk across slices: no stall.
      this.queue.push({ hold: holdContainer(key, value, expiresAt), index });
      return;
    }
    for (const record of snapshotRecords(key, value, expiresAt)) {
      this.forced.add(index === 0 ? record : encodeInDb(index, record));
    }
    this.forcedKeys++;
  }

  /** The next held container to write, if any: the one under way, else the first queued. */
  nextHeld(): HeldWrite | null {
    return this.current ??= this.queue.shift() ?? null;
  }

  /** Whether held containers are left to write. */
  get holding(): boolean {
    return this.current !== null || this.queue.length > 0;
  }

  /** Ends every hold not yet written out (the compaction is over or given up). */
  releaseAll(): void {
    this.current?.hold.release();
    for (const held of this.queue) held.hold.release();
    this.current = null;
    this.queue.length = 0;
  }
}

/**
 * Rewrites the WAL as one record per live key, without stopping the server.
 *
 * Why this shape: walkv has no `fork` to freeze a copy of the store, so the
 * snapshot walks the live maps in slices of about 3 ms, while writes go
 * on. A key changed during the walk may be written with its old or its new
 * value, but every write since the start is also kept
 * ({@linkcode FileWal.keep}) and appended after the snapshot; records hold
 * absolute values and times, so replaying the snapshot and then the kept
 * writes rebuilds exactly the current state. Then the new file receives
 * every write alongside the old one ({@linkcode FileWal.join}) until it is
 * synced, renamed over the WAL and the directory synced, so at every instant
 * one complete file sits at the WAL's path: the old one before the rename,
 * the new one after.
 *
 * The same rewrite, run while the WAL has failed (writes refused, nothing to
 * keep), is how the server recovers from a disk fault: a fresh file written
 * from memory replaces whatever the fault left behind.
 *
 * A timer checks once a second: it compacts when the WAL is larger than
 * `minBytes` and `ratio` times the live data, retries the rewrite while the
 * WAL has failed, and fails the WAL if its file was removed or replaced.
 *
 * @example
 * ```ts
 * const compactor = new Compactor(() => [store], wal, { log, minBytes: 64 << 20, ratio: 2 });
 * compactor.start("BGREWRITEAOF"); // true; the result is logged
 * await compactor.stop(); // at shutdown
 * ```
 */
export class Compactor implements CompactionControl {
  /** The databases' stores, in order, as they are now (SWAPDB exchanges them). */
  readonly #stores: () => readonly Store[];
  readonly #wal: FileWal;
  readonly #path: string;
  readonly #temp: string;
  readonly #log: CompactionLog;
  readonly #hooks: CompactionHooks;
  minBytes: number;
  ratio: number;
  #run: Promise<void> | null = null;
  #reason: string | null = null;
  #lastSuccessAt = 0;
  /** The minimum duration of the compaction in progress; see `start`. */
  #floor: { timer: ReturnType<typeof setTimeout>; resolve: () => void } | null = null;
  #rewrites = 0;
  #lastOk = true;
  #stopping = false;
  readonly #stopped = Promise.withResolvers<void>();
  #timer: ReturnType<typeof setInterval> | null = null;
  /** The inode the WAL's path should name, to notice the file being removed or replaced. */
  #inode: number | null = null;
  #snapshot: Snapshot | null = null;

  constructor(stores: () => readonly Store[], wal: FileWal, options: CompactorOptions) {
    this.#stores = stores;
    this.#wal = wal;
    this.#path = wal.path;
    this.#temp = Compactor.tempPath(wal.path);
    this.#log = options.log;
    this.#hooks = options.hooks ?? {};
    this.minBytes = options.minBytes ?? Infinity;
    this.ratio = options.ratio ?? 2;
    try {
      this.#inode = Deno.statSync(this.#path).ino;
    } catch { /* checked on the first tick */ }
    this.#timer = setInterval(() => this.#tick(), options.checkIntervalMs ?? 1000);
  }

  /** The compaction file for the WAL at `walPath`. */
  static tempPath(walPath: string): string {
    return `${walPath}.compact`;
  }

  get running(): boolean {
    return this.#run !== null;
  }

  get rewrites(): number {
    return this.#rewrites;
  }

  get lastOk(): boolean {
    return this.#lastOk;
  }

  get walBytes(): number {
    return this.#wal.size.bytes;
  }

  get walCommits(): { syncs: number; records: number } {
    return this.#wal.commits;
  }

  get snapshot(): SnapshotSink | null {
    return this.#snapshot;
  }

  get reason(): string | null {
    return this.#reason;
  }

  get lastSuccessAt(): number {
    return this.#lastSuccessAt;
  }

  async idle(): Promise<void> {
    while (this.#run !== null) await this.#run;
  }

  start(reason: string): boolean {
    if (this.#run || this.#stopping) return false;
    // A small WAL rewrites in a few ms; without a floor, a client repeating
    // BGREWRITEAOF would start rewrite after rewrite, each with its syncs
    // and rename. Redis notices a finished rewrite on its next cron tick.
    const floor = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#floor = null;
        resolve();
      }, MIN_REWRITE_MS);
      this.#floor = { timer, resolve };
    });
    this.#reason = reason;
    this.#run = Promise.all([this.#compact(reason), floor]).then(() => {}).finally(() => {
      this.#run = null;
      this.#reason = null;
    });
    return true;
  }

  /** Stops the timer, gives up a running compaction and waits for it to clean up. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#stopped.resolve();
    if (this.#floor) {
      clearTimeout(this.#floor.timer);
      this.#floor.resolve();
      this.#floor = null;
    }
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#run;
  }

  #tick(): void {
    if (this.#run || this.#stopping) return;
    if (this.#wal.failure) {
      this.start("recovery");
      return;
    }
    const bytes = this.#wal.size.bytes;
    if (bytes >= this.minBytes && bytes > this.ratio * estimateSnapshotBytes(this.#stores())) {
      this.start("automatic");
      return;
    }
    this.#checkFile();
  }

  /** Fails the WAL when its path no longer names the file being written. */
  #checkFile(): void {
    let inode: number | null = null;
    try {
      inode = Deno.statSync(this.#path).ino;
    } catch { /* gone */ }
    if (this.#run || this.#wal.failure) return;
    if (inode === null || (this.#inode !== null && inode !== this.#inode)) {
      this.#wal.fail(new Error("the file was removed or replaced"), "check failed");
    }
    this.#inode ??= inode;
  }

  async #compact(reason: string): Promise<void> {
    const wal = this.#wal;
    const recovering = wal.failure !== null;
    const epoch = wal.epoch;
    const before = wal.size;
    const started = performance.now();
    this.#log.info(
      `compaction started (${reason}): ${before.records} records, ${before.bytes} bytes ` +
        `in "${this.#path}"`,
    );
    let file: Deno.FsFile | null = null;
    let joined = false;
    let renamed = false;
    try {
      file = await Deno.open(this.#temp, {
        write: true,
        create: true,
        truncate: true,
        mode: FILE_MODE,
      });
      // The stores are taken at the moment the tail starts being kept: a
      // SWAPDB after it is in the tail, and exchanges them again on replay.
      const stores = this.#stores().slice();
      if (!recovering) wal.keep();
      const snapshot = this.#snapshot = new Snapshot(stores);
      await this.#step("started");
      const { size, longestSlice } = await this.#writeSnapshot(file, epoch, stores, snapshot);
      // Most of the tail goes out off the event loop, leaving join a little.
      if (!recovering && !(await wal.catchUp(file))) {
        throw new Abandoned("the WAL failed meanwhile");
      }
      // Flush the snapshot now, while writes go to the old WAL only: once
      // joined, every write waits for both files' syncs, and the first of
      // those would otherwise carry the whole snapshot.
      await file.syncData();
      await this.#step("snapshot-written");
      this.#check(epoch);
      if (!recovering) {
        joined = true; // the file is the WAL's now, whatever join returns
        if (!wal.join(file, size)) throw new Abandoned("the WAL failed meanwhile");
        await this.#step("tail-joined");
      }
      await file.syncData();
      await this.#step("synced");
      this.#check(epoch, joined ? file : null);
      if (joined) wal.pin();
      const inode = (await file.stat()).ino;
      await Deno.rename(this.#temp, this.#path);
      renamed = true;
      this.#inode = inode;
      await this.#step("renamed");
      await syncDirectory(this.#path);
      await this.#step("dir-synced");
      if (recovering) wal.resume(file, size);
      else wal.promote();
      file = null;
      const after = wal.size;
      this.#rewrites++;
      this.#lastOk = true;
      this.#lastSuccessAt = Date.now();
      this.#log.info(
        `compaction finished in ${(performance.now() - started).toFixed(1)} ms: ` +
          `${before.records} -> ${after.records} records, ${before.bytes} -> ${after.bytes} bytes, ` +
          `longest slice ${longestSlice.toFixed(1)} ms`,
      );
      if (recovering) {
        this.#log.info(`WAL "${this.#path}" rewritten from memory; accepting writes again`);
      }
      await this.#step("switched");
      this.#snapshot = null;
    } catch (error: unknown) {
      this.#snapshot?.releaseAll();
      this.#snapshot = null;
      this.#lastOk = false;
      if (renamed && file) {
        // The new file already sits at the path: it must be the one written.
        if (joined && wal.isJoined(file)) wal.promote();
        else if (!joined) file.close();
        wal.fail(error, "compaction failed after the rename");
      } else if (file) {
        if (joined) wal.abandon();
        else file.close();
        await Deno.remove(this.#temp).catch(() => {});
      } else {
        wal.abandon();
      }
      this.#log.warn(`compaction failed: ${errorMessage(error)}`);
    }
  }

  /** Writes one record per live key to `file`, in slices; resolves to what it wrote. */
  async #writeSnapshot(
    file: Deno.FsFile,
    epoch: number,
    stores: readonly Store[],
    snapshot: Snapshot,
  ): Promise<{ size: WalSize; longestSlice: number }> {
    const size: WalSize = { bytes: 0, records: 0 };
    const sliceKeys = this.#hooks.sliceKeys ?? Infinity;
    const entries = snapshotEntries(stores);
    let longestSlice = 0;
    for (let done = false, first = true; !done; first = false) {
      this.#check(epoch);
      const sliceStarted = performance.now();
      // Containers written ahead of their first change go first: the walk
      // has not reached them, and reaches them stamped.
      const records = snapshot.forced;
      let keys = snapshot.forcedKeys;
      snapshot.forced = new RecordBatch();
      snapshot.forcedKeys = 0;
      let chars = 0;
      while (true) {
        const held = snapshot.nextHeld();
        if (held !== null) {
          // A large container goes out a chunk at a time, the slice ending on time.
          const next = held.hold.records.next();
          if (next.done) {
            snapshot.current = null;
            keys++;
            continue;
          }
          records.add(held.index === 0 ? next.value : encodeInDb(held.index, next.value));
          chars += piecesLength(next.value);
          if (chars >= SLICE_CHARS || performance.now() - sliceStarted >= SLICE_MS) break;
          if (this.#hooks.sliceKeys !== undefined) break;
          continue;
        }
        const next = entries.next();
        if (next.done) {
          done = true;
          break;
        }
        const [index, key, value, expiresAt] = next.value;
        if (typeof value === "string") {
          const record = encodeSet(key, value, expiresAt);
          records.add(index === 0 ? record : encodeInDb(index, record));
        } else if (value.stamp !== snapshot.id) {
          value.stamp = snapshot.id;
          if (value.size > SMALL_CONTAINER) {
            // Held from now: its changes while it goes out never wait for it.
            snapshot.current = { hold: holdContainer(key, value, expiresAt), index };
            continue;
          }
          for (const record of snapshotRecords(key, value, expiresAt)) {
            records.add(index === 0 ? record : encodeInDb(index, record));
          }
        } else {
          continue; // written already, or made since the tail began
        }
        chars += key.length + valueBytes(value);
        keys++;
        if (keys >= sliceKeys) break;
        if (
          (keys & 15) === 0 &&
          (chars >= SLICE_CHARS || performance.now() - sliceStarted >= SLICE_MS)
        ) break;
      }
      const chunks: Uint8Array[] = [];
      size.bytes += records.writeTo((bytes) => chunks.push(bytes.slice()));
      longestSlice = Math.max(longestSlice, performance.now() - sliceStarted);
      // Written off the event loop: clients are served while it lands, and
      // between slices (a write into a busy page cache can take long).
      for (const chunk of chunks) await writeAll(file, chunk);
      size.records += records.count;
      if (first) await this.#step("snapshot");
      if (this.#hooks.sliceKeys !== undefined) await new Promise((r) => setTimeout(r, 1));
      // Written while the last slice landed, or a container still going out.
      if (done && (snapshot.forcedKeys > 0 || snapshot.holding)) done = false;
    }
    snapshot.walked = true;
    return { size, longestSlice };
  }

  /** Gives up when shutting down, or when the WAL failed or recovered since `epoch`. */
  #check(epoch: number, joined: Deno.FsFile | null = null): void {
    if (this.#stopping) throw new Abandoned("the server is shutting down");
    if (this.#snapshot?.late) {
      throw new Abandoned("a container changed for the first time after the snapshot was written");
    }
    if (this.#wal.epoch !== epoch) throw new Abandoned("the WAL failed meanwhile");
    if (joined && !this.#wal.isJoined(joined)) {
      throw new Abandoned("writing the compaction file failed");
    }
  }

  /** The test hook: at its step, says so and waits for shutdown (or SIGKILL). */
  async #step(step: CompactionStep): Promise<void> {
    if (this.#hooks.pauseAt !== step) return;
    this.#log.info(`compaction paused at step "${step}" (test hook)`);
    await this.#stopped.promise;
    throw new Abandoned("the server is shutting down");
  }
}
