import { parseCursor, parseScanOptions } from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import { globMatch } from "../io/glob_match.ts";

/** Redis's reply for a scan of a key that does not exist: cursor 0, nothing. */
const EMPTY_SCAN = ["0", []] as const;

/** What HSCAN, SSCAN and ZSCAN scan: a container's members, and what each adds to a page. */
export interface ScannedContainer {
  /** The container itself: a saved cursor continues only a scan of the same one. */
  readonly owner: object;
  /** Whether Redis would answer everything at once (a small, compact encoding). */
  readonly whole: boolean;
  /** A live iterator over the members. */
  members(): Iterator<string>;
  /** Appends a member found to `page` (with its value or score, for HSCAN and ZSCAN). */
  add(member: string, page: string[]): void;
}

/**
 * The scan of a container's members for `H/S/ZSCAN key cursor [MATCH
 * pattern] [COUNT count]`, as Redis answers: `[cursor, [items…]]`.
 *
 * A small container in Redis's compact encoding is answered whole, cursor
 * 0, whatever COUNT says; so is it here (`whole`), which keeps replies
 * byte for byte Redis's. A larger one is paged by a saved live iterator, as
 * SCAN pages the keyspace (see `ScanCursors`): every member present from
 * the first call to the last is returned.
 *
 * `lookup` finds the container (throwing WRONGTYPE for another type) once
 * the cursor has been read, in Redis's order of checks.
 */
export function scanMembers(
  args: string[],
  { reply, server }: Context,
  lookup: () => ScannedContainer | undefined,
): void {
  const cursor = parseCursor(args[2]);
  if (cursor === null) return reply.error("ERR invalid cursor");
  const container = lookup();
  if (container === undefined) {
    reply.array(2);
    reply.bulk(EMPTY_SCAN[0]);
    return reply.array(0);
  }
  const options = parseScanOptions(args, 3, false);
  if ("error" in options) return reply.error(options.error);
  const { pattern, count } = options;
  const page: string[] = [];
  const take = (member: string) => {
    if (pattern === null || globMatch(pattern, member)) container.add(member, page);
  };
  if (container.whole) {
    for (let it = container.members(), next = it.next(); !next.done; next = it.next()) {
      take(next.value);
    }
    reply.array(2);
    reply.bulk("0");
    return reply.bulkArray(page);
  }
  const iterator = server.scans.resume(cursor, () => container.members(), container.owner);
  let exhausted = false;
  for (let looked = 0; looked < count; looked++) {
    const next = iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    take(next.value);
  }
  reply.array(2);
  reply.bulk(exhausted ? "0" : String(server.scans.save(iterator, container.owner)));
  reply.bulkArray(page);
}
