import { patchBinary } from "../io/patch_binary.ts";
import { NOT_AN_INTEGER, parseInt64 } from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";
import { clampRange } from "./clamp_range.ts";

/** Redis's reply to a string that would grow past `proto-max-bulk-len` (walkv's `--max-bulk`). */
export const STRING_TOO_LONG = "ERR string exceeds maximum allowed size (proto-max-bulk-len)";

/**
 * `GETRANGE key start end` → the bytes from `start` to `end`, both included;
 * negative indexes count from the end (-1 is the last byte), and the range
 * is clamped into the value. A missing key, or a range with nothing in it,
 * is the empty bulk string (not the null one).
 *
 * @example
 * ```ts
 * getrange(["GETRANGE", "greeting", "0", "-3"], context); // "$3\r\nhel\r\n" for "hello"
 * ```
 */
export function getrange(args: string[], { db, reply }: Context): void {
  const start = parseInt64(args[2]);
  const end = parseInt64(args[3]);
  if (start === null || end === null) return reply.error(NOT_AN_INTEGER);
  const value = db.get(args[1]) ?? "";
  // Both from the end, and the wrong way round: empty before any clamping
  // (clamped, `-1 -5` on a short value would become `0 0`).
  if (start < 0n && end < 0n && start > end) return reply.bulk("");
  const [first, last] = clampRange(start, end, value.length);
  reply.bulk(first > last ? "" : value.slice(first, last + 1));
}

/**
 * `SUBSTR key start end`: GETRANGE by its name before Redis 2.0, which
 * clients still send.
 */
export const substr: Run = getrange;

/**
 * `SETRANGE key offset value` → the string's length after writing `value`
 * over it from byte `offset` on; a string too short (or a missing key) is
 * first padded with zero bytes up to `offset`. The expiry is kept. An empty
 * `value` changes nothing and answers the current length (0 for a missing
 * key, which stays missing). A result longer than `--max-bulk` is refused
 * as in Redis, before anything is allocated.
 *
 * @example
 * ```ts
 * setrange(["SETRANGE", "greeting", "6", "Redis"], context); // ":11\r\n" on "hello world"
 * ```
 */
export function setrange(args: string[], { db, reply, server }: Context): void {
  const offset = parseInt64(args[2]);
  if (offset === null) return reply.error(NOT_AN_INTEGER);
  if (offset < 0n) return reply.error("ERR offset is out of range");
  const key = args[1];
  const patch = args[3];
  const old = db.get(key);
  if (patch.length === 0) return reply.integer(old?.length ?? 0);
  // Past 2^53 the sum is rounded, but is far past any limit either way.
  if (Number(offset) + patch.length > server.config.maxBulkBytes) {
    return reply.error(STRING_TOO_LONG);
  }
  const value = patchBinary(old ?? "", Number(offset), patch);
  db.set(key, value, old === undefined ? 0 : db.expiresAt(key));
  reply.integer(value.length);
}
