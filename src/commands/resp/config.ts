import { splitPath } from "../../io/split_path.ts";
import type { ServerState } from "../../server/server_state.ts";
import { globMatch } from "./glob_match.ts";
import type { RespCommand } from "./resp_command.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

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
    ["databases", "1"],
    ["maxmemory", "0"],
    ["maxmemory-policy", "noeviction"],
    ["maxclients", String(config.maxClients)],
    ["proto-max-bulk-len", String(config.maxBulkBytes)],
    ["timeout", String(config.timeoutSeconds)],
    ["tcp-keepalive", "0"],
    ["cluster-enabled", "no"],
  ];
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  GET: {
    arity: -3,
    run(args, { reply, server }) {
      // Redis matches parameter names without regard to case.
      const patterns = args.slice(2).map((pattern) => pattern.toLowerCase());
      const found: string[] = [];
      for (const [name, value] of parameters(server)) {
        if (patterns.some((pattern) => globMatch(pattern, name))) found.push(name, value);
      }
      reply.bulkArray(found);
    },
  },
  SET: {
    arity: -4,
    run(args, { reply, server }) {
      const name = args[2].toLowerCase();
      if (parameters(server).some(([known]) => known === name)) {
        return reply.error(
          `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`,
        );
      }
      reply.error(
        `ERR Unknown option or number of arguments for CONFIG SET - '${args[2].slice(0, 128)}'`,
      );
    },
  },
  RESETSTAT: {
    arity: 2,
    run(_args, { reply, server }) {
      server.commandsProcessed = 0;
      server.totalConnections = 0;
      server.keyspaceHits = 0;
      server.keyspaceMisses = 0;
      server.expiredKeys = 0;
      server.rejectedConnections = 0;
      reply.ok();
    },
  },
  REWRITE: {
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

/**
 * `CONFIG GET pattern [pattern ...] | SET parameter value | RESETSTAT |
 * REWRITE | HELP`. GET answers a flat array of name/value pairs for the
 * parameters matching any glob (see {@linkcode globMatch}); SET and REWRITE
 * are refused, since walkv's settings come from its command line only;
 * RESETSTAT zeroes INFO's counters.
 *
 * @example
 * ```ts
 * config.run(["CONFIG", "GET", "append*"], context);
 * // *6 appendonly yes appendfsync always appendfilename wal
 * ```
 */
export const config: RespCommand = {
  name: "CONFIG",
  arity: -2,
  writes: false,
  keys: [0, 0, 0],
  summary: "A container for server configuration commands.",
  syntax: "GET parameter [parameter ...] | SET parameter value | RESETSTAT | REWRITE | HELP",
  run(args, context) {
    runSubcommand("CONFIG", SUBCOMMANDS, args, context);
  },
};
