/**
 * The seed's WAL record, byte for byte:
 * `<opLen><op><keyLen><key><valueLen><value>\n` for SET and
 * `<opLen><op><keyLen><key>\n` for DEL, every length a decimal count of UTF-8
 * bytes. Because lengths are in bytes, a reader can skip exactly over keys and
 * values whatever they contain, newlines included.
 *
 * @example
 * ```ts
 * encodeSet("hello", "world"); // "3SET5hello5world\n"
 * encodeDel("héllo");          // "3DEL6héllo\n"
 * ```
 */
export type WalRecord =
  | { op: "SET"; key: string; value: string }
  | { op: "DEL"; key: string };

/** The largest key or value a record may declare, as Redis's `proto-max-bulk-len`. */
export const MAX_FIELD_BYTES = 512 * 1024 * 1024;
/** Enough digits for {@linkcode MAX_FIELD_BYTES}; a longer reading of a length is never tried. */
const MAX_LENGTH_DIGITS = 9;
const NEWLINE = 0x0a;
const ZERO = 0x30;
const NINE = 0x39;

/** The number of bytes `text` takes in UTF-8, without encoding it. */
export function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) {
      bytes += 1;
    } else if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      // A surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes.
      if (low >= 0xdc00 && low < 0xe000) {
        bytes += 2;
        i++;
      } else {
        bytes += 2;
      }
    } else {
      bytes += 2;
    }
  }
  return bytes;
}

/** The SET record for `key` and `value`, as text ready to be UTF-8 encoded. */
export function encodeSet(key: string, value: string): string {
  return "3SET" + utf8Length(key) + key + utf8Length(value) + value + "\n";
}

/** The DEL record for `key`, as text ready to be UTF-8 encoded. */
export function encodeDel(key: string): string {
  return "3DEL" + utf8Length(key) + key + "\n";
}

/** The UTF-8 bytes of `record`, as written to the file. */
export function encodeRecord(record: WalRecord): string {
  return record.op === "SET" ? encodeSet(record.key, record.value) : encodeDel(record.key);
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

const decoder = new TextDecoder();
const INCOMPLETE: DecodeResult = { kind: "incomplete" };

/**
 * Decodes the record that starts at `start` in `bytes`; `atEnd` says whether
 * the bytes end where the file does.
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
export function decodeRecord(bytes: Uint8Array, start: number, atEnd: boolean): DecodeResult {
  const opRun = digitRun(bytes, start);
  if (start + opRun === bytes.length) return INCOMPLETE;
  if (opRun === 0) return diagnose(bytes, start);
  const opLength = readLength(bytes, start, opRun);
  const opStart = start + opRun;
  if (opStart + opLength > bytes.length) return INCOMPLETE;
  const op = decoder.decode(bytes.subarray(opStart, opStart + opLength));
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
  const key = decoder.decode(bytes.subarray(chosen[0], chosen[1]));
  const end = chosen[chosen.length - 1] + 1;
  if (op === "DEL") return { kind: "record", record: { op, key }, end };
  const value = decoder.decode(bytes.subarray(chosen[2], chosen[3]));
  return { kind: "record", record: { op, key, value }, end };
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
      fields = decoder.decode(bytes.subarray(at + run, end)) === "DEL" ? 2 : 3;
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
