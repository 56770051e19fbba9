import { parseLong } from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import { adminSubcommands, helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/** How many entries SLOWLOG GET gives without a count, as in Redis. */
const DEFAULT_COUNT = 10;

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  GET: {
    arity: -2,
    admin: true,
    run(args, { reply, server }) {
      if (args.length > 3) {
        return reply.error(
          `ERR unknown subcommand or wrong number of arguments for '${
            args[1].slice(0, 128)
          }'. Try SLOWLOG HELP.`,
        );
      }
      let count = DEFAULT_COUNT;
      if (args.length === 3) {
        const n = parseLong(args[2]);
        if (n === null || n < -1) {
          return reply.error("ERR count should be greater than or equal to -1");
        }
        count = n;
      }
      const entries = server.slowlog.entries;
      const shown = count === -1 ? entries : entries.slice(0, count);
      reply.array(shown.length);
      for (const entry of shown) {
        reply.array(6);
        reply.integer(entry.id);
        reply.integer(entry.time);
        reply.integer(entry.micros);
        reply.bulkArray(entry.args);
        reply.bulk(entry.address);
        reply.bulk(entry.name);
      }
    },
  },
  LEN: {
    arity: 2,
    admin: true,
    run(_args, { reply, server }) {
      reply.integer(server.slowlog.entries.length);
    },
  },
  RESET: {
    arity: 2,
    admin: true,
    run(_args, { reply, server }) {
      server.slowlog.reset();
      reply.ok();
    },
  },
  HELP: helpSubcommand("SLOWLOG", [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
  ]),
};

/** The subcommands of SLOWLOG, for the registry. */
export const SLOWLOG_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);
/** Those Redis flags `admin`, which MONITOR does not show. */
export const SLOWLOG_ADMIN: readonly string[] = adminSubcommands(SUBCOMMANDS);

/**
 * `SLOWLOG GET [count] | LEN | RESET | HELP`: the commands that took at
 * least `--slowlog-log-slower-than` µs (CONFIG SET slowlog-log-slower-than),
 * the newest `--slowlog-max-len` of them, newest first, each as Redis gives
 * it: id, Unix time, µs, arguments (at most 32, each cut at 128 bytes,
 * secrets redacted), client address and name. A command Redis flags
 * `fast` (O(1)) is timed one call in 32 unless the threshold is under a
 * millisecond (see the gate), so one of those that took longer than the
 * threshold is logged only if that call was timed.
 *
 * @example
 * ```ts
 * slowlog(["SLOWLOG", "GET", "1"], context); // *1 *6 :0 :1700000000 :25000 *2 KEYS * …
 * ```
 */
export function slowlog(args: string[], context: Context): void {
  runSubcommand("SLOWLOG", SUBCOMMANDS, args, context);
}
