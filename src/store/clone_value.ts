import { HashValue } from "./hash_value.ts";
import { ListValue } from "./list_value.ts";
import { SetValue } from "./set_value.ts";
import type { Value } from "./value.ts";
import { ZSetValue } from "./zset_value.ts";

/**
 * A copy of `value` that shares nothing with it (COPY): a string as it is
 * (strings are immutable), a container member by member, O(its size), in
 * the same order. The copy starts with no compaction stamp.
 *
 * @example
 * ```ts
 * const copy = cloneValue(hash) as HashValue;
 * copy.set("f", "changed"); // `hash` keeps its own value of f
 * ```
 */
export function cloneValue(value: Value): Value {
  if (typeof value === "string") return value;
  if (value instanceof HashValue) {
    const copy = new HashValue();
    for (const [field, fieldValue] of value.entries()) copy.set(field, fieldValue);
    return copy;
  }
  if (value instanceof SetValue) {
    const copy = new SetValue();
    for (const member of value.members()) copy.add(member);
    return copy;
  }
  if (value instanceof ZSetValue) {
    const copy = new ZSetValue();
    for (const [member, score] of value.entries()) copy.restore(member, score);
    return copy;
  }
  const copy = new ListValue();
  for (const element of (value as ListValue).values()) copy.pushTail(element);
  return copy;
}
