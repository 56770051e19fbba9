/**
 * What every container shares: its TYPE name, its element count (an empty
 * container is never stored: the key goes), the bytes a snapshot of it
 * costs, and the compaction stamp.
 *
 * The stamp is the number of the compaction that has written the container
 * to its snapshot (or during which it was created, so the compaction's tail
 * holds all of it); 0 for none. See `src/wal/compactor.ts`.
 */
export interface ContainerBase {
  readonly type: "hash" | "set" | "list" | "zset";
  readonly size: number;
  readonly bytes: number;
  stamp: number;
}
