import type { Context } from "./command_spec.ts";
import { adminSubcommands, helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * LATENCY's subcommands. Redis's latency monitor records events (fork,
 * fsync, expire-cycle, …) over `latency-monitor-threshold`, which is 0 (off)
 * by default; walkv records none, so it answers as a Redis with the monitor
 * off: no latest samples, no history, nothing to reset.
 */
const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  LATEST: {
    arity: 2,
    admin: true,
    run(_args, { reply }) {
      reply.array(0);
    },
  },
  HISTORY: {
    arity: 3,
    admin: true,
    run(_args, { reply }) {
      reply.array(0);
    },
  },
  RESET: {
    arity: -2,
    admin: true,
    run(_args, { reply }) {
      reply.integer(0);
    },
  },
  DOCTOR: {
    arity: 2,
    admin: true,
    run(_args, { reply }) {
      reply.verbatim(
        "walkv records no latency events (Redis's latency monitor, with its threshold at 0, " +
          "is off), so there is nothing to diagnose. SLOWLOG GET lists slow commands, and " +
          "INFO commandstats their mean time.\n",
      );
    },
  },
  HELP: helpSubcommand("LATENCY", [
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
  ]),
};

/** The subcommands of LATENCY, for the registry. */
export const LATENCY_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);
/** Those Redis flags `admin`, which MONITOR does not show. */
export const LATENCY_ADMIN: readonly string[] = adminSubcommands(SUBCOMMANDS);

/**
 * `LATENCY LATEST | HISTORY event | RESET [event ...] | DOCTOR | HELP`, as
 * a Redis 7.0 with its latency monitor off answers: `*0`, `*0`, `:0`, and
 * a report (walkv's words) in Redis's format, a bulk string (verbatim in RESP3).
 *
 * @example
 * ```ts
 * latency(["LATENCY", "LATEST"], context); // "*0\r\n"
 * ```
 */
export function latency(args: string[], context: Context): void {
  runSubcommand("LATENCY", SUBCOMMANDS, args, context);
}
