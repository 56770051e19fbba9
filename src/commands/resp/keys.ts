import { globMatch } from "./glob_match.ts";
import type { RespCommand } from "./resp_command.ts";

/** How long KEYS may hold the event loop before it lets other clients in. */
const SLICE_MS = 5;
/** Keys looked at between two looks at the clock. */
const KEYS_PER_CHECK = 256;

/**
 * `KEYS pattern` → every live key matching the glob `pattern` (see
 * {@linkcode globMatch}), in no particular order.
 *
 * It walks the whole keyspace, as Redis's does, but in slices of about
 * 5 ms, letting other clients be served between them instead of holding the
 * server for the whole walk (a second with 10M keys). So, like SCAN, a key
 * present for the whole call is returned, and one added or removed meanwhile
 * may or may not be. SCAN remains the way to walk a large keyspace in pages.
 *
 * @example
 * ```ts
 * await keys.run(["KEYS", "user:*"], context); // "*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n"
 * ```
 */
export const keys: RespCommand = {
  name: "KEYS",
  arity: 2,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns all key names that match a pattern.",
  syntax: "pattern",
  run(args, { db, reply }) {
    const pattern = args[1];
    const everything = pattern === "*";
    const found: string[] = [];
    const iterator = db.keys();
    /** Walks for one slice; true when the keys ran out. */
    const slice = (): boolean => {
      const started = performance.now();
      while (true) {
        for (let i = 0; i < KEYS_PER_CHECK; i++) {
          const next = iterator.next();
          if (next.done) return true;
          const key = next.value;
          if ((everything || globMatch(pattern, key)) && db.get(key) !== undefined) found.push(key);
        }
        if (performance.now() - started >= SLICE_MS) return false;
      }
    };
    // A small keyspace is answered at once, without a trip through the event loop.
    if (slice()) return reply.bulkArray(found);
    return (async () => {
      do await new Promise((resolve) => setTimeout(resolve, 0)); while (!slice());
      reply.bulkArray(found);
    })();
  },
};
