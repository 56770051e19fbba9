import { globMatch } from "./glob_match.ts";
import { NOT_AN_INTEGER, parseInteger, SYNTAX_ERROR } from "./parse_integer.ts";
import type { RespCommand } from "./resp_command.ts";

/** How many keys one SCAN call looks at when the client names no COUNT, as in Redis. */
const DEFAULT_COUNT = 10;
/** The largest cursor Redis accepts (an unsigned 64-bit integer). */
const MAX_CURSOR = 2n ** 64n - 1n;

/**
 * `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]` → a two-element
 * array: the cursor to send next (`"0"` when the scan is done) and a page of
 * keys.
 *
 * A cursor names a saved live iterator over the keyspace (see
 * `ScanCursors`), so a key present from the first call to the last is
 * returned, whatever is added or deleted in between, and no key is returned
 * twice unless its cursor was dropped. COUNT is how many keys a call looks
 * at, not how many it returns: MATCH and TYPE filter afterwards, so pages may
 * be short or empty before the end, as in Redis. TYPE `string` keeps every
 * key and any other type none, strings being walkv's only type.
 *
 * @example
 * ```ts
 * scan.run(["SCAN", "0", "MATCH", "user:*", "COUNT", "100"], context);
 * // "*2\r\n$1\r\n7\r\n*1\r\n$6\r\nuser:1\r\n": continue with SCAN 7
 * ```
 */
export const scan: RespCommand = {
  name: "SCAN",
  arity: -2,
  writes: false,
  keys: [0, 0, 0],
  summary: "Iterates over the key names in the database.",
  syntax: "cursor [MATCH pattern] [COUNT count] [TYPE type]",
  run(args, { db, reply, server }) {
    const cursorText = args[1];
    if (!/^[0-9]+$/.test(cursorText) || BigInt(cursorText) > MAX_CURSOR) {
      return reply.error("ERR invalid cursor");
    }
    let pattern: string | null = null;
    let count = DEFAULT_COUNT;
    let anyType = true;
    for (let i = 2; i < args.length; i += 2) {
      const option = args[i].toUpperCase();
      if (i + 1 >= args.length) return reply.error(SYNTAX_ERROR);
      if (option === "COUNT") {
        const parsed = parseInteger(args[i + 1]);
        if (parsed === null) return reply.error(NOT_AN_INTEGER);
        if (parsed < 1) return reply.error(SYNTAX_ERROR);
        count = parsed;
      } else if (option === "MATCH") {
        pattern = args[i + 1] === "*" ? null : args[i + 1];
      } else if (option === "TYPE") {
        anyType = args[i + 1].toLowerCase() === "string";
      } else {
        return reply.error(SYNTAX_ERROR);
      }
    }

    const iterator = server.scans.resume(Number(cursorText), () => db.keys());
    const page: string[] = [];
    let exhausted = false;
    for (let looked = 0; looked < count; looked++) {
      const next = iterator.next();
      if (next.done) {
        exhausted = true;
        break;
      }
      const key = next.value;
      if (!anyType || (pattern !== null && !globMatch(pattern, key))) continue;
      if (db.get(key) !== undefined) page.push(key); // skips keys expired but not yet reclaimed
    }
    reply.array(2);
    reply.bulk(exhausted ? "0" : String(server.scans.save(iterator)));
    reply.bulkArray(page);
  },
};
