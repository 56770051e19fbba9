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

/** The TYPE of `value`. */
export function typeOf(value: Value): ValueType {
  return typeof value === "string" ? "string" : value.type;
}

/** The bytes `value` adds to a snapshot, beyond its key. */
export function valueBytes(value: Value): number {
  return typeof value === "string" ? value.length : value.bytes;
}
