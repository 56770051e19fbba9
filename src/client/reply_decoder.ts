import type { Reply } from "./reply.ts";
import { WalkvError } from "./walkv_error.ts";

/** What {@linkcode ReplyDecoder.next} returns while the bytes so far end inside a reply. */
export const INCOMPLETE: unique symbol = Symbol("incomplete");

/** Limits for {@linkcode ReplyDecoder}. */
export interface ReplyDecoderOptions {
  /** The largest bulk string accepted, in bytes. Default 512 MiB, Redis's `proto-max-bulk-len`. */
  maxBulk?: number;
  /** The longest header or simple line accepted, in bytes. Default 1 MiB. */
  maxLine?: number;
}

const CR = 0x0d;
const LF = 0x0a;
const DEFAULT_MAX_BULK = 512 * 1024 * 1024;
const DEFAULT_MAX_LINE = 1024 * 1024;
/** The most elements an aggregate may announce: Redis's own limit on a collection's size. */
const MAX_AGGREGATE = 2 ** 32;
/** The buffer's size when idle; a buffer grown past {@linkcode SHRINK_ABOVE} for a big reply is dropped once it is empty. */
const INITIAL_BUFFER = 16 * 1024;
const SHRINK_ABOVE = 1024 * 1024;

// The type bytes.
const SIMPLE = 0x2b; // +
const ERROR = 0x2d; // -
const INTEGER = 0x3a; // :
const BULK = 0x24; // $
const BLOB_ERROR = 0x21; // !
const VERBATIM = 0x3d; // =
const ARRAY = 0x2a; // *
const MAP = 0x25; // %
const SET = 0x7e; // ~
const PUSH = 0x3e; // >
const ATTRIBUTE = 0x7c; // |
const NULL = 0x5f; // _
const BOOLEAN = 0x23; // #
const DOUBLE = 0x2c; // ,
const BIG_NUMBER = 0x28; // (

/** An aggregate still being filled: its type byte, the items so far, how many are missing. */
interface Open {
  type: number;
  items: Reply[];
  remaining: number;
}

/** A header line opened an aggregate or announced a bulk string; its value comes later. */
const OPENED: unique symbol = Symbol("opened");

const utf8 = new TextDecoder();

/**
 * Turns the bytes a server sends into replies, RESP2 and RESP3, with no I/O:
 * `push` the bytes as they arrive, then call `next` until it returns
 * {@linkcode INCOMPLETE}. Progress is kept between calls (the aggregates
 * being filled, a bulk string waiting for its bytes), so a reply cut into any
 * number of pieces is read once, never re-parsed from its start.
 *
 * Every length is checked against its limit before anything waits for it;
 * bytes that are not RESP throw a `SyntaxError`, a length past a limit a
 * `RangeError`. Both leave the stream unusable, as a framing error should.
 *
 * @example
 * ```ts
 * const decoder = new ReplyDecoder();
 * decoder.push(new TextEncoder().encode("*2\r\n$5\r\nhello\r\n:4"));
 * decoder.next(); // INCOMPLETE
 * decoder.push(new TextEncoder().encode("2\r\n"));
 * decoder.next(); // ["hello", 42]
 * ```
 */
export class ReplyDecoder {
  #buffer = new Uint8Array(INITIAL_BUFFER);
  #start = 0;
  #end = 0;
  /** How many bytes past `#start` are known to hold no LF. */
  #scanned = 0;
  readonly #stack: Open[] = [];
  #bulk: { type: number; length: number } | null = null;
  #binary = false;
  #topIsPush = false;
  #wasPush = false;
  readonly #maxBulk: number;
  readonly #maxLine: number;

  constructor(options: ReplyDecoderOptions = {}) {
    this.#maxBulk = options.maxBulk ?? DEFAULT_MAX_BULK;
    this.#maxLine = options.maxLine ?? DEFAULT_MAX_LINE;
  }

  /** Whether the reply `next` returned last was a RESP3 push (`>`), not an answer to a command. */
  get wasPush(): boolean {
    return this.#wasPush;
  }

  /** Adds bytes received; they are copied, so the caller may reuse `bytes`. */
  push(bytes: Uint8Array): void {
    if (this.#start === this.#end) {
      this.#start = this.#end = 0;
      if (this.#buffer.length > SHRINK_ABOVE) this.#buffer = new Uint8Array(INITIAL_BUFFER);
    }
    if (bytes.length > this.#buffer.length - this.#end) {
      const live = this.#end - this.#start;
      const needed = live + bytes.length;
      const target = needed > this.#buffer.length
        ? new Uint8Array(Math.max(needed, this.#buffer.length * 2))
        : this.#buffer;
      target.set(this.#buffer.subarray(this.#start, this.#end));
      this.#buffer = target;
      this.#start = 0;
      this.#end = live;
    }
    this.#buffer.set(bytes, this.#end);
    this.#end += bytes.length;
  }

  /**
   * The next whole reply, or {@linkcode INCOMPLETE}. `binary` says how the
   * bulk strings of a reply that starts now are returned: as `Uint8Array`s
   * (`true`) or UTF-8 decoded strings (`false`); a reply already begun keeps
   * the choice made when it began.
   */
  next(binary = false): Reply | typeof INCOMPLETE {
    if (this.#stack.length === 0 && this.#bulk === null) this.#binary = binary;
    frames: for (;;) {
      let value: Reply | typeof OPENED;
      if (this.#bulk !== null) {
        value = this.#takeBulk(this.#bulk.type, this.#bulk.length);
        if (value === OPENED) return INCOMPLETE;
      } else {
        const lineEnd = this.#lineEnd();
        if (lineEnd === -1) return INCOMPLETE;
        const type = this.#buffer[this.#start];
        const text = utf8.decode(this.#buffer.subarray(this.#start + 1, lineEnd));
        this.#start = lineEnd + 2;
        this.#scanned = 0;
        value = this.#header(type, text);
        if (value === OPENED) continue;
      }
      for (;;) {
        const top = this.#stack.at(-1);
        if (top === undefined) {
          this.#wasPush = this.#topIsPush;
          this.#topIsPush = false;
          return value;
        }
        top.items.push(value);
        if (--top.remaining > 0) continue frames;
        this.#stack.pop();
        if (top.type === ATTRIBUTE) continue frames; // read and dropped: the value follows
        value = closed(top.type, top.items);
      }
    }
  }

  /** The index of the CR ending the line at `#start`, or -1 if the line is not all here. */
  #lineEnd(): number {
    const buffer = this.#buffer;
    const limit = Math.min(this.#end, this.#start + this.#maxLine + 2);
    for (let i = this.#start + this.#scanned; i < limit; i++) {
      if (buffer[i] !== LF) continue;
      if (i === this.#start || buffer[i - 1] !== CR) {
        throw new SyntaxError(`A reply line ends in LF without CR: ${this.#quote(this.#start, i)}`);
      }
      return i - 1;
    }
    if (limit - this.#start >= this.#maxLine + 2) {
      throw new RangeError(
        `A reply line is longer than ${this.#maxLine} bytes: ${this.#quote(this.#start, limit)}`,
      );
    }
    this.#scanned = limit - this.#start;
    return -1;
  }

  /** The value a header line stands for, or {@linkcode OPENED} when more is to come. */
  #header(type: number, text: string): Reply | typeof OPENED {
    switch (type) {
      case SIMPLE:
        return text;
      case ERROR:
        return new WalkvError(text);
      case INTEGER:
        return integer(text);
      case BULK:
      case BLOB_ERROR:
      case VERBATIM: {
        const length = count(text, "bulk length");
        if (length === -1 && type === BULK) return null;
        if (length < 0 || length > this.#maxBulk) {
          throw new RangeError(
            `A bulk length must be 0 to ${this.#maxBulk} bytes, found ${JSON.stringify(text)}`,
          );
        }
        this.#bulk = { type, length };
        const value = this.#takeBulk(type, length);
        return value;
      }
      case ARRAY:
      case MAP:
      case SET:
      case PUSH:
      case ATTRIBUTE: {
        const size = count(text, "aggregate length");
        if (size === -1 && type === ARRAY) return null;
        if (size < 0 || size > MAX_AGGREGATE) {
          throw new RangeError(
            `An aggregate length must be 0 to ${MAX_AGGREGATE}, found ${JSON.stringify(text)}`,
          );
        }
        if (type === PUSH && this.#stack.length === 0) this.#topIsPush = true;
        const remaining = type === MAP || type === ATTRIBUTE ? size * 2 : size;
        if (remaining === 0) return type === ATTRIBUTE ? OPENED : closed(type, []);
        this.#stack.push({ type, items: [], remaining });
        return OPENED;
      }
      case NULL:
        if (text !== "") throw new SyntaxError(`A RESP3 null has no text, found ${quote(text)}`);
        return null;
      case BOOLEAN:
        if (text === "t") return true;
        if (text === "f") return false;
        throw new SyntaxError(`A RESP3 boolean is t or f, found ${quote(text)}`);
      case DOUBLE:
        return double(text);
      case BIG_NUMBER:
        if (!/^[+-]?\d+$/.test(text)) {
          throw new SyntaxError(`A RESP3 big number must be digits, found ${quote(text)}`);
        }
        return BigInt(text);
      default:
        throw new SyntaxError(
          `Unknown reply type ${quote(String.fromCharCode(type))} in ${
            quote(String.fromCharCode(type) + text)
          }`,
        );
    }
  }

  /** The bulk string at `#start` if all of it and its CRLF are here, else {@linkcode OPENED}. */
  #takeBulk(type: number, length: number): Reply | typeof OPENED {
    const start = this.#start;
    const end = start + length;
    if (this.#end < end + 2) return OPENED;
    const buffer = this.#buffer;
    if (buffer[end] !== CR || buffer[end + 1] !== LF) {
      throw new SyntaxError(
        `A bulk string of ${length} bytes must end in CRLF, found ${
          this.#quote(end, Math.min(end + 2, this.#end))
        }`,
      );
    }
    this.#start = end + 2;
    this.#bulk = null;
    if (type === BLOB_ERROR) return new WalkvError(utf8.decode(buffer.subarray(start, end)));
    let from = start;
    if (type === VERBATIM) {
      if (length < 4 || buffer[start + 3] !== 0x3a) {
        throw new SyntaxError(
          `A verbatim string starts with a format and a colon, found ${this.#quote(start, end)}`,
        );
      }
      from += 4;
    }
    return this.#binary ? buffer.slice(from, end) : utf8.decode(buffer.subarray(from, end));
  }

  /** Up to 40 bytes of the buffer, for an error message. */
  #quote(from: number, to: number): string {
    return quote(utf8.decode(this.#buffer.subarray(from, Math.min(to, from + 40))));
  }
}

function closed(type: number, items: Reply[]): Reply {
  if (type !== MAP) return items;
  const map = new Map<Reply, Reply>();
  for (let i = 0; i < items.length; i += 2) map.set(items[i], items[i + 1]);
  return map;
}

function integer(text: string): number | bigint {
  if (!/^[+-]?\d+$/.test(text)) {
    throw new SyntaxError(`An integer reply must be digits, found ${quote(text)}`);
  }
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : BigInt(text);
}

function count(text: string, what: string): number {
  if (!/^-?\d+$/.test(text)) {
    throw new SyntaxError(`A ${what} must be digits, found ${quote(text)}`);
  }
  return Number(text);
}

function double(text: string): number {
  switch (text.toLowerCase()) {
    case "inf":
    case "+inf":
      return Infinity;
    case "-inf":
      return -Infinity;
    case "nan":
    case "-nan":
      return NaN;
  }
  const value = Number(text);
  if (text.trim() !== text || text === "" || Number.isNaN(value)) {
    throw new SyntaxError(`A RESP3 double must be a number, found ${quote(text)}`);
  }
  return value;
}

function quote(text: string): string {
  return JSON.stringify(text);
}
