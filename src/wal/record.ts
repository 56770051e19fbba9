import { binaryFromBytes } from "../io/binary.ts";
import { crc32cOfBytes, crc32cOfPieces } from "./crc32c.ts";

/**
 * WAL records. Every record is `<opLen><op>` followed by its fields and `\n`.
 *
 * The seed's two records, byte for byte:
 * `<keyLen><key><valueLen><value>` after `3SET`, and `<keyLen><key>` after
 * `3DEL`, every length a decimal count of bytes. That framing has two flaws:
 * a length runs straight into its text, so a key that starts with a digit
 * can be read more than one way (see {@linkcode decodeRecord}); and nothing
 * tells a record cut short by a crash from a damaged one. So walkv writes the
 * seed's records only where they read one way and hold no newline (a torn one
 * then holds no newline either, so it can never look like a record followed
 * by others), and everything else as its own ops, whose fields are
 * `<length>:<bytes>`, the colon ending the length:
 *
 * - `3PUT` key, value, expiry: a SET with an absolute expiry in ms since the
 *   epoch (`0`: none);
 * - `4DROP` key: a DEL;
 * - `9PEXPIREAT` key, expiry: a new expiry for an existing key (`0`: none);
 * - `8FLUSHALL`, no fields;
 * - `5MULTI` one field holding whole records, applied all or none: a command
 *   that changes several keys (MSET, RENAME, DEL of many keys), or a whole
 *   transaction (EXEC), is one record, so a crash can never leave half of it;
 * - `2DB` index, record: the record applies to database `index` (records
 *   outside one apply to database 0, as every record did before databases);
 * - `7FLUSHDB`, no fields: empties one database (FLUSHALL empties all);
 * - `6SWAPDB` index, index: exchanges two databases' contents;
 * - a container change, op then key then its arguments, as the change that
 *   was made and not the whole container, so that a push stays O(1):
 *   `4HSET` key, field, value, … (sets each field); `4HDEL` key, field, …;
 *   `4SADD` key, member, …; `4SREM` key, member, …; for lists, the change
 *   at the position it was made, so that replaying it onto the list as it
 *   was reproduces the list exactly: `5LPUSH`/`5RPUSH` key, element, …
 *   (pushed in order); `4LPOP`/`4RPOP` key, count (how many went);
 *   `4LSET` key, index, element; `7LINSERT` key, index, element (the
 *   position the element ends at, 0 to the length); `4LREM` key, count,
 *   element (LREM's count: the first `count` matches, the last `-count`,
 *   or all for 0); `5LTRIM` key, start, stop (the range kept; start > stop
 *   keeps nothing); every number a decimal integer, only LREM's negative.
 *   For sorted sets, `4ZADD` key, score, member, … (sets each member's
 *   score, written as JavaScript's `String(score)`, which `Number` reads
 *   back exactly, `Infinity` included, but `-0` for -0); `4ZREM` key,
 *   member, …. Each creates its container if the key has none, and a
 *   container left empty is removed. And two that move a container whole,
 *   in O(1): `6RENAME` key, new key (replacing what the new key held, the
 *   expiry going along); `4MOVE` key, database (into that database).
 *
 * In the file each of walkv's own records is sealed ({@linkcode sealRecord}):
 * `3CRC<length>:<crc>:` and then exactly `length` bytes holding the record,
 * `crc` its CRC-32C in 8 hex digits. Replay so tells a torn final record (the
 * file ends before `length` does) from a damaged one (the checksum differs).
 * Files written before the seal (plain colon records) still replay.
 *
 * Keys and values are binary strings (`src/io/binary.ts`). A record is built
 * as a list of binary-string pieces whose concatenation is its bytes
 * ({@linkcode RecordPieces}), so a record holding a value near V8's longest
 * string never needs one string of the whole record.
 *
 * @example
 * ```ts
 * encodeSet("hello", "world"); // ["3SET5hello5world\n"] (the seed's record)
 * encodeSet("1k", "v\n");      // ["3PUT2:1k2:v\n1:0\n"]
 * sealRecord(encodeDel("1\n")); // ["3CRC10:c1284ab9:", "4DROP2:1\n\n"]
 * ```
 */
export type WalRecord =
  | { op: "SET"; key: string; value: string; expiresAt: number }
  | { op: "DEL"; key: string }
  | { op: "PEXPIREAT"; key: string; expiresAt: number }
  | { op: "FLUSHALL" }
  | { op: "FLUSHDB" }
  | { op: "SWAPDB"; a: number; b: number }
  | { op: "DB"; index: number; record: WalRecord }
  | { op: "MULTI"; records: WalRecord[] }
  | { op: "CONTAINER"; name: ContainerOp; key: string; args: string[] };

/** The container changes a record can hold, and how many fields each has at least. */
const CONTAINER_OPS = {
  HSET: 3,
  HDEL: 2,
  SADD: 2,
  SREM: 2,
  LPUSH: 2,
  RPUSH: 2,
  LPOP: 2,
  RPOP: 2,
  LSET: 3,
  LINSERT: 3,
  LREM: 3,
  LTRIM: 3,
  ZADD: 3,
  ZREM: 2,
  RENAME: 2,
  MOVE: 2,
} as const;

/**
 * The fields of a list change that hold a number (counting the key as 0):
 * what {@linkcode decodeRecord} checks, and whether the number may be
 * negative.
 */
const NUMBER_FIELDS: Partial<Record<ContainerOp, { fields: readonly number[]; signed: boolean }>> =
  {
    LPOP: { fields: [1], signed: false },
    RPOP: { fields: [1], signed: false },
    LSET: { fields: [1], signed: false },
    LINSERT: { fields: [1], signed: false },
    LREM: { fields: [1], signed: true },
    LTRIM: { fields: [1, 2], signed: false },
    MOVE: { fields: [1], signed: false },
  };
/** A number in a list change: decimal, no leading zeros, within what a double holds exactly. */
const UNSIGNED_NUMBER = /^(0|[1-9][0-9]{0,14})$/;
const SIGNED_NUMBER = /^(0|-?[1-9][0-9]{0,14})$/;

/** A container change's op: see {@linkcode WalRecord}. */
export type ContainerOp = keyof typeof CONTAINER_OPS;

/**
 * A record as binary-string pieces, concatenated in order. Small records are
 * one piece; a long key or value is a piece of its own.
 */
export type RecordPieces = readonly string[];

/**
 * The largest key or value walkv stores: V8's longest string (2^29 - 24
 * characters), which every value must fit in, as Redis's `proto-max-bulk-len`.
 */
export const MAX_FIELD_BYTES = 536_870_888;
/** Enough digits for {@linkcode MAX_FIELD_BYTES}; a longer reading of a length is never tried. */
const MAX_LENGTH_DIGITS = 9;
/** Digits allowed in a colon-framed length: MULTI records may exceed one field's limit. */
const MAX_COLON_DIGITS = 15;
/** Text longer than this stays a piece of its own instead of being concatenated. */
const SEPARATE_ABOVE = 1024;
const NEWLINE = 0x0a;
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/** Appends `text` to `pieces`, joining it to the last piece while both are short. */
function push(pieces: string[], text: string): void {
  const last = pieces.length - 1;
  if (text.length <= SEPARATE_ABOVE && last >= 0 && pieces[last].length <= SEPARATE_ABOVE) {
    pieces[last] += text;
  } else {
    pieces.push(text);
  }
}

/** The colon-framed field of a number. */
function field(n: number): string {
  const text = String(n);
  return text.length + ":" + text;
}

/** Appends the colon-framed field `<length>:<text>`. */
function pushField(pieces: string[], text: string): void {
  push(pieces, text.length + ":");
  push(pieces, text);
}

/**
 * Whether the seed's framing carries `key` unambiguously, and without a
 * newline. A length of one digit has one reading. A longer one could be read
 * short, its later digits becoming text; such a reading must then find the
 * next length's digits inside this text, so a key without digits is safe
 * whatever its length.
 */
function seedKey(key: string): boolean {
  return key.length < 10 ? !key.includes("\n") : !/[0-9\n]/.test(key);
}

/**
 * The record for setting `key` to `value` with expiry `expiresAt` (0: none):
 * the seed's SET when it has no expiry and neither key nor value holds a
 * newline (a value is the last field, so a short reading of its length ends
 * inside it, where no newline is), else a PUT.
 */
export function encodeSet(key: string, value: string, expiresAt = 0): RecordPieces {
  const seed = expiresAt === 0 && seedKey(key) && !value.includes("\n");
  if (key.length + value.length <= SEPARATE_ABOVE) {
    // The common case, one short piece, built as one string.
    return seed
      ? ["3SET" + key.length + key + value.length + value + "\n"]
      : ["3PUT" + key.length + ":" + key + value.length + ":" + value + field(expiresAt) + "\n"];
  }
  const pieces: string[] = [];
  if (seed) {
    push(pieces, "3SET" + key.length);
    push(pieces, key);
    push(pieces, String(value.length));
    push(pieces, value);
    push(pieces, "\n");
    return pieces;
  }
  push(pieces, "3PUT");
  pushField(pieces, key);
  pushField(pieces, value);
  pushField(pieces, String(expiresAt));
  push(pieces, "\n");
  return pieces;
}

/** The record for deleting `key`: the seed's DEL when its key is safe there, else a DROP. */
export function encodeDel(key: string): RecordPieces {
  const pieces: string[] = [];
  push(pieces, seedKey(key) ? "3DEL" + key.length : "4DROP" + key.length + ":");
  push(pieces, key);
  push(pieces, "\n");
  return pieces;
}

/** The record for giving existing `key` the expiry `expiresAt` (0: none). */
export function encodeExpireAt(key: string, expiresAt: number): RecordPieces {
  const pieces: string[] = [];
  push(pieces, "9PEXPIREAT");
  pushField(pieces, key);
  pushField(pieces, String(expiresAt));
  push(pieces, "\n");
  return pieces;
}

/** The record of container change `op` to `key` with `args` (fields, members, …). */
export function encodeContainerOp(
  op: ContainerOp,
  key: string,
  args: readonly string[],
): RecordPieces {
  const pieces: string[] = [];
  push(pieces, op.length + op);
  pushField(pieces, key);
  for (const arg of args) pushField(pieces, arg);
  push(pieces, "\n");
  return pieces;
}

/** The record for emptying the store. */
export function encodeFlushAll(): RecordPieces {
  return ["8FLUSHALL\n"];
}

/** The record for emptying one database. */
export function encodeFlushDb(): RecordPieces {
  return ["7FLUSHDB\n"];
}

/** The record for exchanging databases `a` and `b`. */
export function encodeSwapDb(a: number, b: number): RecordPieces {
  return ["6SWAPDB" + field(a) + field(b) + "\n"];
}

/** `record`, applied to database `index` instead of database 0. */
export function encodeInDb(index: number, record: RecordPieces): RecordPieces {
  const pieces: string[] = [];
  push(pieces, "2DB" + field(index) + piecesLength(record) + ":");
  for (const piece of record) push(pieces, piece);
  push(pieces, "\n");
  return pieces;
}

/** One record applying all of `records` or none. */
export function encodeMulti(records: readonly RecordPieces[]): RecordPieces {
  const pieces: string[] = [];
  push(pieces, "5MULTI" + records.reduce((sum, record) => sum + piecesLength(record), 0) + ":");
  for (const record of records) for (const piece of record) push(pieces, piece);
  push(pieces, "\n");
  return pieces;
}

/** The total length of `pieces`: the record's size in bytes. */
export function piecesLength(pieces: RecordPieces): number {
  let length = 0;
  for (const piece of pieces) length += piece.length;
  return length;
}

/** Whether `record` is one of the seed's records, which are written as they are. */
export function isSeedRecord(record: RecordPieces): boolean {
  const head = record[0];
  return head.startsWith("3SET") || head.startsWith("3DEL");
}

/**
 * `record` as it goes into the file: the seed's records unchanged, walkv's
 * own behind `3CRC<length>:<crc32c, 8 hex digits>:`.
 */
export function sealRecord(record: RecordPieces): RecordPieces {
  if (isSeedRecord(record)) return record;
  const header = "3CRC" + piecesLength(record) + ":" + hex(crc32cOfPieces(record)) + ":";
  if (record.length === 1 && record[0].length <= SEPARATE_ABOVE) return [header + record[0]];
  return [header, ...record];
}

/**
 * The header of a sealed record of `length` bytes whose checksum is left as
 * zeros, to be filled in by {@linkcode fillSeal} once the record is bytes.
 */
export function sealHeader(length: number): string {
  return "3CRC" + length + ":00000000:";
}

/**
 * Fills in the checksum of a sealed record whose header came from
 * {@linkcode sealHeader} and whose record is `bytes[start..end)`: the 8 hex
 * digits just before `start`.
 */
export function fillSeal(bytes: Uint8Array, start: number, end: number): void {
  const crc = crc32cOfBytes(bytes, start, end);
  for (let i = 0; i < CRC_DIGITS; i++) {
    bytes[start - 2 - i] = HEX_CODES[(crc >>> (4 * i)) & 15];
  }
}

/** The pieces of `record`, for a caller that needs the plain record. */
export function encodeRecord(record: WalRecord): RecordPieces {
  switch (record.op) {
    case "SET":
      return encodeSet(record.key, record.value, record.expiresAt);
    case "DEL":
      return encodeDel(record.key);
    case "PEXPIREAT":
      return encodeExpireAt(record.key, record.expiresAt);
    case "FLUSHALL":
      return encodeFlushAll();
    case "FLUSHDB":
      return encodeFlushDb();
    case "SWAPDB":
      return encodeSwapDb(record.a, record.b);
    case "DB":
      return encodeInDb(record.index, encodeRecord(record.record));
    case "MULTI":
      return encodeMulti(record.records.map(encodeRecord));
    case "CONTAINER":
      return encodeContainerOp(record.name, record.key, record.args);
  }
}

/** The record's text, one piece: for tests and small records only. */
export function recordText(record: RecordPieces): string {
  return record.join("");
}

/**
 * What {@linkcode decodeRecord} found at an offset: a whole record and where
 * the next one starts; `incomplete` when the bytes end before the record
 * does (a torn append if nothing follows); or `malformed`, with the offset of
 * the first bad byte and what was expected there.
 */
export type DecodeResult =
  | { kind: "record"; record: WalRecord; end: number }
  | { kind: "incomplete" }
  | { kind: "malformed"; offset: number; reason: string };

/**
 * A SET record (the seed's SET or a PUT, at the top level of the file or
 * sealed) found by a decode that asked for spans: where its key and value
 * lie in the decoded bytes, instead of strings of them, so replay can copy
 * the bytes straight into a store that keeps bytes. It is checked exactly as
 * a decoded record is. One object is reused: it holds until the next decode.
 */
export interface SetSpans {
  kind: "set";
  keyStart: number;
  keyEnd: number;
  valueStart: number;
  valueEnd: number;
  expiresAt: number;
  end: number;
}

const setSpans: SetSpans = {
  kind: "set",
  keyStart: 0,
  keyEnd: 0,
  valueStart: 0,
  valueEnd: 0,
  expiresAt: 0,
  end: 0,
};

function spansOfSet(
  keyStart: number,
  keyEnd: number,
  valueStart: number,
  valueEnd: number,
  expiresAt: number,
  end: number,
): SetSpans {
  setSpans.keyStart = keyStart;
  setSpans.keyEnd = keyEnd;
  setSpans.valueStart = valueStart;
  setSpans.valueEnd = valueEnd;
  setSpans.expiresAt = expiresAt;
  setSpans.end = end;
  return setSpans;
}

const INCOMPLETE: DecodeResult = { kind: "incomplete" };

/**
 * Decodes the record that starts at `start` in `bytes`; `atEnd` says whether
 * the bytes end where the file does, `sealed` whether a sealed record
 * (`3CRC…`) may stand here (at the top level of a file, not inside a record).
 *
 * The seed's format has a flaw this must work around: a length runs straight
 * into its text, so `SET counter 42` is `3SET7counter242\n`, and reading
 * every digit as the length (as the seed does) gets 242. So each length field
 * is tried at every digit count, shortest first, and a reading is accepted
 * when the record then ends in `\n` exactly, followed by the end of the file
 * or the start of another record (`<digits><OP>`). For DEL only one reading
 * can end in a newline; for SET the check of what follows settles the rest.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("3SET7counter242\n");
 * decodeRecord(bytes, 0, true); // { kind: "record", record: { op: "SET", key: "counter", value: "42" }, end: 16 }
 * ```
 */
export function decodeRecord(
  bytes: Uint8Array,
  start: number,
  atEnd: boolean,
  sealed = true,
): DecodeResult {
  return decodeAt(bytes, start, atEnd, sealed, false) as DecodeResult;
}

/**
 * {@linkcode decodeRecord} at the top level of a file, for replay: a SET
 * (the seed's or a PUT, sealed or not; not one inside a MULTI or DB) comes
 * back as {@linkcode SetSpans} instead of strings, every other record and
 * every error exactly as `decodeRecord` gives them.
 *
 * @example
 * ```ts
 * const result = decodeRecordSpans(bytes, 0, true);
 * if (result.kind === "set") store.setBytes(bytes, result.keyStart, result.keyEnd, …);
 * ```
 */
export function decodeRecordSpans(
  bytes: Uint8Array,
  start: number,
  atEnd: boolean,
): DecodeResult | SetSpans {
  return decodeAt(bytes, start, atEnd, true, true);
}

/** {@linkcode decodeRecord}, giving a SET as spans when `spans` is set. */
function decodeAt(
  bytes: Uint8Array,
  start: number,
  atEnd: boolean,
  sealed: boolean,
  setAsSpans: boolean,
): DecodeResult | SetSpans {
  const opRun = digitRun(bytes, start);
  if (start + opRun === bytes.length) return INCOMPLETE;
  if (opRun === 0) return diagnose(bytes, start);
  const opLength = readLength(bytes, start, opRun);
  const opStart = start + opRun;
  if (opStart + opLength > bytes.length) return INCOMPLETE;
  const op = knownOp(bytes, opStart, opLength) ??
    binaryFromBytes(bytes, opStart, opStart + opLength);
  if (op === "CRC") {
    if (!sealed) {
      return { kind: "malformed", offset: start, reason: "a sealed record inside another record" };
    }
    return decodeSealed(bytes, start, opStart + opLength, setAsSpans);
  }
  if (op in COLON_OPS) {
    return decodeColonRecord(bytes, start, opStart + opLength, op as ColonOp, setAsSpans);
  }
  if (op !== "SET" && op !== "DEL") {
    return { kind: "malformed", offset: start, reason: `unknown operation ${JSON.stringify(op)}` };
  }
  const fields = op === "SET" ? 2 : 1;
  const spans: number[] = [];
  let incomplete = false;
  let fallback: number[] | null = null;

  // Depth-first over the readings of each length, shortest first. `spans`
  // holds [textStart, textEnd] per field decided so far.
  const search = (at: number): number[] | null => {
    if (spans.length === fields * 2) {
      if (at === bytes.length) {
        incomplete = true;
        return null;
      }
      if (bytes[at] !== NEWLINE) return null;
      const next = nextRecordStarts(bytes, at + 1, atEnd);
      if (next === "yes") return spans.slice();
      if (next === "need-more") incomplete = true;
      else fallback ??= spans.slice();
      return null;
    }
    const run = digitRun(bytes, at);
    if (at + run === bytes.length) {
      incomplete = true;
      return null;
    }
    for (let digits = 1; digits <= Math.min(run, MAX_LENGTH_DIGITS); digits++) {
      const length = readLength(bytes, at, digits);
      if (length > MAX_FIELD_BYTES) break;
      const textStart = at + digits;
      const textEnd = textStart + length;
      if (textEnd > bytes.length) {
        incomplete = true;
        break; // longer readings only reach further
      }
      spans.push(textStart, textEnd);
      const found = search(textEnd);
      spans.length -= 2;
      if (found) return found;
    }
    return null;
  };

  const chosen = search(opStart + opLength) ?? fallback;
  if (chosen === null) return incomplete ? INCOMPLETE : diagnose(bytes, start);
  const end = chosen[chosen.length - 1] + 1;
  if (setAsSpans && op === "SET") {
    return spansOfSet(chosen[0], chosen[1], chosen[2], chosen[3], 0, end);
  }
  const key = binaryFromBytes(bytes, chosen[0], chosen[1]);
  if (op === "DEL") return { kind: "record", record: { op, key }, end };
  const value = binaryFromBytes(bytes, chosen[2], chosen[3]);
  return { kind: "record", record: { op, key, value, expiresAt: 0 }, end };
}

/** Hex digits of a sealed record's checksum. */
const CRC_DIGITS = 8;

/**
 * Decodes a sealed record, `3CRC<length>:<crc>:` then `length` bytes holding
 * one record, its header ending at `at`. The checksum is checked before the
 * record inside is read, so damage anywhere in it is reported as such.
 */
function decodeSealed(
  bytes: Uint8Array,
  start: number,
  at: number,
  spans: boolean,
): DecodeResult | SetSpans {
  const run = digitRun(bytes, at);
  if (at + run === bytes.length) return INCOMPLETE;
  if (run === 0 || run > MAX_COLON_DIGITS || bytes[at + run] !== COLON) {
    return {
      kind: "malformed",
      offset: at + run,
      reason: `expected a length and ":" in a sealed record, found ${
        describeByte(bytes[at + run])
      }`,
    };
  }
  const length = readLength(bytes, at, run);
  const crcStart = at + run + 1;
  const bodyStart = crcStart + CRC_DIGITS + 1;
  if (bodyStart > bytes.length) return INCOMPLETE;
  let expected = 0;
  for (let i = crcStart; i < crcStart + CRC_DIGITS; i++) {
    const digit = hexDigit(bytes[i]);
    if (digit === -1) {
      return {
        kind: "malformed",
        offset: i,
        reason: `expected a hex digit of a checksum, found ${describeByte(bytes[i])}`,
      };
    }
    expected = expected * 16 + digit;
  }
  if (bytes[bodyStart - 1] !== COLON) {
    return {
      kind: "malformed",
      offset: bodyStart - 1,
      reason: `expected ":" after a checksum, found ${describeByte(bytes[bodyStart - 1])}`,
    };
  }
  const end = bodyStart + length;
  if (end > bytes.length) return INCOMPLETE;
  const actual = crc32cOfBytes(bytes, bodyStart, end);
  if (actual !== expected) {
    return {
      kind: "malformed",
      offset: start,
      reason: `the checksum of a ${length}-byte sealed record is ${hex(actual)}, ` +
        `but the record says ${hex(expected)}`,
    };
  }
  // walkv seals only colon records, decoded in place; anything else gets a
  // view that ends with the seal. A colon record's lengths are explicit, and
  // one that overran the seal would not end where it does.
  const opRun = digitRun(bytes, bodyStart);
  const opStart = bodyStart + opRun;
  const opLength = opRun === 1 ? bytes[bodyStart] - ZERO : 0;
  const op = opLength > 0 && opStart + opLength <= end
    ? knownOp(bytes, opStart, opLength)
    : undefined;
  const inner = op !== undefined && op in COLON_OPS
    ? decodeColonRecord(bytes, bodyStart, opStart + opLength, op as ColonOp, spans)
    : decodeRecord(bytes.subarray(0, end), bodyStart, true, false);
  if (inner.kind === "incomplete") {
    return {
      kind: "malformed",
      offset: bodyStart,
      reason: "a sealed record ends inside its record",
    };
  }
  if (inner.kind === "malformed") return inner;
  if (inner.end !== end) {
    return {
      kind: "malformed",
      offset: inner.end,
      reason: `a sealed record holds ${end - inner.end} byte(s) after its record`,
    };
  }
  return inner.kind === "set" ? inner : { kind: "record", record: inner.record, end };
}

function hexDigit(byte: number): number {
  if (byte >= ZERO && byte <= NINE) return byte - ZERO;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x61 + 10;
  return -1;
}

const HEX_CODES = Array.from("0123456789abcdef", (c) => c.charCodeAt(0));

/** `crc` in 8 lowercase hex digits; `toString(16)` costs several times more per record. */
function hex(crc: number): string {
  return String.fromCharCode(
    HEX_CODES[crc >>> 28],
    HEX_CODES[(crc >>> 24) & 15],
    HEX_CODES[(crc >>> 20) & 15],
    HEX_CODES[(crc >>> 16) & 15],
    HEX_CODES[(crc >>> 12) & 15],
    HEX_CODES[(crc >>> 8) & 15],
    HEX_CODES[(crc >>> 4) & 15],
    HEX_CODES[crc & 15],
  );
}

/**
 * The colon-framed ops and how many fields each has; negative for at least
 * that many (as a command's arity), for the container changes.
 */
const COLON_OPS = {
  PUT: 3,
  DROP: 1,
  PEXPIREAT: 2,
  FLUSHALL: 0,
  MULTI: 1,
  FLUSHDB: 0,
  SWAPDB: 2,
  DB: 2,
  HSET: -CONTAINER_OPS.HSET,
  HDEL: -CONTAINER_OPS.HDEL,
  SADD: -CONTAINER_OPS.SADD,
  SREM: -CONTAINER_OPS.SREM,
  LPUSH: -CONTAINER_OPS.LPUSH,
  RPUSH: -CONTAINER_OPS.RPUSH,
  LPOP: CONTAINER_OPS.LPOP,
  RPOP: CONTAINER_OPS.RPOP,
  LSET: CONTAINER_OPS.LSET,
  LINSERT: CONTAINER_OPS.LINSERT,
  LREM: CONTAINER_OPS.LREM,
  LTRIM: CONTAINER_OPS.LTRIM,
  ZADD: -CONTAINER_OPS.ZADD,
  ZREM: -CONTAINER_OPS.ZREM,
  RENAME: CONTAINER_OPS.RENAME,
  MOVE: CONTAINER_OPS.MOVE,
} as const;
/** More databases than any configuration has; a larger index is damage. */
const MAX_DB_DIGITS = 6;
type ColonOp = keyof typeof COLON_OPS;

/**
 * Whether the record at `at` is sealed or colon-framed (PUT, DROP, …): its
 * lengths are explicit, so whatever a torn one holds is payload.
 */
export function hasExplicitLengths(bytes: Uint8Array, at: number): boolean {
  const run = digitRun(bytes, at);
  if (run === 0 || run > 2) return false;
  const opStart = at + run;
  const opEnd = opStart + readLength(bytes, at, run);
  if (opEnd > bytes.length) return false;
  const op = binaryFromBytes(bytes, opStart, opEnd);
  return op === "CRC" || op in COLON_OPS;
}

/** Field spans of the colon record being decoded: [start, end) pairs, reused. */
const colonSpans: number[] = [];

/**
 * Decodes a colon-framed record whose fields start at `at`.
 *
 * Replay spends most of its time here and in the store, so this allocates
 * nothing but the record and its strings.
 */
function decodeColonRecord(
  bytes: Uint8Array,
  start: number,
  at: number,
  op: ColonOp,
  setAsSpans = false,
): DecodeResult | SetSpans {
  const spans = colonSpans;
  let count = 0;
  while (true) {
    if (at === bytes.length) return INCOMPLETE;
    if (bytes[at] === NEWLINE) break;
    const run = digitRun(bytes, at);
    if (at + run === bytes.length) return INCOMPLETE;
    if (run === 0 || run > MAX_COLON_DIGITS || bytes[at + run] !== COLON) {
      const found = run === 0 ? bytes[at] : bytes[at + run];
      return {
        kind: "malformed",
        offset: run === 0 ? at : at + run,
        reason: run === 0
          ? `expected a field length or a newline in a ${op} record, found ${describeByte(found)}`
          : `expected ":" after a field length in a ${op} record, found ${describeByte(found)}`,
      };
    }
    const textStart = at + run + 1;
    const textEnd = textStart + readLength(bytes, at, run);
    if (textEnd > bytes.length) return INCOMPLETE;
    spans[count * 2] = textStart;
    spans[count * 2 + 1] = textEnd;
    count++;
    at = textEnd;
  }
  const end = at + 1;
  const fields: number = COLON_OPS[op];
  if (fields >= 0 ? count !== fields : count < -fields) {
    return {
      kind: "malformed",
      offset: start,
      reason: `a ${op} record has ${fields >= 0 ? "" : "at least "}${Math.abs(fields)} ` +
        `field(s), found ${count}`,
    };
  }
  if (op in CONTAINER_OPS) {
    const key = binaryFromBytes(bytes, spans[0], spans[1]);
    const args: string[] = [];
    for (let i = 1; i < count; i++) {
      args.push(binaryFromBytes(bytes, spans[i * 2], spans[i * 2 + 1]));
    }
    const numbers = NUMBER_FIELDS[op as ContainerOp];
    if (numbers !== undefined) {
      const pattern = numbers.signed ? SIGNED_NUMBER : UNSIGNED_NUMBER;
      for (const field of numbers.fields) {
        if (pattern.test(args[field - 1])) continue;
        return {
          kind: "malformed",
          offset: spans[field * 2],
          reason: `expected ${numbers.signed ? "an integer" : "a count or an index"} in a ${op} ` +
            `record, found ${JSON.stringify(args[field - 1])}`,
        };
      }
    }
    return { kind: "record", record: { op: "CONTAINER", name: op as ContainerOp, key, args }, end };
  }
  switch (op as Exclude<ColonOp, ContainerOp>) {
    case "PUT": {
      const expiresAt = readTime(bytes, spans[4], spans[5], op);
      if (typeof expiresAt !== "number") return expiresAt;
      if (setAsSpans) return spansOfSet(spans[0], spans[1], spans[2], spans[3], expiresAt, end);
      const key = binaryFromBytes(bytes, spans[0], spans[1]);
      const value = binaryFromBytes(bytes, spans[2], spans[3]);
      return { kind: "record", record: { op: "SET", key, value, expiresAt }, end };
    }
    case "DROP": {
      const key = binaryFromBytes(bytes, spans[0], spans[1]);
      return { kind: "record", record: { op: "DEL", key }, end };
    }
    case "PEXPIREAT": {
      const expiresAt = readTime(bytes, spans[2], spans[3], op);
      if (typeof expiresAt !== "number") return expiresAt;
      const key = binaryFromBytes(bytes, spans[0], spans[1]);
      return { kind: "record", record: { op: "PEXPIREAT", key, expiresAt }, end };
    }
    case "FLUSHALL":
      return { kind: "record", record: { op: "FLUSHALL" }, end };
    case "FLUSHDB":
      return { kind: "record", record: { op: "FLUSHDB" }, end };
    case "SWAPDB": {
      const a = readIndex(bytes, spans[0], spans[1], op);
      if (typeof a !== "number") return a;
      const b = readIndex(bytes, spans[2], spans[3], op);
      if (typeof b !== "number") return b;
      return { kind: "record", record: { op: "SWAPDB", a, b }, end };
    }
    case "DB": {
      const index = readIndex(bytes, spans[0], spans[1], op);
      if (typeof index !== "number") return index;
      const from = spans[2];
      const to = spans[3];
      const result = decodeRecord(bytes.subarray(0, to), from, true, false);
      if (result.kind === "incomplete") {
        return { kind: "malformed", offset: from, reason: "a DB record ends inside its record" };
      }
      if (result.kind === "malformed") return result;
      if (result.end !== to) {
        return { kind: "malformed", offset: result.end, reason: "a DB record holds one record" };
      }
      return { kind: "record", record: { op: "DB", index, record: result.record }, end };
    }
    case "MULTI": {
      const from = spans[0];
      const to = spans[1]; // read before the inner records reuse `spans`
      const inner = bytes.subarray(0, to);
      const records: WalRecord[] = [];
      for (let i = from; i < to;) {
        const result = decodeRecord(inner, i, true, false);
        if (result.kind === "incomplete") {
          return { kind: "malformed", offset: i, reason: "a MULTI record ends inside a record" };
        }
        if (result.kind === "malformed") return result;
        records.push(result.record);
        i = result.end;
      }
      return { kind: "record", record: { op: "MULTI", records }, end };
    }
  }
}

/** The database number in `bytes[from..to)`, or why it is not one. */
function readIndex(
  bytes: Uint8Array,
  from: number,
  to: number,
  op: ColonOp,
): number | DecodeResult {
  // The next field's length follows at once: count digits within this field only.
  const digits = digitRun(bytes.subarray(0, to), from);
  if (digits === 0 || from + digits !== to || digits > MAX_DB_DIGITS) {
    return {
      kind: "malformed",
      offset: from,
      reason: `expected a database number in a ${op} record, found ${
        JSON.stringify(binaryFromBytes(bytes, from, to))
      }`,
    };
  }
  return readLength(bytes, from, digits);
}

/** The time in milliseconds in `bytes[from..to)`, or why it is not one. */
function readTime(bytes: Uint8Array, from: number, to: number, op: ColonOp): number | DecodeResult {
  const digits = digitRun(bytes, from);
  if (digits === 0 || from + digits !== to || digits > 16) {
    return {
      kind: "malformed",
      offset: from,
      reason: `expected a time in milliseconds in a ${op} record, found ${
        JSON.stringify(binaryFromBytes(bytes, from, to))
      }`,
    };
  }
  return readLength(bytes, from, digits);
}

const KNOWN_OPS = [
  "SET",
  "DEL",
  "CRC",
  "PUT",
  "DROP",
  "PEXPIREAT",
  "FLUSHALL",
  "MULTI",
  "DB",
  "FLUSHDB",
  "SWAPDB",
  "HSET",
  "HDEL",
  "SADD",
  "SREM",
  "LPUSH",
  "RPUSH",
  "LPOP",
  "RPOP",
  "LSET",
  "LINSERT",
  "LREM",
  "LTRIM",
  "ZADD",
  "ZREM",
  "RENAME",
  "MOVE",
] as const;

/** The op name at `at`, without building a new string per record, or `undefined`. */
function knownOp(bytes: Uint8Array, at: number, length: number): string | undefined {
  next: for (const op of KNOWN_OPS) {
    if (op.length !== length) continue;
    for (let i = 0; i < length; i++) if (bytes[at + i] !== op.charCodeAt(i)) continue next;
    return op;
  }
  return undefined;
}

/** How many ASCII digits start at `at`. */
function digitRun(bytes: Uint8Array, at: number): number {
  let i = at;
  while (i < bytes.length && bytes[i] >= ZERO && bytes[i] <= NINE) i++;
  return i - at;
}

function readLength(bytes: Uint8Array, at: number, digits: number): number {
  let length = 0;
  for (let i = at; i < at + digits; i++) length = length * 10 + bytes[i] - ZERO;
  return length;
}

/**
 * Whether a record could start at `at`; `need-more` when the bytes end too
 * soon to tell. A record starts with the end of the file, a zero byte (a
 * zero-filled tail, handled by replay), or `<digits><uppercase op>`.
 */
export function nextRecordStarts(
  bytes: Uint8Array,
  at: number,
  atEnd: boolean,
): "yes" | "no" | "need-more" {
  if (at === bytes.length) return atEnd ? "yes" : "need-more";
  if (bytes[at] === 0) return "yes";
  const run = digitRun(bytes, at);
  if (run === 0 || run > 2) return "no";
  const letters = Math.min(readLength(bytes, at, run), bytes.length - at - run);
  for (let i = at + run; i < at + run + letters; i++) {
    if (bytes[i] < 0x41 || bytes[i] > 0x5a) return "no";
  }
  if (at + run + letters < bytes.length) return "yes";
  return atEnd ? "yes" : "need-more";
}

/** Explains why no reading of the record at `start` works, for the error. */
function diagnose(bytes: Uint8Array, start: number): DecodeResult {
  let at = start;
  let fields = 3;
  for (let field = 0; field < fields; field++) {
    const name = ["operation", "key", "value"][field];
    const run = Math.min(digitRun(bytes, at), MAX_LENGTH_DIGITS);
    if (run === 0) {
      return {
        kind: "malformed",
        offset: at,
        reason: `expected the decimal length of the ${name}, found ${describeByte(bytes[at])}`,
      };
    }
    const length = readLength(bytes, at, run);
    const end = at + run + length;
    if (field === 0 && bytes[end - 1] !== undefined) {
      fields = binaryFromBytes(bytes, at + run, end) === "DEL" ? 2 : 3;
    }
    if (end >= bytes.length) break;
    at = end;
  }
  if (at < bytes.length && bytes[at] !== NEWLINE) {
    return {
      kind: "malformed",
      offset: at,
      reason: `expected a newline to end the record, found ${describeByte(bytes[at])}`,
    };
  }
  return {
    kind: "malformed",
    offset: start,
    reason: "no reading of its lengths ends the record with a newline followed by another record",
  };
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? JSON.stringify(String.fromCharCode(byte))
    : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}
