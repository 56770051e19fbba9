import { splitPath } from "../io/split_path.ts";
import { parseInteger } from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import type { ServerState } from "./server_state.ts";
import { globMatch } from "../io/glob_match.ts";
import { adminSubcommands, helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * The parameters CONFIG GET reports, as Redis names them, with walkv's
 * values. Tools read a few of these before they start (redis-benchmark asks
 * for `save` and `appendonly`), so the names Redis has must answer in its
 * formats; none can be changed while running.
 */
function parameters(server: ServerState): [string, string][] {
  const config = server.config;
  const wal = splitPath(config.wal);
  return [
    ["save", ""],
    ["appendonly", config.persist ? "yes" : "no"],
    ["appendfsync", config.fsync],
    ["auto-aof-rewrite-min-size", String(config.compactMinBytes)],
    // Redis's percentage is the growth over the last rewrite; walkv's ratio is
    // against the live data, so R is reported as the same growth, (R - 1) × 100.
    ["auto-aof-rewrite-percentage", String(Math.round((config.compactRatio - 1) * 100))],
    ["appendfilename", wal.name],
    ["dir", wal.directory],
    ["port", String(server.port)],
    ["bind", config.host],
    ["databases", String(server.databases.length)],
    ["requirepass", server.requirePass ?? ""],
    ["protected-mode", server.protectedMode ? "yes" : "no"],
    ["maxmemory", "0"],
    ["maxmemory-policy", "noeviction"],
    ["maxclients", String(server.maxClients)],
    ["proto-max-bulk-len", String(config.maxBulkBytes)],
    ["timeout", String(config.timeoutSeconds)],
    ["tcp-keepalive", "0"],
    ["cluster-enabled", "no"],
  ];
}

/**
 * The settings CONFIG SET can change while running: each checks its value
 * and returns the change to make (all are checked before any is made), or
 * Redis's complaint.
 */
const SETTERS: Readonly<
  Record<string, (value: string, server: ServerState) => (() => void) | string>
> = {
  requirepass(value, server) {
    // An empty password removes it, as in Redis.
    return () => server.requirePass = value === "" ? null : value;
  },
  "protected-mode"(value, server) {
    const yes = value.toLowerCase();
    if (yes !== "yes" && yes !== "no") return "argument must be 'yes' or 'no'";
    return () => server.protectedMode = yes === "yes";
  },
  maxclients(value, server) {
    const n = parseInteger(value);
    if (n === null || n < 1) return "argument couldn't be parsed into an integer";
    return () => server.maxClients = n;
  },
};

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  GET: {
    admin: true,
    arity: -3,
    run(args, { reply, server }) {
      // Redis matches parameter names without regard to case.
      const patterns = args.slice(2).map((pattern) => pattern.toLowerCase());
      const found: string[] = [];
      for (const [name, value] of parameters(server)) {
        if (patterns.some((pattern) => globMatch(pattern, name))) found.push(name, value);
      }
      reply.map(found.length / 2);
      for (const value of found) reply.bulk(value);
    },
  },
  SET: {
    admin: true,
    arity: -4,
    run(args, { reply, server }) {
      if (args.length % 2 !== 0) {
        return reply.error("ERR wrong number of arguments for 'config|set' command");
      }
      const changes: (() => void)[] = [];
      for (let i = 2; i < args.length; i += 2) {
        const name = args[i].toLowerCase();
        const setter = Object.hasOwn(SETTERS, name) ? SETTERS[name] : undefined;
        if (setter !== undefined) {
          const change = setter(args[i + 1], server);
          if (typeof change === "string") {
            return reply.error(
              `ERR CONFIG SET failed (possibly related to argument '${name}') - ${change}`,
            );
          }
          changes.push(change);
        } else if (parameters(server).some(([known]) => known === name)) {
          return reply.error(
            `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`,
          );
        } else {
          return reply.error(
            `ERR Unknown option or number of arguments for CONFIG SET - '${args[i].slice(0, 128)}'`,
          );
        }
      }
      for (const change of changes) change();
      reply.ok();
    },
  },
  RESETSTAT: {
    admin: true,
    arity: 2,
    run(_args, { reply, server }) {
      server.commandsProcessed = 0;
      server.totalConnections = 0;
      server.keyspaceHits = 0;
      server.keyspaceMisses = 0;
      server.expiredKeys = 0;
      server.rejectedConnections = 0;
      server.commandStats.clear();
      server.errorStats.clear();
      reply.ok();
    },
  },
  REWRITE: {
    admin: true,
    arity: 2,
    run(_args, { reply }) {
      reply.error("ERR The server is running without a config file");
    },
  },
  HELP: helpSubcommand("CONFIG", [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Refused: walkv's parameters are fixed by its command line.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
  ]),
};

/** The subcommands of CONFIG, for the registry. */
export const CONFIG_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);
/** Those Redis flags `admin`, which MONITOR does not show. */
export const CONFIG_ADMIN: readonly string[] = adminSubcommands(SUBCOMMANDS);

/**
 * `CONFIG GET pattern [pattern ...] | SET parameter value | RESETSTAT |
 * REWRITE | HELP`. GET answers a flat array of name/value pairs for the
 * parameters matching any glob (see {@linkcode globMatch}); SET and REWRITE
 * are refused, since walkv's settings come from its command line only;
 * RESETSTAT zeroes INFO's counters.
 *
 * @example
 * ```ts
 * config(["CONFIG", "GET", "append*"], context);
 * // *6 appendonly yes appendfsync always appendfilename wal
 * ```
 */
export function config(args: string[], context: Context): void {
  runSubcommand("CONFIG", SUBCOMMANDS, args, context);
}
