/**
 * A WAL that cannot be replayed because a record in the middle of it is
 * malformed. It names the file and the byte offset of the first bad byte so
 * an operator can inspect or cut the file by hand; walkv never does that by
 * itself, since what follows the bad record may be acknowledged data.
 *
 * @example
 * ```ts
 * throw new WalCorruptionError("wal_files/wal_file", 120, 'unknown operation "SEX"');
 * ```
 */
export class WalCorruptionError extends SyntaxError {
  /** The WAL file's path, as given. */
  readonly path: string;
  /** The byte offset of the first byte that could not be parsed. */
  readonly offset: number;

  constructor(path: string, offset: number, reason: string) {
    super(`WAL file "${path}" is corrupt at byte offset ${offset}: ${reason}`);
    this.name = "WalCorruptionError";
    this.path = path;
    this.offset = offset;
  }
}
