/**
 * Where a text-protocol command puts its answer, without knowing the wire
 * format; a command calls exactly one method per execution.
 *
 * Methods append to a batch instead of returning reply objects, so the hot
 * path allocates nothing per reply. `length` and `rewind` let the
 * dispatcher take back a reply when the command that wrote it fails.
 */
export interface ReplySink {
  /** Success with nothing to return (SET, DEL). */
  ok(): void;
  /** Success with a value (GET of a present key). */
  value(value: string): void;
  /** The command called `name` looked up `key` and it is absent (GET of a missing key). */
  missing(name: string, key: string): void;
  /** The first field names no command. */
  unknownCommand(name: string): void;
  /** The command called `name` was given the wrong number of arguments; `usage` says what it takes. */
  wrongArity(name: string, usage: string): void;
  /** Any other failure, in plain words. */
  error(message: string): void;
  /** Bytes of replies written so far: a mark to rewind to. */
  readonly length: number;
  /** Drops the replies written since `mark`. */
  rewind(mark: number): void;
}
