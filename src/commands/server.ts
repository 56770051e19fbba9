import { parseInteger, SYNTAX_ERROR } from "./arguments.ts";
import type { Context } from "./command_spec.ts";

/**
 * `TIME` → the server's clock as two bulk strings, Unix seconds and the
 * microseconds within that second, as Redis answers.
 *
 * @example
 * ```ts
 * time(["TIME"], context); // "*2\r\n$10\r\n1714000000\r\n$6\r\n123456\r\n"
 * ```
 */
export function time(_args: string[], { reply }: Context): void {
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  reply.bulkArray([String(Math.floor(micros / 1e6)), String(micros % 1e6)]);
}

/**
 * `DBSIZE` → how many keys are stored. As in Redis, keys that have expired
 * but are not yet reclaimed still count.
 *
 * @example
 * ```ts
 * dbsize(["DBSIZE"], context); // ":3\r\n"
 * ```
 */
export function dbsize(_args: string[], { db, reply }: Context): void {
  reply.integer(db.size);
}

/**
 * `FLUSHALL [ASYNC | SYNC]` → `+OK` once every key is removed, as one WAL
 * record. Both modes flush at once: walkv has no background freeing, and
 * SYNC's promise is the stronger one.
 *
 * @example
 * ```ts
 * flushall(["FLUSHALL", "ASYNC"], context); // "+OK\r\n"
 * flushall(["FLUSHALL", "NOW"], context);   // "-ERR syntax error\r\n"
 * ```
 */
export function flushall(args: string[], { reply, server }: Context): void {
  if (!flushMode(args)) return reply.error(SYNTAX_ERROR);
  server.databases.flushAll();
  reply.ok();
}

/**
 * `FLUSHDB [ASYNC | SYNC]` → `+OK` once every key of the selected database
 * is removed, as one WAL record.
 *
 * @example
 * ```ts
 * flushdb(["FLUSHDB"], context); // "+OK\r\n"
 * ```
 */
export function flushdb(args: string[], { db, reply }: Context): void {
  if (!flushMode(args)) return reply.error(SYNTAX_ERROR);
  db.flush();
  reply.ok();
}

/** Whether FLUSHALL/FLUSHDB's optional mode is one Redis takes; both flush at once. */
function flushMode(args: string[]): boolean {
  if (args.length > 2) return false;
  if (args.length === 1) return true;
  const mode = args[1].toUpperCase();
  return mode === "ASYNC" || mode === "SYNC";
}

/**
 * `SWAPDB index1 index2` → `+OK`: the two databases exchange their keys,
 * so clients of one see the other's, as one WAL record.
 *
 * @example
 * ```ts
 * swapdb(["SWAPDB", "0", "1"], context); // "+OK\r\n"
 * ```
 */
export function swapdb(args: string[], { reply, server }: Context): void {
  const a = parseInteger(args[1]);
  if (a === null) return reply.error("ERR invalid first DB index");
  const b = parseInteger(args[2]);
  if (b === null) return reply.error("ERR invalid second DB index");
  const count = server.databases.length;
  if (a < 0 || a >= count || b < 0 || b >= count) {
    return reply.error("ERR DB index is out of range");
  }
  if (a !== b) server.databases.swap(a, b);
  reply.ok();
}

/**
 * `BGREWRITEAOF` → starts compacting the WAL (walkv's AOF) in the
 * background, with Redis's replies, so tools that trigger a rewrite work
 * unchanged. The outcome is logged and shows in `INFO persistence`.
 *
 * @example
 * ```ts
 * bgrewriteaof(["BGREWRITEAOF"], context);
 * // "+Background append only file rewriting started\r\n"
 * ```
 */
export function bgrewriteaof(_args: string[], { reply, server }: Context): void {
  const compaction = server.databases.compaction;
  if (compaction === null) {
    reply.error("ERR there is no WAL to rewrite: walkv runs with --no-persist");
  } else if (compaction.start("BGREWRITEAOF")) {
    reply.simple("Background append only file rewriting started");
  } else {
    reply.error("ERR Background append only file rewriting already in progress");
  }
}
