import { errorMessage } from "../io/error_message.ts";
import { bytesFromBinary } from "../io/binary.ts";
import type { FsyncPolicy } from "./fsync_policy.ts";
import type { Wal } from "./wal.ts";

/**
 * The part of `Deno.FsFile` the WAL uses, so a test can hand it a file
 * that fails on cue.
 */
export type WalFile =
  & Pick<Deno.FsFile, "writeSync" | "syncData" | "close">
  & Partial<Pick<Deno.FsFile, "truncate">>;

/** Records waiting for one write and one sync, and the promise they share. */
interface Batch {
  text: string;
  rollbacks: (() => void)[];
  done: Promise<void>;
  resolve: () => void;
  reject: (error: Error) => void;
}

function newBatch(): Batch {
  const { promise, resolve, reject } = Promise.withResolvers<void>();
  // Rejections reach whoever awaits `settled()`; a batch nobody waits for
  // (its clients hung up) must not crash the process as unhandled.
  promise.catch(() => {});
  return { text: "", rollbacks: [], done: promise, resolve, reject };
}

/** Size of a WAL file, in the units compaction reports. */
export interface WalSize {
  bytes: number;
  records: number;
}

/** Options for {@linkcode FileWal}. */
export interface FileWalOptions {
  /** When to sync; default `always`. */
  fsync?: FsyncPolicy;
  /** What the file already holds (after replay). */
  size?: WalSize;
  /** Told once per failure, when a write or sync first fails. */
  onFailure?: (error: Error) => void;
  /** How often `everysec` syncs, in ms (tests shorten it). */
  syncIntervalMs?: number;
}

const SECOND = 1000;

/** Writes all of `bytes` to `file` synchronously. */
function writeAllSync(file: WalFile, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
}

/**
 * A {@linkcode Wal} on a file, with group commit: one `syncData` covers every
 * record that arrived while the previous one ran.
 *
 * Why: a sync costs ~0.16 ms here, so one per write caps the server near 6k
 * durable writes/s. Instead, records are gathered in an open batch; the
 * commit loop writes and syncs the whole batch at once while the next batch
 * fills. With 50 clients writing, each sync serves dozens of them. Under
 * `--fsync everysec` or `no` a batch is acknowledged once written, and only
 * a timer (or nothing) syncs.
 *
 * If a write or sync fails, every record not yet durable is rolled back in
 * the store (newest first), its waiters get the error, and the WAL refuses
 * further writes ({@linkcode FileWal.failure}) until {@linkcode FileWal.resume}
 * hands it a file rewritten from memory; reads are unaffected.
 *
 * Compaction uses three more calls: {@linkcode FileWal.keep} starts keeping
 * every batch written; {@linkcode FileWal.join} writes the kept batches to the
 * new file and from then on writes (and syncs) each batch to both files
 * before acknowledging it; {@linkcode FileWal.promote} makes the new file the
 * only one once it has been renamed into place. At no point does a write wait
 * for the compaction.
 *
 * @example
 * ```ts
 * const file = await Deno.open(path, { read: true, write: true, create: true });
 * const wal = new FileWal(file, path, { onFailure: (error) => console.error(error.message) });
 * wal.append(encodeSet("k", "v"), () => store.delete("k"));
 * await wal.settled();
 * ```
 */
export class FileWal implements Wal {
  readonly #path: string;
  readonly #policy: FsyncPolicy;
  readonly #onFailure: (error: Error) => void;
  #file: WalFile;
  #size: WalSize;
  #open: Batch | null = null;
  #syncing: Batch | null = null;
  #committing: Promise<void> | null = null;
  #failure: Error | null = null;
  /** Counts failures and recoveries, so a compaction can tell one happened meanwhile. */
  #epoch = 0;
  #closed = false;
  /** Records to gather before a sync: how many were in flight last time. */
  #target = 1;
  /** Starts the sync early, once the open batch reaches `#target`. */
  #wake: (() => void) | null = null;
  /** Batches written since {@linkcode FileWal.keep}, for the compaction's file. */
  #kept: string[] | null = null;
  #keptRecords = 0;
  /** The compaction's file while it receives every batch too. */
  #joined: WalFile | null = null;
  #joinedSize: WalSize = { bytes: 0, records: 0 };
  /** Whether the joined file is the one the path names (renamed into place). */
  #joinedPinned = false;
  /** Files replaced or abandoned, closed once no sync is using them. */
  #retired: { file: WalFile; replaced: boolean }[] = [];
  #syncsRunning = 0;
  /** Bytes written but not yet synced, for `everysec`. */
  #dirty = false;
  #timer: ReturnType<typeof setInterval> | null = null;

  /**
   * @param file the WAL, open for writing and positioned at its end.
   * @param path its path, for error messages.
   */
  constructor(file: WalFile, path: string, options: FileWalOptions = {}) {
    this.#file = file;
    this.#path = path;
    this.#policy = options.fsync ?? "always";
    this.#size = { ...(options.size ?? { bytes: 0, records: 0 }) };
    this.#onFailure = options.onFailure ?? (() => {});
    if (this.#policy === "everysec") {
      this.#timer = setInterval(() => this.#backgroundSync(), options.syncIntervalMs ?? SECOND);
    }
  }

  get failure(): Error | null {
    return this.#failure;
  }

  /** Changes whenever the WAL fails or resumes. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The fsync policy in force. */
  get fsync(): FsyncPolicy {
    return this.#policy;
  }

  /** Bytes and records in the file, as written so far. */
  get size(): WalSize {
    return { ...this.#size };
  }

  /** The path the WAL lives at. */
  get path(): string {
    return this.#path;
  }

  append(record: string, rollback: () => void): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error(`WAL "${this.#path}" is closed`);
    const batch = this.#open ??= newBatch();
    batch.text += record;
    batch.rollbacks.push(rollback);
    if (this.#wake && batch.rollbacks.length >= this.#target) this.#wake();
    // Start after the current task, so every record the caller appends in
    // this turn of the event loop (a pipelined batch) shares the sync.
    this.#committing ??= Promise.resolve().then(() => this.#commitLoop());
  }

  settled(): Promise<void> | null {
    return (this.#open ?? this.#syncing)?.done ?? null;
  }

  /** Starts keeping every batch written from now on, for a compaction. */
  keep(): void {
    this.#kept = [];
    this.#keptRecords = 0;
  }

  /**
   * Writes the kept batches to `file`, which already holds `snapshot`, and
   * from now on writes every batch to it too; `file` now belongs to the WAL.
   * Returns false, having closed `file`, when it cannot: the WAL failed since
   * {@linkcode FileWal.keep}, or writing the kept batches failed.
   */
  join(file: WalFile, snapshot: WalSize): boolean {
    const kept = this.#kept;
    this.#kept = null;
    if (kept === null || this.#failure) {
      file.close();
      return false;
    }
    try {
      const bytes = bytesFromBinary(kept.join(""));
      writeAllSync(file, bytes);
      this.#joinedSize = {
        bytes: snapshot.bytes + bytes.length,
        records: snapshot.records + this.#keptRecords,
      };
    } catch {
      file.close();
      return false;
    }
    this.#joined = file;
    this.#joinedPinned = false;
    return true;
  }

  /** Whether `file` still receives every batch (no write to it failed). */
  isJoined(file: WalFile): boolean {
    return this.#joined === file;
  }

  /**
   * Called just before the joined file is renamed over the WAL's path: from
   * now on a failure to write it fails the WAL instead of the compaction.
   */
  pin(): void {
    this.#joinedPinned = true;
  }

  /** Makes the joined file the WAL's only file; the old one is closed. */
  promote(): void {
    if (this.#joined === null) {
      throw new Error(`WAL "${this.#path}": no compaction file to promote`);
    }
    this.#retire(this.#file, true);
    this.#file = this.#joined;
    this.#size = this.#joinedSize;
    this.#joined = null;
    this.#joinedPinned = false;
  }

  /** Stops keeping and writing to a compaction's file (it is closed). */
  abandon(): void {
    this.#kept = null;
    if (this.#joined) this.#retire(this.#joined);
    this.#joined = null;
    this.#joinedPinned = false;
  }

  /**
   * Ends a failure: `file`, rewritten from memory and renamed into place,
   * becomes the WAL, and writes are accepted again.
   */
  resume(file: WalFile, size: WalSize): void {
    this.abandon();
    this.#retire(this.#file, true);
    this.#file = file;
    this.#size = { ...size };
    this.#failure = null;
    this.#dirty = false;
    this.#epoch++;
  }

  /**
   * Fails the WAL: every record not yet durable is rolled back, newest
   * first, and its waiters get the error; writes are refused until
   * {@linkcode FileWal.resume}. `what` starts the message, as in "write
   * failed". The first failure wins; later calls change nothing.
   */
  fail(cause: unknown, what: string): void {
    if (this.#failure) return;
    const error = new Error(`WAL "${this.#path}" ${what}: ${errorMessage(cause)}`, { cause });
    this.#failure = error;
    this.#epoch++;
    for (const batch of [this.#open, this.#syncing]) {
      if (!batch) continue;
      for (let i = batch.rollbacks.length - 1; i >= 0; i--) batch.rollbacks[i]();
      batch.reject(error);
    }
    this.#open = this.#syncing = null;
    this.abandon();
    this.#onFailure(error);
  }

  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#wake?.();
    await this.#committing;
    if (this.#dirty && !this.#failure) {
      try {
        await this.#syncFiles();
      } catch { /* the process is exiting; the OS still has the pages */ }
    }
    this.abandon();
    this.#retire(this.#file);
  }

  async #commitLoop(): Promise<void> {
    while (this.#open) {
      const always = this.#policy === "always";
      if (always && this.#open.rollbacks.length < this.#target && !this.#closed) {
        await this.#gather();
      }
      const batch = this.#syncing = this.#open;
      this.#open = null;
      let step = "write failed";
      try {
        // The write only copies into the page cache, so it is done in place:
        // an async write would cost another trip through the thread pool per
        // batch. The sync waits on the disk, so it must not block the loop.
        this.#write(batch);
        step = "sync failed";
        if (always) await this.#syncFiles();
        else this.#dirty = true;
      } catch (cause: unknown) {
        this.fail(cause, step);
        break;
      }
      this.#syncing = null;
      batch.resolve();
      const open = this.#open as Batch | null; // refilled by appends during the sync
      this.#target = batch.rollbacks.length + (open?.rollbacks.length ?? 0);
    }
    this.#committing = null;
  }

  #write(batch: Batch): void {
    const bytes = bytesFromBinary(batch.text);
    const records = batch.rollbacks.length;
    writeAllSync(this.#file, bytes);
    this.#size.bytes += bytes.length;
    this.#size.records += records;
    if (this.#kept) {
      this.#kept.push(batch.text);
      this.#keptRecords += records;
    }
    if (this.#joined) {
      try {
        writeAllSync(this.#joined, bytes);
        this.#joinedSize.bytes += bytes.length;
        this.#joinedSize.records += records;
      } catch (cause: unknown) {
        if (this.#joinedPinned) throw cause;
        this.abandon(); // the compaction fails; the WAL itself is fine
      }
    }
  }

  /** Syncs the WAL and, while a compaction has joined, its file. */
  async #syncFiles(): Promise<void> {
    const joined = this.#joined;
    const files = joined ? [this.#file, joined] : [this.#file];
    this.#dirty = false;
    this.#syncsRunning++;
    try {
      const results = await Promise.allSettled(files.map((file) => file.syncData()));
      if (results[0].status === "rejected") throw results[0].reason;
      if (results[1]?.status === "rejected" && this.#joined === joined) {
        if (this.#joinedPinned) throw results[1].reason;
        this.abandon();
      }
    } finally {
      if (--this.#syncsRunning === 0) this.#closeRetired();
    }
  }

  #backgroundSync(): void {
    if (!this.#dirty || this.#failure || this.#syncsRunning > 0) return;
    this.#syncFiles().catch((cause: unknown) => this.fail(cause, "sync failed"));
  }

  /**
   * Closes `file` once no sync is using it. A `replaced` file (renamed over,
   * so no path names it) is first emptied off the event loop: closing the
   * last descriptor of an unlinked file frees all its blocks inside
   * `close`, which for a large WAL can hold the loop for tens of ms.
   */
  #retire(file: WalFile, replaced = false): void {
    this.#retired.push({ file, replaced });
    if (this.#syncsRunning === 0) this.#closeRetired();
  }

  #closeRetired(): void {
    for (const { file, replaced } of this.#retired.splice(0)) {
      const close = () => {
        try {
          file.close();
        } catch { /* already closed */ }
      };
      if (replaced && file.truncate) file.truncate(0).then(close, close);
      else close();
    }
  }

  /**
   * Waits until the open batch holds as many records as were in flight last
   * time, or one timer tick (~2 ms) at most.
   *
   * Why: without it, 50 clients split into two groups that take turns, each
   * sync serving the ~25 that arrived while the other group's sync ran. The
   * clients just acknowledged send their next write within a round trip, so
   * waiting that long lets one sync serve all 50, doubling durable writes/s.
   * A lone writer has a target of 1 and never waits; when writers go away,
   * the timer fires once and the target shrinks to what actually came.
   */
  #gather(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.#wake?.(), 0);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }
}
