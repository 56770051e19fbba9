import type { Store } from "../store/store.ts";
import { takesBytes } from "../store/byte_writes.ts";
import { applyRecord, applySetSpans } from "./apply_record.ts";
import { decodeRecord, decodeRecordSpans, hasExplicitLengths } from "./record.ts";
import { WalCorruptionError } from "./wal_corruption_error.ts";

/** What {@linkcode replayWal} did, for the startup log. */
export interface ReplayResult {
  /** Records applied. */
  records: number;
  /** Bytes of complete records, which is the file's length after any cut. */
  bytes: number;
  /** Where a torn final record began, or `null` when the file ended cleanly. */
  tornAt: number | null;
  /** How many bytes were cut off the end. */
  tornBytes: number;
  /** Milliseconds spent. */
  millis: number;
}

/** Options for {@linkcode replayWal}. */
export interface ReplayOptions {
  /**
   * Called with the bytes and records applied so far, each time the replay
   * gives the event loop a turn, and once at the end.
   */
  onProgress?: (bytes: number, records: number) => void;
  /**
   * Let other work run (clients connected during the replay get their
   * answers) after at most this many ms of applying records. Default 5.
   */
  sliceMs?: number;
}

const CHUNK_BYTES = 1 << 20;
/** How many records are applied between two looks at the clock. */
const RECORDS_PER_CLOCK_CHECK = 256;
const NEWLINE = 0x0a;

/**
 * Applies every record of the WAL open in `file` to `stores` (one per
 * database, in order; SWAPDB records exchange entries), from the start.
 *
 * Records are parsed by their lengths, never by splitting lines, so values
 * holding newlines replay right. A final record that the file ends in the
 * middle of (the process died mid-append), possibly followed by zero bytes
 * (what some filesystems leave of unsynced blocks after a power cut), was
 * never acknowledged: it is cut off,
 * the cut synced, and reported in the result. Anything else that fails to
 * parse is corruption: a {@linkcode WalCorruptionError} naming the offset is
 * thrown and the file is left untouched.
 *
 * Into a store that keeps bytes (`--store arena`, see `ByteWrites`), a SET
 * record's key and value are copied from the read buffer into the store
 * without a string made for either; other records, and every record for
 * other stores, are decoded to strings and applied by {@linkcode applyRecord}.
 *
 * `file` must be open for reading and writing; it is left positioned at its
 * end, ready for appends. Every few ms ({@linkcode ReplayOptions.sliceMs})
 * the replay reports its progress and yields to the event loop, so a server
 * listening meanwhile answers its clients (with `-LOADING`).
 *
 * @example
 * ```ts
 * using file = await Deno.open(path, { read: true, write: true, create: true });
 * const result = await replayWal(file, path, [store]);
 * console.log(`${result.records} records replayed`);
 * ```
 */
export async function replayWal(
  file: Deno.FsFile,
  path: string,
  stores: Store[],
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const started = performance.now();
  const sliceMs = options.sliceMs ?? 5;
  const onProgress = options.onProgress ?? (() => {});
  let sliceEnd = started + sliceMs;
  const now = Date.now();
  await file.seek(0, Deno.SeekMode.Start);
  let buffer = new Uint8Array(CHUNK_BYTES);
  let filled = 0; // bytes of `buffer` holding file data
  let base = 0; // file offset of buffer[0]
  let records = 0;
  let eof = false;
  // Every database's store is of one kind, so SWAPDB never changes this.
  const spans = stores.length > 0 && takesBytes(stores[0]);

  const cutTail = async (tornAt: number): Promise<ReplayResult> => {
    const length = (await file.stat()).size;
    if (tornAt < length) {
      await file.truncate(tornAt);
      await file.syncData();
    }
    await file.seek(0, Deno.SeekMode.End);
    onProgress(tornAt, records);
    return {
      records,
      bytes: tornAt,
      tornAt: tornAt < length ? tornAt : null,
      tornBytes: length - tornAt,
      millis: performance.now() - started,
    };
  };

  while (true) {
    let at = 0;
    const view = buffer.subarray(0, filled);
    while (at < filled) {
      const result = spans ? decodeRecordSpans(view, at, eof) : decodeRecord(view, at, eof);
      if (result.kind === "incomplete") break;
      if (result.kind === "malformed") {
        if (await isZeroFilledTail(file, view, at)) return await cutTail(base + at);
        throw new WalCorruptionError(path, base + result.offset, result.reason);
      }
      try {
        if (result.kind === "set") applySetSpans(stores, view, result, now);
        else applyRecord(stores, result.record, now);
      } catch (error: unknown) {
        if (!(error instanceof RangeError)) throw error;
        throw new WalCorruptionError(path, base + at, error.message);
      }
      records++;
      at = result.end;
      if (records % RECORDS_PER_CLOCK_CHECK === 0 && performance.now() >= sliceEnd) {
        onProgress(base + at, records);
        // Any awaited op gives the event loop a turn; a stat of the file costs
        // ~15 µs, where setTimeout(0), clamped once nested, costs 2–4 ms.
        await file.stat();
        sliceEnd = performance.now() + sliceMs;
      }
    }
    if (eof) {
      // A torn append is one record cut short. If whole records run from a
      // newline after the unreadable seed record to the end of the file, a
      // length was damaged: cutting there would throw away acknowledged
      // writes. A colon record's lengths are explicit, and what follows its
      // header is its own payload (a torn MULTI holds whole records), so a
      // torn one is always cut.
      const colon = hasExplicitLengths(view, at);
      for (
        let i = view.indexOf(NEWLINE, at);
        !colon && i !== -1;
        i = view.indexOf(NEWLINE, i + 1)
      ) {
        if (i + 1 < filled && view[i + 1] !== 0 && recordsRunToEnd(view, i + 1)) {
          throw new WalCorruptionError(
            path,
            base + at,
            "the record cannot be read to its end, yet whole records follow it to the end of the file",
          );
        }
      }
      return await cutTail(base + at);
    }
    // Keep the unparsed tail, then read more behind it; grow only when one
    // record is larger than the whole buffer.
    buffer.copyWithin(0, at, filled);
    base += at;
    filled -= at;
    if (filled === buffer.length) {
      const larger = new Uint8Array(buffer.length * 2);
      larger.set(buffer);
      buffer = larger;
    }
    while (filled < buffer.length) {
      const n = await file.read(buffer.subarray(filled));
      if (n === null) {
        eof = true;
        break;
      }
      filled += n;
    }
  }
}

/** Whether whole records follow one another from `at` to the end of `view`. */
function recordsRunToEnd(view: Uint8Array, at: number): boolean {
  while (at < view.length) {
    const result = decodeRecord(view, at, true);
    if (result.kind !== "record") return false;
    at = result.end;
  }
  return true;
}

/**
 * Whether the record at `at` is the start of a record followed only by zero
 * bytes to the end of the file: an append cut short by a crash, whose unsynced
 * blocks the filesystem filled with zeros.
 */
async function isZeroFilledTail(
  file: Deno.FsFile,
  view: Uint8Array,
  at: number,
): Promise<boolean> {
  const zeros = view.indexOf(0, at);
  if (zeros === -1) return false;
  if (zeros > at && decodeRecord(view.subarray(0, zeros), at, true).kind !== "incomplete") {
    return false;
  }
  for (let i = zeros; i < view.length; i++) if (view[i] !== 0) return false;
  const position = await file.seek(0, Deno.SeekMode.Current);
  const chunk = new Uint8Array(CHUNK_BYTES);
  try {
    for (let n = await file.read(chunk); n !== null; n = await file.read(chunk)) {
      for (let i = 0; i < n; i++) if (chunk[i] !== 0) return false;
    }
    return true;
  } finally {
    await file.seek(position, Deno.SeekMode.Start);
  }
}
