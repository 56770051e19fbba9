import { binaryFromBytes, bytesFromBinary } from "../io/binary.ts";
import { patchBinary } from "../io/patch_binary.ts";
import { NOT_AN_INTEGER, parseInt64, SYNTAX_ERROR } from "./arguments.ts";
import { BIT_OFFSET_ERROR, parseBitOffset } from "./bit_offset.ts";
import type { Run } from "./command_spec.ts";
import { STRING_TOO_LONG } from "./string_ranges.ts";

/** Redis's reply to a field type that is not `i1`…`i64` or `u1`…`u63`. */
const TYPE_ERROR =
  "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.";

/**
 * V8's longest string, the longest value walkv can hold (the WAL's
 * `MAX_FIELD_BYTES`, `--max-bulk`'s ceiling). A field written at the last
 * bit offset allowed reaches up to 8 bytes past `--max-bulk`, which Redis
 * allows; at walkv's default limit that would be past this.
 */
const LONGEST_STRING = 2 ** 29 - 24;

/** What SET and INCRBY do with a result that does not fit the field. */
type Overflow = "WRAP" | "SAT" | "FAIL";

/** One GET, SET or INCRBY of a BITFIELD call, parsed. */
interface FieldOp {
  readonly kind: "GET" | "SET" | "INCRBY";
  readonly signed: boolean;
  readonly bits: number;
  /** The field's first bit. */
  readonly offset: number;
  /** SET's value or INCRBY's increment. */
  readonly amount: bigint;
  /** The OVERFLOW mode in force where the op stood. */
  readonly overflow: Overflow;
}

/**
 * A field type, `i<bits>` (signed, 1 to 64 bits) or `u<bits>` (unsigned, 1
 * to 63: an unsigned 64-bit result would not fit Redis's integer reply).
 * Lower case only, as in Redis.
 */
function parseType(text: string): { signed: boolean; bits: number } | null {
  const match = /^([iu])([1-9][0-9]?)$/.exec(text);
  if (match === null) return null;
  const signed = match[1] === "i";
  const bits = Number(match[2]);
  return bits > (signed ? 64 : 63) ? null : { signed, bits };
}

/** The `bits` bits of `bytes` from bit `offset` on, as an unsigned integer; bits past the end are 0. */
function readBits(bytes: Uint8Array, offset: number, bits: number): bigint {
  let result = 0n;
  for (let position = offset; position < offset + bits; position++) {
    const byte = position >>> 3;
    const bit = byte < bytes.length ? (bytes[byte] >> (7 - (position & 7))) & 1 : 0;
    result = (result << 1n) | BigInt(bit);
  }
  return result;
}

/** Writes the low `bits` bits of `value` into `bytes` from bit `offset` on. */
function writeBits(bytes: Uint8Array, offset: number, bits: number, value: bigint): void {
  for (let i = 0; i < bits; i++) {
    const position = offset + i;
    const mask = 1 << (7 - (position & 7));
    if ((value >> BigInt(bits - 1 - i)) & 1n) bytes[position >>> 3] |= mask;
    else bytes[position >>> 3] &= ~mask;
  }
}

/** The field `op` names, read from `bytes`, the window starting at bit `base`. */
function readField(bytes: Uint8Array, base: number, op: FieldOp): bigint {
  const raw = readBits(bytes, op.offset - base, op.bits);
  return op.signed ? BigInt.asIntN(op.bits, raw) : raw;
}

/**
 * What SET or INCRBY `op` stores when the field holds `old`: the new value,
 * or `null` when it overflows under FAIL (nothing is stored then). The
 * arithmetic is exact (BigInt), so "overflow" means what it says: the
 * result is outside the field's range. WRAP keeps its low bits (two's
 * complement for a signed field), SAT the nearest limit. An unsigned SET
 * reads its value as Redis does, as an unsigned 64-bit integer: -1 is
 * 2^64 - 1, too big for any field.
 */
function fieldResult(op: FieldOp, old: bigint): bigint | null {
  let result = op.kind === "INCRBY" ? old + op.amount : op.amount;
  if (!op.signed && op.kind === "SET") result = BigInt.asUintN(64, result);
  const max = op.signed ? (1n << BigInt(op.bits - 1)) - 1n : (1n << BigInt(op.bits)) - 1n;
  const min = op.signed ? -max - 1n : 0n;
  if (result >= min && result <= max) return result;
  switch (op.overflow) {
    case "WRAP":
      return op.signed ? BigInt.asIntN(op.bits, result) : BigInt.asUintN(op.bits, result);
    case "SAT":
      return result > max ? max : min;
    case "FAIL":
      return null;
  }
}

/**
 * BITFIELD and BITFIELD_RO parse alike, in Redis's order (each op's name,
 * type, offset, then value; the first error wins), then run the ops in
 * order, each seeing the ones before it.
 */
function bitfieldCommand(readOnly: boolean): Run {
  return (args, { db, reply, server }) => {
    const ops: FieldOp[] = [];
    let overflow: Overflow = "WRAP";
    let highestWrite = -1;
    for (let i = 2; i < args.length; i++) {
      const word = args[i].toUpperCase();
      const left = args.length - i - 1;
      if (word === "OVERFLOW" && left >= 1) {
        const mode = args[++i].toUpperCase();
        if (mode !== "WRAP" && mode !== "SAT" && mode !== "FAIL") {
          return reply.error("ERR Invalid OVERFLOW type specified");
        }
        overflow = mode;
        continue;
      }
      if (
        !((word === "GET" && left >= 2) || ((word === "SET" || word === "INCRBY") && left >= 3))
      ) {
        return reply.error(SYNTAX_ERROR);
      }
      const type = parseType(args[i + 1]);
      if (type === null) return reply.error(TYPE_ERROR);
      const offset = parseBitOffset(args[i + 2], server.config.maxBulkBytes, type.bits);
      if (offset === null) return reply.error(BIT_OFFSET_ERROR);
      let amount = 0n;
      if (word !== "GET") {
        const parsed = parseInt64(args[i + 3]);
        if (parsed === null) return reply.error(NOT_AN_INTEGER);
        amount = parsed;
        highestWrite = Math.max(highestWrite, offset + type.bits - 1);
      }
      ops.push({ kind: word, ...type, offset, amount, overflow });
      i += word === "GET" ? 2 : 3;
    }

    const key = args[1];
    if (highestWrite === -1) {
      // GETs only: read each field's (at most 9) bytes, as Redis does.
      const value = db.get(key) ?? "";
      reply.array(ops.length);
      for (const op of ops) {
        const first = op.offset >>> 3;
        const bytes = bytesFromBinary(value.slice(first, first + 9));
        reply.integer(readField(bytes, first * 8, op));
      }
      return;
    }
    if (readOnly) return reply.error("ERR BITFIELD_RO only supports the GET subcommand");

    const old = db.get(key);
    const value = old ?? "";
    // As in Redis, the string first grows to hold the furthest field written
    // (even if every write then fails); then all the ops work in one window
    // of bytes, the span of the fields they touch within it.
    const length = Math.max(value.length, (highestWrite >>> 3) + 1);
    if (length > LONGEST_STRING) return reply.error(STRING_TOO_LONG);
    let low = length - 1;
    let high = 0;
    for (const op of ops) {
      low = Math.min(low, op.offset >>> 3);
      high = Math.max(high, (op.offset + op.bits - 1) >>> 3);
    }
    high = Math.min(high, length - 1);
    const window = new Uint8Array(high - low + 1);
    window.set(bytesFromBinary(value.slice(low, high + 1)));
    reply.array(ops.length);
    for (const op of ops) {
      const old = readField(window, low * 8, op);
      if (op.kind === "GET") {
        reply.integer(old);
        continue;
      }
      const result = fieldResult(op, old);
      if (result === null) {
        reply.nullBulk();
        continue;
      }
      writeBits(window, op.offset - low * 8, op.bits, result);
      reply.integer(op.kind === "SET" ? old : result);
    }
    const patched = patchBinary(value, low, binaryFromBytes(window, 0, window.length));
    db.set(key, patched, old === undefined ? 0 : Math.max(db.expiresAt(key), 0));
  };
}

/**
 * `BITFIELD key [GET type offset | [OVERFLOW WRAP|SAT|FAIL] SET type offset
 * value | [OVERFLOW …] INCRBY type offset increment] …` → an array with one
 * reply per GET, SET or INCRBY: GET's field, SET's previous value,
 * INCRBY's new value, or null for a write that overflowed under FAIL.
 * `type` is `i<bits>` or `u<bits>`; `offset` a bit, or `#n` for the n-th
 * field of that width. OVERFLOW applies to the writes after it. Fields
 * past the end read as zeros; a write grows the string with zero bytes,
 * keeping its expiry.
 *
 * @example
 * ```ts
 * bitfield(["BITFIELD", "counters", "INCRBY", "u8", "#1", "5", "GET", "u8", "#1"], context);
 * // "*2\r\n:5\r\n:5\r\n"
 * ```
 */
export const bitfield: Run = bitfieldCommand(false);

/**
 * `BITFIELD_RO key [GET type offset …]`: BITFIELD's GETs, as a read-only
 * command (for replicas and read-only ACLs); a SET or INCRBY is an error.
 *
 * @example
 * ```ts
 * bitfieldRo(["BITFIELD_RO", "counters", "GET", "u8", "#1"], context); // "*1\r\n:5\r\n"
 * ```
 */
export const bitfieldRo: Run = bitfieldCommand(true);
