/**
 * What every reply writer offers the command core: a mark to take back what
 * a failed command wrote, and an error reply. The protocol front ends
 * implement it (`src/protocol/`); commands and the gate see only these
 * interfaces, so nothing here knows a wire format.
 */
export interface ReplyBase {
  /** Bytes of replies written so far: a mark to rewind to. */
  readonly length: number;
  /** Drops the replies written since `mark`. */
  rewind(mark: number): void;
  /** Error replies written since the writer was made; the gate counts failed calls by it. */
  readonly errors: number;
  /** An error reply; `message` starts with its code (`ERR …`, `WRONGTYPE …`). */
  error(message: string): void;
}

/**
 * Redis's reply types, as RESP commands write them. A connection that said
 * `HELLO 3` gets RESP3's own types (maps, sets, doubles, null); others get
 * their RESP2 spelling, so a command writes one shape for both.
 */
export interface Reply extends ReplyBase {
  /** 2 or 3: the protocol the connection speaks (`HELLO`). */
  protocol: 2 | 3;
  /** `+OK` */
  ok(): void;
  /** A simple string, `+text`. */
  simple(text: string): void;
  /** An integer. */
  integer(n: number | bigint): void;
  /** A bulk string holding binary string `value`. */
  bulk(value: string): void;
  /** A bulk string, or null when `value` is `undefined`. */
  bulkOrNull(value: string | undefined): void;
  /** A missing value: `$-1` in RESP2, `_` in RESP3. */
  nullBulk(): void;
  /** The header of an array of `length` replies, which must follow. */
  array(length: number): void;
  /** A missing array: `*-1` in RESP2, `_` in RESP3. */
  nullArray(): void;
  /** An array of bulk strings (null for `undefined`). */
  bulkArray(values: readonly (string | undefined)[]): void;
  /**
   * The header of an out-of-band message of `length` replies, which must
   * follow (pub/sub's messages and (un)subscribe confirmations): RESP3's
   * push type `>`, an array in RESP2.
   */
  push(length: number): void;
  /** The header of a map of `pairs` key-value pairs (a flat array in RESP2), which must follow. */
  map(pairs: number): void;
  /** The header of a set of `length` members (an array in RESP2), which must follow. */
  set(length: number): void;
  /** A double (a bulk string in RESP2), as Redis 7.0 writes one: `%.17g`, `inf`, `-inf` (`formatDouble`). */
  double(value: number): void;
  /** A boolean (`:1`/`:0` in RESP2). */
  boolean(value: boolean): void;
  /** Text for people, e.g. INFO: a verbatim string in RESP3, a bulk string in RESP2. */
  verbatim(text: string): void;
}

/**
 * The seed's text protocol: one line per command, `+OK`, `+OK value`, or an
 * error line. Its commands reply through this.
 */
export interface TextReply extends ReplyBase {
  /** Success with nothing to return (SET, DEL). */
  ok(): void;
  /** Success with a value (GET of a present key). */
  value(value: string): void;
  /** The command called `name` looked up `key` and it is absent (GET of a missing key). */
  missing(name: string, key: string): void;
}
