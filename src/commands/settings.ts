import { parseMemoryAmount } from "../io/memory_amount.ts";
import { DEFAULT_CONFIG, SETTINGS } from "../config.ts";
import { rewriteConfigFile, type RewriteValue } from "../config_rewrite.ts";
import { errorMessage } from "../io/error_message.ts";
import { splitPath } from "../io/split_path.ts";
import { FSYNC_POLICIES, type FsyncPolicy } from "../wal/fsync_policy.ts";
import { parseLong } from "./arguments.ts";
import { EVICTION_POLICIES, isEvictionPolicy } from "./max_memory.ts";
import type { Context } from "./command_spec.ts";
import type { ServerState } from "./server_state.ts";
import { globMatch } from "../io/glob_match.ts";
import { adminSubcommands, helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * The parameters CONFIG GET reports, as Redis names them, with walkv's
 * values as they are now (CONFIG SET changes some). Tools read a few of
 * these before they start (redis-benchmark asks for `save` and
 * `appendonly`), so the names Redis has must answer in its formats.
 */
function parameters(server: ServerState): [string, string][] {
  const config = server.config;
  const wal = splitPath(config.wal);
  const compaction = server.databases.compaction;
  const ratio = compaction?.ratio ?? config.compactRatio;
  return [
    ["save", ""],
    ["appendonly", config.persist ? "yes" : "no"],
    ["appendfsync", server.fsync],
    ["auto-aof-rewrite-min-size", String(compaction?.minBytes ?? config.compactMinBytes)],
    // Redis's percentage is the growth over the last rewrite; walkv's ratio is
    // against the live data, so R is reported as the same growth, (R - 1) × 100;
    // 0 is Redis's "never", an infinite ratio.
    ["auto-aof-rewrite-percentage", String(ratio === Infinity ? 0 : Math.round((ratio - 1) * 100))],
    ["appendfilename", wal.name],
    ["dir", wal.directory],
    ["port", String(server.port)],
    ["bind", config.host],
    ["databases", String(server.databases.length)],
    ["requirepass", server.requirePass ?? ""],
    ["protected-mode", server.protectedMode ? "yes" : "no"],
    ["maxmemory", String(server.maxMemory.limit)],
    ["maxmemory-policy", server.maxMemory.policy],
    ["maxmemory-samples", String(server.maxMemory.samples)],
    ["lfu-log-factor", String(server.maxMemory.lfuLogFactor)],
    ["lfu-decay-time", String(server.maxMemory.lfuDecayTime)],
    ["maxclients", String(server.maxClients)],
    ["proto-max-bulk-len", String(config.maxBulkBytes)],
    ["timeout", String(server.timeoutSeconds)],
    ["tcp-keepalive", "0"],
    ["cluster-enabled", "no"],
    ["slowlog-log-slower-than", String(server.slowlog.threshold)],
    ["slowlog-max-len", String(server.slowlog.maxLen)],
    ["client-query-buffer-limit", String(server.queryBufferLimit)],
  ];
}

/** A change CONFIG SET makes once every value is checked, or Redis's complaint about one. */
type Setter = (value: string, server: ServerState) => (() => void) | string;

/** An integer setting from `min` to `max`, with Redis's complaints. */
function integerSetting(
  min: number,
  max: number,
  apply: (n: number, server: ServerState) => void,
): Setter {
  return (value, server) => {
    const n = parseLong(value);
    if (n === null) return "argument couldn't be parsed into an integer";
    if (n < min || n > max) return `argument must be between ${min} and ${max} inclusive`;
    return () => apply(n, server);
  };
}

const INT_MAX = 2 ** 31 - 1;
/** Redis's smallest `client-query-buffer-limit`: 1 MiB. */
const MIN_QUERY_BUFFER_LIMIT = 1024 * 1024;
const LONG_MAX = "9223372036854775807";

/**
 * The settings CONFIG SET can change while running: each checks its value
 * and returns the change to make (all are checked before any is made), or
 * Redis's complaint. walkv's compaction triggers answer to Redis's AOF
 * rewrite names; the fsync policy to `appendfsync`.
 */
const SETTERS: Readonly<Record<string, Setter>> = {
  requirepass(value, server) {
    // An empty password removes it, as in Redis.
    return () => server.requirePass = value === "" ? null : value;
  },
  "protected-mode"(value, server) {
    const yes = value.toLowerCase();
    if (yes !== "yes" && yes !== "no") return "argument must be 'yes' or 'no'";
    return () => server.protectedMode = yes === "yes";
  },
  maxclients: integerSetting(1, 4294967295, (n, server) => server.maxClients = n),
  timeout: integerSetting(0, INT_MAX, (n, server) => server.timeoutSeconds = n),
  appendfsync(value, server) {
    const policy = value.toLowerCase();
    if (!(FSYNC_POLICIES as readonly string[]).includes(policy)) {
      return "argument(s) must be one of the following: everysec, always, no";
    }
    return () => server.fsync = policy as FsyncPolicy;
  },
  "auto-aof-rewrite-min-size"(value, server) {
    const bytes = parseMemoryAmount(value);
    if (bytes === null) return "argument must be a memory value";
    return () => {
      const compaction = server.databases.compaction;
      if (compaction !== null) compaction.minBytes = bytes;
    };
  },
  "auto-aof-rewrite-percentage": integerSetting(0, INT_MAX, (n, server) => {
    const compaction = server.databases.compaction;
    if (compaction !== null) compaction.ratio = n === 0 ? Infinity : 1 + n / 100;
  }),
  "slowlog-log-slower-than"(value, server) {
    const n = parseLong(value);
    if (n === null) return "argument couldn't be parsed into an integer";
    if (n < -1) return `argument must be between -1 and ${LONG_MAX} inclusive`;
    return () => server.slowlog.threshold = n;
  },
  "client-query-buffer-limit"(value, server) {
    const bytes = parseMemoryAmount(value);
    if (bytes === null) return "argument must be a memory value";
    if (bytes < MIN_QUERY_BUFFER_LIMIT) {
      return `argument must be between ${MIN_QUERY_BUFFER_LIMIT} and ${LONG_MAX} inclusive`;
    }
    return () => server.queryBufferLimit = bytes;
  },
  maxmemory(value, server) {
    const bytes = parseMemoryAmount(value);
    if (bytes === null) return "argument must be a memory value";
    return () => {
      server.maxMemory.limit = bytes;
      // Redis's updateMaxmemory: a lower limit is evicted down to at once, by the timer.
      server.evictor.evictSoon();
    };
  },
  "maxmemory-policy"(value, server) {
    const policy = value.toLowerCase();
    if (!isEvictionPolicy(policy)) {
      return `argument(s) must be one of the following: ${EVICTION_POLICIES.join(", ")}`;
    }
    return () => server.maxMemory.policy = policy;
  },
  "maxmemory-samples": integerSetting(1, INT_MAX, (n, server) => server.maxMemory.samples = n),
  "lfu-log-factor": integerSetting(0, INT_MAX, (n, server) => server.maxMemory.lfuLogFactor = n),
  "lfu-decay-time": integerSetting(0, INT_MAX, (n, server) => server.maxMemory.lfuDecayTime = n),
  "slowlog-max-len"(value, server) {
    const n = parseLong(value);
    if (n === null) return "argument couldn't be parsed into an integer";
    if (n < 0) return `argument must be between 0 and ${LONG_MAX} inclusive`;
    return () => server.slowlog.maxLen = n;
  },
};

/**
 * Every setting's value now, for CONFIG REWRITE: as CONFIG GET reports it
 * where Redis has the parameter (so a value changed by CONFIG SET is the one
 * written), else as the server started with it.
 */
function currentSettings(server: ServerState): RewriteValue[] {
  const live = new Map(parameters(server));
  return SETTINGS.map((setting) => {
    const names = setting.directive === undefined
      ? [setting.flag]
      : [setting.directive, setting.flag];
    const value = (setting.directive !== undefined ? live.get(setting.directive) : undefined) ??
      setting.format(server.config);
    return { names, value, isDefault: value === setting.format(DEFAULT_CONFIG) };
  });
}

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
      const named = new Set<string>();
      for (let i = 2; i < args.length; i += 2) {
        const name = args[i].toLowerCase();
        if (named.has(name)) {
          return reply.error(
            `ERR CONFIG SET failed (possibly related to argument '${name}') - duplicate parameter`,
          );
        }
        named.add(name);
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
      server.resetStats();
      reply.ok();
    },
  },
  REWRITE: {
    admin: true,
    arity: 2,
    run(_args, { reply, server }) {
      const path = server.config.configFile;
      if (path === null) return reply.error("ERR The server is running without a config file");
      return rewriteConfigFile(path, currentSettings(server)).then(
        () => reply.ok(),
        // The OS's words, as Redis's strerror: "No such file or directory".
        (error: unknown) =>
          reply.error(
            `ERR Rewriting config file: ${
              errorMessage(error).replace(/ \(os error \d+\)[^]*$/, "")
            }`,
          ),
      );
    },
  },
  HELP: helpSubcommand("CONFIG", [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value> [<directive> <value> ...]",
    "    Set the configuration <directive> to <value>: requirepass, protected-mode,",
    "    maxclients, timeout, appendfsync, auto-aof-rewrite-min-size,",
    "    auto-aof-rewrite-percentage, slowlog-log-slower-than, slowlog-max-len,",
    "    maxmemory, maxmemory-policy, maxmemory-samples, lfu-log-factor, lfu-decay-time.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
  ]),
};

/** The subcommands of CONFIG, for the registry. */
export const CONFIG_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);
/** Those Redis flags `admin`, which MONITOR does not show. */
export const CONFIG_ADMIN: readonly string[] = adminSubcommands(SUBCOMMANDS);

/**
 * `CONFIG GET pattern [pattern ...] | SET parameter value | RESETSTAT |
 * REWRITE | HELP`. GET answers a flat array of name/value pairs for the
 * parameters matching any glob (see {@linkcode globMatch}); SET changes
 * the settings that can change at run time (see `SETTERS`), all or none,
 * and refuses the others as Redis refuses an immutable one; REWRITE is
 * refused (walkv has no config file); RESETSTAT zeroes every counter INFO
 * shows.
 *
 * @example
 * ```ts
 * config(["CONFIG", "GET", "append*"], context);
 * // *6 appendonly yes appendfsync always appendfilename wal
 * ```
 */
export function config(args: string[], context: Context): void | Promise<void> {
  return runSubcommand("CONFIG", SUBCOMMANDS, args, context);
}
