import { errorMessage } from "../io/error_message.ts";
import { writeAll } from "../io/write_all.ts";
import type { FsyncPolicy } from "./fsync_policy.ts";
import type { RecordPieces } from "./record.ts";
import { RecordBatch } from "./record_batch.ts";
import type { Wal } from "./wal.ts";

/**
 * The part of `Deno.FsFile` the WAL uses, so a test can hand it a file
 * that fails on cue.
 */
export type WalFile =
  & Pick<Deno.FsFile, "writeSync" | "syncData" | "close">
  & Partial<Pick<Deno.FsFile, "truncate" | "truncateSync">>;

/** Records waiting for one write and one sync, and the promise they share. */
interface Batch {
  /** Its records, as they will be written. */
  records: RecordBatch;
  rollbacks: (() => void)[];
  /** The sequence number of its last record. */
  last: number;
  done: Promise<void>;
  resolve: () => void;
}

function newBatch(): Batch {
  const { promise, resolve } = Promise.withResolvers<void>();
  return { records: new RecordBatch(), rollbacks: [], last: 0, done: promise, resolve };
}

/** Records rolled back together by one failure: sequence numbers `(after, through]`. */
interface RolledBack {
  after: number;
  through: number;
  error: Error;
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
/**
 * {@linkcode FileWal.catchUp} stops once a round wrote at most this many
 * bytes: what arrived meanwhile is then about as small, and
 * {@linkcode FileWal.join} writes it in well under a millisecond.
 */
const CATCH_UP_REST = 256 * 1024;
/** ...or after this many rounds, should writes keep outpacing it. */
const CATCH_UP_ROUNDS = 16;

/** Writes all of `bytes` to `file` synchronously. */
function writeAllSync(file: WalFile, bytes: Uint8Array): void {
  for (let written = 0; written < bytes.length;) {
    written += file.writeSync(bytes.subarray(written));
  }
}

/** Cuts `file` back to `length` bytes if it can; a failing disk may refuse that too. */
function cut(file: WalFile, length: number): void {
  try {
    file.truncateSync?.(length);
  } catch { /* the rewrite from memory replaces the file anyway */ }
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
 * Every record gets a sequence number; a reply computed while records are
 * pending depends on the newest of them ({@linkcode FileWal.horizon}) and is
 * sent once that one is settled ({@linkcode FileWal.settled}). If a write or
 * sync fails, every record not yet durable is rolled back in the store
 * (newest first), their sequence numbers are remembered as rolled back with
 * the error ({@linkcode FileWal.rolledBack}), so exactly the replies that
 * depended on them become errors, and the WAL refuses further writes
 * ({@linkcode FileWal.failure}) until {@linkcode FileWal.resume} hands it a
 * file rewritten from memory; reads are unaffected.
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
 * const seq = wal.append(encodeSet("k", "v"), () => store.delete("k"));
 * await wal.settled(seq);
 * wal.rolledBack(seq); // null: "+OK" may be sent
 * ```
 */
export class FileWal implements Wal {
  readonly #path: string;
  #policy: FsyncPolicy;
  readonly #syncIntervalMs: number;
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
  #kept: RecordBatch[] | null = null;
  #keptRecords = 0;
  #syncs = 0;
  #recordsWritten = 0;
  /**
   * The batch that was open when {@linkcode FileWal.keep} was called, and the
   * records appended to it since: only those are the tail's. The ones before
   * changed memory before the compaction began, so its snapshot holds them
   * already, and a container change (an LPOP) kept too would replay twice.
   */
  #straddling: { batch: Batch; tail: RecordBatch } | null = null;
  /** Bytes of kept batches {@linkcode FileWal.catchUp} has written to the compaction's file. */
  #caughtUpBytes = 0;
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
  /** The sequence number of the newest record appended. */
  #appended = 0;
  /** Every record up to this sequence number is durable or rolled back. */
  #resolved = 0;
  /** What each failure rolled back; one entry per failure, so a handful. */
  readonly #rolledBack: RolledBack[] = [];

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
    this.#syncIntervalMs = options.syncIntervalMs ?? SECOND;
    if (this.#policy === "everysec") {
      this.#timer = setInterval(() => this.#backgroundSync(), this.#syncIntervalMs);
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

  /**
   * Changes the fsync policy for the batches from now on (CONFIG SET
   * appendfsync). Writes acknowledged under the old policy keep its
   * promise; anything written but not yet synced is synced now, so a switch
   * to `always` leaves nothing unsynced behind.
   */
  set fsync(policy: FsyncPolicy) {
    if (policy === this.#policy || this.#closed) return;
    this.#policy = policy;
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = policy === "everysec"
      ? setInterval(() => this.#backgroundSync(), this.#syncIntervalMs)
      : null;
    this.#backgroundSync();
  }

  /** Bytes and records in the file, as written so far. */
  get size(): WalSize {
    return { ...this.#size };
  }

  /** The path the WAL lives at. */
  get path(): string {
    return this.#path;
  }

  append(record: RecordPieces, rollback: () => void): number {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error(`WAL "${this.#path}" is closed`);
    const batch = this.#open ??= newBatch();
    batch.records.add(record);
    if (this.#straddling !== null && this.#straddling.batch === batch) {
      this.#straddling.tail.add(record);
    }
    batch.rollbacks.push(rollback);
    batch.last = ++this.#appended;
    if (this.#wake && batch.rollbacks.length >= this.#target) this.#wake();
    // Start after the current task, so every record the caller appends in
    // this turn of the event loop (a pipelined batch) shares the sync.
    this.#committing ??= Promise.resolve().then(() => this.#commitLoop());
    return batch.last;
  }

  horizon(): number {
    return this.#open || this.#syncing ? this.#appended : 0;
  }

  settled(seq = this.horizon()): Promise<void> | null {
    if (seq <= this.#resolved) return null;
    if (this.#syncing && seq <= this.#syncing.last) return this.#syncing.done;
    return this.#open?.done ?? null;
  }

  rolledBack(seq: number): Error | null {
    const ranges = this.#rolledBack;
    for (let i = 0; i < ranges.length; i++) {
      if (seq > ranges[i].after && seq <= ranges[i].through) return ranges[i].error;
    }
    return null;
  }

  /**
   * Syncs of the WAL completed, and records written, since the start: their
   * ratio is how many writes a group commit's `fdatasync` covers (INFO).
   */
  get commits(): { syncs: number; records: number } {
    return { syncs: this.#syncs, records: this.#recordsWritten };
  }

  /** Starts keeping every batch written from now on, for a compaction. */
  keep(): void {
    this.#kept = [];
    this.#keptRecords = 0;
    this.#straddling = this.#open ? { batch: this.#open, tail: new RecordBatch() } : null;
    this.#caughtUpBytes = 0;
  }

  /**
   * Writes the batches kept so far to `file` off the event loop, round after
   * round while writes go on, until what is left is small. Why: a compaction
   * under a full-speed write load keeps tens of MB, which
   * {@linkcode FileWal.join}, writing synchronously so that no batch slips
   * between the two files, would otherwise write in one long pause.
   * Returns false when the kept batches are gone: the WAL failed or the
   * compaction was abandoned meanwhile.
   */
  async catchUp(file: Pick<Deno.FsFile, "write">): Promise<boolean> {
    for (let round = 0; round < CATCH_UP_ROUNDS; round++) {
      const kept = this.#kept;
      if (kept === null || this.#failure) return false;
      // Taken from the front; batches written meanwhile are pushed behind.
      const batches = kept.splice(0);
      const chunks: Uint8Array[] = [];
      let bytes = 0;
      for (const records of batches) {
        bytes += records.writeTo((chunk) => chunks.push(chunk.slice()));
      }
      for (const chunk of chunks) await writeAll(file, chunk);
      this.#caughtUpBytes += bytes;
      if (bytes <= CATCH_UP_REST) break;
    }
    return this.#kept !== null && !this.#failure;
  }

  /**
   * Writes the kept batches to `file`, which already holds `snapshot` and
   * those {@linkcode FileWal.catchUp} wrote, and from now on writes every
   * batch to it too; `file` now belongs to the WAL.
   * Returns false, having closed `file`, when it cannot: the WAL failed since
   * {@linkcode FileWal.keep}, or writing the kept batches failed.
   */
  join(file: WalFile, snapshot: WalSize): boolean {
    const kept = this.#kept;
    this.#kept = null;
    this.#straddling = null;
    if (kept === null || this.#failure) {
      file.close();
      return false;
    }
    try {
      let bytes = this.#caughtUpBytes;
      for (const records of kept) bytes += records.writeTo((chunk) => writeAllSync(file, chunk));
      this.#joinedSize = {
        bytes: snapshot.bytes + bytes,
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
    this.#straddling = null;
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
   * first, and remembered as rolled back with the error; its waiters are
   * released. Writes are refused until {@linkcode FileWal.resume}. `what`
   * starts the message, as in "write failed". The first failure wins; later
   * calls change nothing.
   */
  fail(cause: unknown, what: string): void {
    if (this.#failure) return;
    const error = new Error(`WAL "${this.#path}" ${what}: ${errorMessage(cause)}`, { cause });
    this.#failure = error;
    this.#epoch++;
    if (this.#appended > this.#resolved) {
      this.#rolledBack.push({ after: this.#resolved, through: this.#appended, error });
    }
    // Newest first: the open batch's records came after the syncing one's.
    for (const batch of [this.#open, this.#syncing]) {
      if (!batch) continue;
      for (let i = batch.rollbacks.length - 1; i >= 0; i--) batch.rollbacks[i]();
    }
    this.#resolved = this.#appended;
    this.#syncing?.resolve();
    this.#open?.resolve();
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
        if (!this.#open) break; // failed while gathering
      }
      const batch = this.#syncing = this.#open;
      this.#open = null;
      const before = this.#size.bytes;
      const joined = this.#joined;
      const joinedBefore = this.#joinedSize.bytes;
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
        // The batch is rolled back in memory, so it must not come back from
        // the file either if the process dies before the WAL is rewritten.
        cut(this.#file, before);
        if (joined) cut(joined, joinedBefore);
        this.fail(cause, step);
        break;
      }
      this.#syncing = null;
      // A failure meanwhile (the file check) has settled it already.
      this.#resolved = Math.max(this.#resolved, batch.last);
      batch.resolve();
      const open = this.#open as Batch | null; // refilled by appends during the sync
      this.#target = batch.rollbacks.length + (open?.rollbacks.length ?? 0);
    }
    this.#committing = null;
  }

  #write(batch: Batch): void {
    const records = batch.rollbacks.length;
    const bytes = batch.records.writeTo((chunk) => {
      writeAllSync(this.#file, chunk);
      if (!this.#joined) return;
      try {
        writeAllSync(this.#joined, chunk);
      } catch (cause: unknown) {
        if (this.#joinedPinned) throw cause;
        this.abandon(); // the compaction fails; the WAL itself is fine
      }
    });
    this.#size.bytes += bytes;
    this.#size.records += records;
    this.#recordsWritten += records;
    if (this.#kept) {
      const straddling = this.#straddling;
      const kept = straddling?.batch === batch ? straddling.tail : batch.records;
      this.#straddling = null;
      this.#kept.push(kept);
      this.#keptRecords += kept.count;
    }
    if (this.#joined) {
      this.#joinedSize.bytes += bytes;
      this.#joinedSize.records += records;
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
      this.#syncs++;
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
