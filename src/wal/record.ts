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
/** Enough digits for {@linkcode MAX_FIELD_BYTES}; more means the length is garbage. */
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

/**
 * Decodes the record that starts at `start` in `bytes`.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("3DEL5hello\n");
 * decodeRecord(bytes, 0); // { kind: "record", record: { op: "DEL", key: "hello" }, end: 11 }
 * ```
 */
export function decodeRecord(bytes: Uint8Array, start: number): DecodeResult {
  let at = start;
  const field = (name: string): string | DecodeResult => {
    let length = 0;
    let digits = 0;
    while (at < bytes.length && bytes[at] >= ZERO && bytes[at] <= NINE) {
      length = length * 10 + bytes[at] - ZERO;
      at++;
      if (++digits > MAX_LENGTH_DIGITS) {
        return { kind: "malformed", offset: at - 1, reason: `${name} length has too many digits` };
      }
    }
    if (at === bytes.length) return { kind: "incomplete" };
    if (digits === 0) {
      return {
        kind: "malformed",
        offset: at,
        reason: `expected the decimal length of the ${name}, found ${describeByte(bytes[at])}`,
      };
    }
    if (length > MAX_FIELD_BYTES) {
      return {
        kind: "malformed",
        offset: at - digits,
        reason: `${name} length ${length} is over the ${MAX_FIELD_BYTES}-byte limit`,
      };
    }
    if (at + length > bytes.length) return { kind: "incomplete" };
    const text = decoder.decode(bytes.subarray(at, at + length));
    at += length;
    return text;
  };

  const op = field("operation");
  if (typeof op !== "string") return op;
  if (op !== "SET" && op !== "DEL") {
    return {
      kind: "malformed",
      offset: start,
      reason: `unknown operation ${JSON.stringify(op)}`,
    };
  }
  const key = field("key");
  if (typeof key !== "string") return key;
  let record: WalRecord;
  if (op === "SET") {
    const value = field("value");
    if (typeof value !== "string") return value;
    record = { op, key, value };
  } else {
    record = { op, key };
  }
  if (at === bytes.length) return { kind: "incomplete" };
  if (bytes[at] !== NEWLINE) {
    return {
      kind: "malformed",
      offset: at,
      reason: `expected a newline to end the record, found ${describeByte(bytes[at])}`,
    };
  }
  return { kind: "record", record, end: at + 1 };
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f
    ? JSON.stringify(String.fromCharCode(byte))
    : `byte 0x${byte.toString(16).padStart(2, "0")}`;
}
