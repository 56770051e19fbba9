import type { RecordPieces } from "./record.ts";
import type { Wal } from "./wal.ts";

/**
 * The {@linkcode Wal} for `--persist=false`: records are dropped, so nothing
 * is ever pending and no file is ever opened.
 *
 * @example
 * ```ts
 * const wal = new NoopWal();
 * wal.horizon(); // 0: replies never wait
 * ```
 */
export class NoopWal implements Wal {
  readonly failure: Error | null = null;

  append(_record: RecordPieces, _rollback: () => void): number {
    return 0;
  }

  horizon(): number {
    return 0;
  }

  settled(_seq?: number): Promise<void> | null {
    return null;
  }

  rolledBack(_seq: number): Error | null {
    return null;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
