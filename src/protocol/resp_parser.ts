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

/** Redis 7.0's limits on a request from a client that has not authenticated yet. */
export const UNAUTHENTICATED_MAX_ARGS = 10;
export const UNAUTHENTICATED_MAX_BULK = 16 * 1024;

/**
 * Redis 7.0's limit on the elements of one request: C's `INT_MAX`. Declaring
 * it costs nothing; the bytes of the elements are buffered only as they come.
 */
export const MAX_ARRAY_LENGTH = 2 ** 31 - 1;
/** The longest inline command, and the longest length line, Redis accepts. */
const MAX_INLINE_BYTES = 64 * 1024;
/**
 * The most span numbers kept from one request to the next (1,024 bulks'):
 * a larger array's are dropped once it is parsed, so a connection that once
 * sent a 1M-element request does not hold 16 MB of offsets while it lives.
 */
const KEPT_SPANS = 2 * 1024;
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
 * A request that has not all arrived is not checked again from its start:
 * the parser remembers how far it got (as offsets from the request's first
 * byte, so the caller may move the pending bytes between calls) and the next
 * call goes on from there. A client trickling a huge array a few bytes per
 * read thus costs time in proportion to what it sends, not its square.
 *
 * @example
 * ```ts
 * const parser = new RespParser({ maxBulkBytes: 512 * 1024 * 1024 });
 * const bytes = new TextEncoder().encode("*1\r\n$4\r\nPING\r\n");
 * parser.parse(bytes, 0, 9); // INCOMPLETE; the next call goes on from "$4"
 * parser.parse(bytes, 0, bytes.length); // 14; parser.fields is ["PING"]
 * ```
 */
export class RespParser {
  /** The request just parsed, as binary strings; reused by the next parse. */
  readonly fields: string[] = [];
  /** Why the last parse returned {@linkcode PROTOCOL_ERROR}, as Redis words it. */
  error = "";
  /**
   * Whether the client has authenticated; until it has, Redis's far smaller
   * limits apply, so a stranger cannot make the server buffer a large request.
   */
  authenticated = true;
  readonly #maxBulkBytes: number;
  /**
   * Each checked bulk of the request in hand as a pair: its offset from the
   * request's first byte, and its length.
   */
  readonly #spans: number[] = [];
  /** The last command name of each length, by length. */
  readonly #names: (string | undefined)[] = [];
  /** Where a length line ended, set by `#length`. */
  #lineEnd = 0;
  // Where an incomplete request was left: what the next call resumes from.
  /** Its array's element count, or -1 when no array is left half checked. */
  #count = -1;
  /** How many of its elements have been checked (their spans are noted). */
  #checked = 0;
  /**
   * How many of its bytes have been checked, from its first byte: up to the
   * next element of an array, or the bytes searched for an inline newline.
   */
  #checkedBytes = 0;

  constructor(limits: RespLimits) {
    this.#maxBulkBytes = limits.maxBulkBytes;
  }

  /**
   * Parses the request at `bytes[start..end)`. Returns where it ends (its
   * fields are in `fields`; none for an empty request, which is to be
   * skipped), {@linkcode INCOMPLETE}, or {@linkcode PROTOCOL_ERROR}.
   *
   * After {@linkcode INCOMPLETE}, the next call must be for the same request
   * with the same bytes and more after them, though they may have moved
   * (`start` may differ); it resumes where this one stopped. To parse
   * anything else instead, call {@linkcode reset} first.
   */
  parse(bytes: Uint8Array, start: number, end: number): number {
    const fields = this.fields;
    if (bytes[start] !== STAR) {
      fields.length = 0;
      return this.#inline(bytes, start, end);
    }
    let count = this.#count;
    let i = 0;
    let at: number;
    if (count === -1) {
      count = this.#length(bytes, start + 1, end);
      if (count === INCOMPLETE) return this.#incomplete();
      if (count === PROTOCOL_ERROR || count > MAX_ARRAY_LENGTH) {
        return this.#fail("invalid multibulk length");
      }
      if (!this.authenticated && count > UNAUTHENTICATED_MAX_ARGS) {
        return this.#fail("unauthenticated multibulk length");
      }
      at = this.#lineEnd;
    } else {
      // Go on where the last call stopped; `#suspend` notes it again if the
      // request is still incomplete, so a whole one leaves nothing to clear.
      i = this.#checked;
      at = start + this.#checkedBytes;
      this.#count = -1;
      this.#checkedBytes = 0;
    }
    // Check first that the whole request is here, noting where each bulk
    // lies; make strings only then, so a partial request costs nothing.
    const spans = this.#spans;
    for (; i < count; i++) {
      if (at >= end) return this.#suspend(count, i, at - start);
      if (bytes[at] !== DOLLAR) {
        return this.#fail(`expected '$', got '${String.fromCharCode(bytes[at])}'`);
      }
      const length = this.#length(bytes, at + 1, end);
      // A cut length line or bulk is checked again from its `$` next time:
      // at most 18 bytes again, however long the bulk.
      if (length === INCOMPLETE) return this.#suspend(count, i, at - start);
      if (length === PROTOCOL_ERROR || length > this.#maxBulkBytes) {
        return this.#fail("invalid bulk length");
      }
      if (!this.authenticated && length > UNAUTHENTICATED_MAX_BULK) {
        return this.#fail("unauthenticated bulk length");
      }
      const textStart = this.#lineEnd;
      const next = textStart + length + 2; // the bulk and its CRLF
      if (next > end) return this.#suspend(count, i, at - start);
      spans[2 * i] = textStart - start;
      spans[2 * i + 1] = length;
      at = next;
    }
    fields.length = count;
    if (count > 0) fields[0] = this.#name(bytes, start + spans[0], spans[1]);
    for (i = 1; i < count; i++) {
      const textStart = start + spans[2 * i];
      fields[i] = binaryFromBytes(bytes, textStart, textStart + spans[2 * i + 1]);
    }
    if (spans.length > KEPT_SPANS) spans.length = 0;
    return at;
  }

  /**
   * Forgets the request in hand, so the next {@linkcode parse} starts
   * afresh at its `start`: for a caller that drops the pending bytes
   * instead of handing the parser more of them. Also empties `fields`, so an
   * idle connection does not keep the strings of its last request alive.
   *
   * @example
   * ```ts
   * parser.parse(bytes, 0, 5); // INCOMPLETE: "*1\r\n$"
   * parser.reset();
   * parser.parse(other, 0, other.length); // parses `other` from its first byte
   * ```
   */
  reset(): void {
    this.#count = -1;
    this.#checked = this.#checkedBytes = 0;
    this.fields.length = 0;
    this.#spans.length = 0;
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
    // The bytes searched by earlier calls for this request held no newline.
    const from = start + this.#checkedBytes;
    const found = bytes.subarray(from, end).indexOf(LF);
    if (found === -1) {
      if (end - start > MAX_INLINE_BYTES) return this.#fail("too big inline request");
      this.#checkedBytes = end - start;
      return INCOMPLETE;
    }
    this.#checkedBytes = 0;
    const newline = from + found;
    let lineEnd = newline;
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
    return newline + 1;
  }

  #incomplete(): number {
    this.fields.length = 0;
    return INCOMPLETE;
  }

  /** Notes how far an array's check got, relative to its start, for the next call. */
  #suspend(count: number, checked: number, checkedBytes: number): number {
    this.#count = count;
    this.#checked = checked;
    this.#checkedBytes = checkedBytes;
    return this.#incomplete();
  }

  #fail(reason: string): number {
    this.#count = -1;
    this.#checked = this.#checkedBytes = 0;
    this.fields.length = 0;
    this.error = `Protocol error: ${reason}`;
    return PROTOCOL_ERROR;
  }
}
