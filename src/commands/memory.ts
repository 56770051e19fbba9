import { NOT_AN_INTEGER, parseLong, SYNTAX_ERROR } from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import type { ServerState } from "./server_state.ts";
import type { Value } from "../store/value.ts";
import {
  CONTAINER_OVERHEAD,
  EXPIRY_OVERHEAD,
  KEY_OVERHEAD,
  MEMBER_OVERHEAD,
  STRING_OVERHEAD,
  usedMemory,
} from "./used_memory.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * An estimate of the bytes `key` and its value take in the process: their
 * bytes (known exactly: the store counts them) plus V8's overheads per key,
 * per value and per container member. Unlike Redis, which samples nested
 * values (SAMPLES, default 5), the member bytes are exact, so SAMPLES is
 * checked but changes nothing.
 *
 * @example
 * ```ts
 * memoryUsage("k", "v", false); // 1 + 1 + 80 + 16 = 98
 * ```
 */
export function memoryUsage(key: string, value: Value, expires: boolean): number {
  const base = key.length + KEY_OVERHEAD + (expires ? EXPIRY_OVERHEAD : 0);
  if (typeof value === "string") return base + STRING_OVERHEAD + value.length;
  return base + CONTAINER_OVERHEAD + value.bytes + value.size * MEMBER_OVERHEAD;
}

/** The store's estimate, summed over every database: keys, bytes and overheads. */
function dataset(server: ServerState): { keys: number; bytes: number; expires: number } {
  let keys = 0;
  let bytes = 0;
  let expires = 0;
  for (const store of server.databases.stores()) {
    keys += store.size;
    bytes += store.bytes;
    expires += store.expiringSize;
  }
  return { keys, bytes, expires };
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  USAGE: {
    arity: -3,
    run(args, { db, reply }) {
      for (let i = 3; i < args.length; i += 2) {
        if (args[i].toUpperCase() !== "SAMPLES" || i + 1 >= args.length) {
          return reply.error(SYNTAX_ERROR);
        }
        const samples = parseLong(args[i + 1]);
        if (samples === null) return reply.error(NOT_AN_INTEGER);
        if (samples < 0) return reply.error(SYNTAX_ERROR);
      }
      const value = db.value(args[2]);
      if (value === undefined) return reply.nullBulk();
      reply.integer(memoryUsage(args[2], value, db.expiresAt(args[2]) > 0));
    },
  },
  STATS: {
    arity: 2,
    run(_args, { reply, server }) {
      const rss = Deno.memoryUsage().rss;
      const used = usedMemory(server.databases);
      const data = dataset(server);
      const overhead = data.keys * KEY_OVERHEAD + data.expires * EXPIRY_OVERHEAD;
      const peak = Math.max(server.metrics.peakMemory, used);
      const fields: [string, number | string][] = [
        ["peak.allocated", peak],
        ["total.allocated", used],
        ["keys.count", data.keys],
        ["keys.bytes-per-key", data.keys === 0 ? 0 : Math.floor(used / data.keys)],
        ["dataset.bytes", data.bytes],
        ["overhead.total", overhead],
        ["dataset.percentage", ratio(data.bytes * 100, used)],
        ["peak.percentage", ratio(used * 100, peak)],
        ["fragmentation", ratio(rss, used)],
        ["fragmentation.bytes", rss - used],
      ];
      reply.map(fields.length);
      for (const [name, value] of fields) {
        reply.bulk(name);
        if (typeof value === "number") reply.integer(value);
        else reply.bulk(value);
      }
    },
  },
  DOCTOR: {
    arity: 2,
    run(_args, { reply, server }) {
      const memory = Deno.memoryUsage();
      const data = dataset(server);
      reply.verbatim(
        `walkv memory report: ${data.keys} keys holding ${data.bytes} bytes of keys and ` +
          `values; V8 heap ${memory.heapUsed} bytes used of ${memory.heapTotal}; ` +
          `process RSS ${memory.rss} bytes; used memory as maxmemory counts it ` +
          `${usedMemory(server.databases)} bytes (maxmemory ${server.maxMemory.limit}, policy ` +
          `${server.maxMemory.policy}).\n`,
      );
    },
  },
  HELP: helpSubcommand("MEMORY", [
    "DOCTOR",
    "    Return memory problems reports.",
    "STATS",
    "    Return information about the memory usage of the server.",
    "USAGE <key> [SAMPLES <count>]",
    "    Return memory in bytes used by <key> and its value (an estimate; nested",
    "    values are counted in full, whatever <count>).",
  ]),
};

/** A ratio as a bulk string with Redis's 17 significant digits. */
function ratio(part: number, whole: number): string {
  return whole === 0 ? "0" : (part / whole).toPrecision(17);
}

/** The subcommands of MEMORY, for the registry. */
export const MEMORY_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);

/**
 * `MEMORY USAGE key [SAMPLES n] | STATS | DOCTOR | HELP`: USAGE is an
 * honest estimate (see {@linkcode memoryUsage}) or null for a missing key;
 * STATS is a map of Redis's field names that walkv has a number for (the
 * V8 heap stands for the allocator, the store's byte count for the
 * dataset); DOCTOR a short report in walkv's words.
 *
 * @example
 * ```ts
 * memory(["MEMORY", "USAGE", "k"], context); // ":98\r\n"
 * ```
 */
export function memory(args: string[], context: Context): void {
  runSubcommand("MEMORY", SUBCOMMANDS, args, context);
}
