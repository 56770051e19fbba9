import { binaryFromBytes } from "../io/binary.ts";

/** Limits a {@linkcode RespParser} enforces before it buffers anything. */
export interface RespLimits {
  /** The largest bulk string accepted, in bytes (Redis's `proto-max-bulk-len`). */
  maxBulkBytes: number;
}

/** {@linkcode RespParser.parse}: the bytes end before the command does. */
export const INCOMPLETE = -1;
/** {@linkcode RespParser.parse}: the bytes break the protocol; see `error`. */
export const PROTOCOL_ERROR = -2;

/** Redis's limit on the elements of one request. */
export const MAX_ARRAY_LENGTH = 1024 * 1024;
/** The longest inline command, and the longest length line, Redis accepts. */
const MAX_INLINE_BYTES = 64 * 1024;
/** Names up to this many bytes are cached; every Redis command name is shorter. */
const NAME_CACHE_SIZE = 24;
const CR = 0x0d;
const LF = 0x0a;
const STAR = 0x2a;
const DOLLAR = 0x24;

/**
 * Parses requests from bytes: RESP arrays of bulk strings (`*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`)
 * and, as Redis does, inline commands (`PING\r\n`) when a request does not
 * start with `*`. It does no I/O: the connection hands it what it has read,
 * it says where the first whole request ends, or that it needs more bytes,
 * or that the client broke the protocol.
 *
 * Every length is checked against its limit before anything is taken on
 * trust, and nothing is allocated for a request until all of it has
 * arrived, so a client cannot make the server hold more than it has sent.
 *
 * @example
 * ```ts
 * const parser = new RespParser({ maxBulkBytes: 512 * 1024 * 1024 });
 * const bytes = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");
 * parser.parse(bytes, 0, bytes.length); // 14; parser.fields is ["PING"]
 * ```
 */
export class RespParser {
  /** The request just parsed, as binary strings; reused by the next parse. */
  readonly fields: string[] = [];
  /** Why the last parse returned {@linkcode PROTOCOL_ERROR}, as Redis words it. */
  error = "";
  readonly #maxBulkBytes: number;
  /** Start and end of each bulk of the request being checked. */
  readonly #spans: number[] = [];
  /** The last command name of each length, by length. */
  readonly #names: (string | undefined)[] = [];
  /** Where a length line ended, set by `#length`. */
  #lineEnd = 0;

  constructor(limits: RespLimits) {
    this.#maxBulkBytes = limits.maxBulkBytes;
  }

  /**
   * Parses the request at `bytes[start..end)`. Returns where it ends (its
   * fields are in `fields`; none for an empty request, which is to be
   * skipped), {@linkcode INCOMPLETE}, or {@linkcode PROTOCOL_ERROR}.
   */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const fields = this.fields;
    if (bytes[start] !== STAR) {
      fields.length = 0;
      return this.#inline(bytes, start, end);
    }
    const count = this.#length(bytes, start + 1, end);
    if (count === INCOMPLETE) return this.#incomplete();
    if (count === PROTOCOL_ERROR || count > MAX_ARRAY_LENGTH) {
      return this.#fail("invalid multibulk length");
    }
    // Check first that the whole request is here, noting where each bulk
    // lies; make strings only then, so a partial request costs nothing.
    const spans = this.#spans;
    let at = this.#lineEnd;
    for (let i = 0; i < count; i++) {
      if (at >= end) return this.#incomplete();
      if (bytes[at] !== DOLLAR) {
        return this.#fail(`expected '$', got '${String.fromCharCode(bytes[at])}'`);
      }
      const length = this.#length(bytes, at + 1, end);
      if (length === INCOMPLETE) return this.#incomplete();
      if (length === PROTOCOL_ERROR || length > this.#maxBulkBytes) {
        return this.#fail("invalid bulk length");
      }
      const textStart = this.#lineEnd;
      at = textStart + length + 2; // the bulk and its CRLF
      if (at > end) return this.#incomplete();
      spans[2 * i] = textStart;
      spans[2 * i + 1] = textStart + length;
    }
    fields.length = count;
    if (count > 0) fields[0] = this.#name(bytes, spans[0], spans[1] - spans[0]);
    for (let i = 1; i < count; i++) {
      fields[i] = binaryFromBytes(bytes, spans[2 * i], spans[2 * i + 1]);
    }
    return at;
  }

  /**
   * The command name at `bytes[start..start+length)`: the same string as the
   * last name of that length when the bytes match, as they do for every
   * request of a pipelined run, so the name costs no allocation.
   */
  #name(bytes: Uint8Array, start: number, length: number): string {
    if (length >= NAME_CACHE_SIZE) return binaryFromBytes(bytes, start, start + length);
    const cached = this.#names[length];
    if (cached !== undefined) {
      let i = 0;
      while (i < length && cached.charCodeAt(i) === bytes[start + i]) i++;
      if (i === length) return cached;
    }
    return this.#names[length] = binaryFromBytes(bytes, start, start + length);
  }

  /**
   * Reads the decimal at `at` up to CRLF, sets `#lineEnd` past it, and
   * returns it; negative or non-numeric text is a protocol error.
   */
  #length(bytes: Uint8Array, at: number, end: number): number {
    let value = 0;
    let digits = 0;
    for (let i = at; i < end; i++) {
      const byte = bytes[i];
      if (byte === CR) {
        if (i + 1 === end) return INCOMPLETE;
        if (bytes[i + 1] !== LF || digits === 0) return PROTOCOL_ERROR;
        this.#lineEnd = i + 2;
        return value;
      }
      if (byte < 0x30 || byte > 0x39 || digits === 15) return PROTOCOL_ERROR;
      value = value * 10 + byte - 0x30;
      digits++;
    }
    return INCOMPLETE;
  }

  /** A request without `*`: words separated by spaces, up to a newline. */
  #inline(bytes: Uint8Array, start: number, end: number): number {
    const newline = bytes.subarray(start, end).indexOf(LF);
    if (newline === -1) {
      if (end - start > MAX_INLINE_BYTES) return this.#fail("too big inline request");
      return INCOMPLETE;
    }
    let lineEnd = start + newline;
    if (lineEnd > start && bytes[lineEnd - 1] === CR) lineEnd--;
    let wordStart = -1;
    for (let i = start; i <= lineEnd; i++) {
      const space = i === lineEnd || bytes[i] === 0x20 || bytes[i] === 0x09;
      if (space && wordStart !== -1) {
        this.fields.push(binaryFromBytes(bytes, wordStart, i));
        wordStart = -1;
      } else if (!space && wordStart === -1) {
        wordStart = i;
      }
    }
    return start + newline + 1;
  }

  #incomplete(): number {
    this.fields.length = 0;
    return INCOMPLETE;
  }

  #fail(reason: string): number {
    this.fields.length = 0;
    this.error = `Protocol error: ${reason}`;
    return PROTOCOL_ERROR;
  }
}
