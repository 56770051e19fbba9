import type { Wal } from "./wal.ts";

/**
 * The {@linkcode Wal} for `--persist=false`: records are dropped, so every
 * write is "settled" at once and no file is ever opened.
 *
 * @example
 * ```ts
 * const wal = new NoopWal();
 * wal.settled(); // null
 * ```
 */
export class NoopWal implements Wal {
  readonly failure: Error | null = null;

  append(_record: string, _rollback: () => void): void {}

  settled(): Promise<void> | null {
    return null;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
