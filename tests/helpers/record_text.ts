/**
 * WAL records as single binary strings, for tests that write or compare a
 * file's bytes: the record encoders build pieces (`RecordPieces`), and a
 * test of a few short records reads best as text.
 *
 * @example
 * ```ts
 * setText("k", "v"); // "3SET1k1v\n"
 * sealedText(delText("1\n")); // "3CRC…:…:4DROP2:1\n\n"
 * ```
 *
 * @module
 */
import {
  encodeDel,
  encodeExpireAt,
  encodeFlushAll,
  encodeMulti,
  encodeRecord,
  encodeSet,
  recordText,
  sealRecord,
  type WalRecord,
} from "../../src/wal/record.ts";

/** {@linkcode encodeSet} as one string. */
export function setText(key: string, value: string, expiresAt = 0): string {
  return recordText(encodeSet(key, value, expiresAt));
}

/** {@linkcode encodeDel} as one string. */
export function delText(key: string): string {
  return recordText(encodeDel(key));
}

/** {@linkcode encodeExpireAt} as one string. */
export function expireAtText(key: string, expiresAt: number): string {
  return recordText(encodeExpireAt(key, expiresAt));
}

/** {@linkcode encodeFlushAll} as one string. */
export function flushAllText(): string {
  return recordText(encodeFlushAll());
}

/** {@linkcode encodeMulti} of records given as text, as one string. */
export function multiText(records: string[]): string {
  return recordText(encodeMulti(records.map((record) => [record])));
}

/** {@linkcode encodeRecord} as one string. */
export function recordAsText(record: WalRecord): string {
  return recordText(encodeRecord(record));
}

/** The record given as text, as the WAL writes it ({@linkcode sealRecord}). */
export function sealedText(record: string): string {
  return recordText(sealRecord([record]));
}
