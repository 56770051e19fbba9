import type { HashValue } from "./hash_value.ts";
import type { ListValue } from "./list_value.ts";
import type { SetValue } from "./set_value.ts";
import type { ZSetValue } from "./zset_value.ts";

/**
 * What a key holds: a string (binary, one character per byte), or one of
 * Redis's containers. Strings stay plain JS strings, so the common case
 * costs no wrapper object.
 */
export type Value = string | Container;

/** Every container type; each is a class with `type` naming it. */
export type Container = HashValue | SetValue | ListValue | ZSetValue;

/** TYPE's answer for a value. */
export type ValueType = "string" | Container["type"];

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

/** The TYPE of `value`. */
export function typeOf(value: Value): ValueType {
  return typeof value === "string" ? "string" : value.type;
}

/** The bytes `value` adds to a snapshot, beyond its key. */
export function valueBytes(value: Value): number {
  return typeof value === "string" ? value.length : value.bytes;
}
