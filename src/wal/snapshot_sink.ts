import type { Store } from "../store/store.ts";
import type { Container } from "../store/value.ts";

/**
 * A compaction's snapshot as the writers see it while it is being written.
 *
 * Why: container changes are logged as changes (an `HSET` of one field, an
 * `SADD` of one member), not as the whole container, so the snapshot and the
 * tail of writes kept since the compaction began must not both hold one.
 * The snapshot therefore holds each container as it was when the tail
 * began: the walk writes a container it reaches unchanged, and the first
 * change to a container the walk has not reached yet hands it over here
 * first: a small one is written at once, a large one is held as it is
 * (`src/wal/hold.ts`) and written by the walk a chunk at a time.
 * Either way the container is stamped with {@linkcode SnapshotSink.id}; one
 * created during the compaction is stamped at birth, as the tail holds all
 * of it. Strings need none of this: their records hold whole values.
 *
 * @example
 * ```ts
 * const sink = compaction.snapshot;
 * if (sink !== null && hash.stamp !== sink.id) sink.emit(store, key, hash, expiresAt);
 * ```
 */
export interface SnapshotSink {
  /** The compaction's number; a container stamped with it is in hand. */
  readonly id: number;
  /**
   * Takes `value`, under `key` in `store`, into the snapshot as it is now
   * (written, or held for the walk to write), and stamps it.
   */
  emit(store: Store, key: string, value: Container, expiresAt: number): void;
}
