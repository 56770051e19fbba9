import { parseMemoryAmount } from "./io/memory_amount.ts";
import { EVICTION_POLICIES, type EvictionPolicy } from "./commands/max_memory.ts";
import { FSYNC_POLICIES, type FsyncPolicy } from "./wal/fsync_policy.ts";
import { REDIS_VERSION } from "./commands/redis_version.ts";
import { parseConfigFile } from "./config_file.ts";
import { WALKV_VERSION } from "./version.ts";
import { MAX_FIELD_BYTES } from "./wal/record.ts";

/** Everything walkv is told on its command line, validated. */
export interface Config {
  /** TCP port, 1–65535; 0 serves TLS only (then `tlsPort` is set). */
  port: number;
  /** Address to listen on; loopback unless asked otherwise. */
  host: string;
  /** WAL file path. */
  wal: string;
  /** Store shards; 1 means a single `Map`. */
  shards: number;
  /** The store implementation: `map` (JS `Map`s) or `arena` (bytes in arenas). */
  store: "map" | "arena";
  /** Whether to log writes to the WAL at all. */
  persist: boolean;
  /** Initial capacity hint, accepted for the seed's sake (see README). */
  size: number;
  /** Longest accepted text-protocol line in bytes. */
  maxLineBytes: number;
  /**
   * Largest accepted RESP bulk string in bytes (Redis's `proto-max-bulk-len`);
   * at most, and by default, the largest value walkv can store: V8's longest string.
   */
  maxBulkBytes: number;
  /** When the WAL is synced relative to acknowledging a write (Redis's `appendfsync`). */
  fsync: FsyncPolicy;
  /** Automatic compaction waits until the WAL is at least this many bytes. */
  compactMinBytes: number;
  /** ...and this many times the size a snapshot of the live data would take. */
  compactRatio: number;
  /** Close a connection idle for more than this many seconds; 0 never does (Redis's `timeout`). */
  timeoutSeconds: number;
  /** Clients served at once; one more is refused (Redis's `maxclients`). */
  maxClients: number;
  /** The password clients must AUTH with (Redis's `requirepass`); `null` for none. */
  requirePass: string | null;
  /** Refuse clients from other hosts while no password is set (Redis's `protected-mode`). */
  protectedMode: boolean;
  /** How many databases SELECT can choose from (Redis's `databases`). */
  databases: number;
  /** The config file read at start (`--config`), which CONFIG REWRITE rewrites; `null` for none. */
  configFile: string | null;
  /** The TLS port (Redis's `tls-port`); 0, the default, serves no TLS. */
  tlsPort: number;
  /** The TLS listener's certificate chain, a PEM file (Redis's `tls-cert-file`). */
  tlsCertFile: string | null;
  /** The TLS listener's private key, a PEM file (Redis's `tls-key-file`). */
  tlsKeyFile: string | null;
  /** Log commands that take at least this many µs; below 0 logs none (`slowlog-log-slower-than`). */
  slowlogSlowerThan: number;
  /** How many slow commands are kept (`slowlog-max-len`). */
  slowlogMaxLen: number;
  /** A client whose unparsed input passes this many bytes is closed (`client-query-buffer-limit`). */
  queryBufferLimit: number;
  /** Bytes of used memory allowed before keys are evicted; 0 sets no limit (Redis's `maxmemory`). */
  maxMemory: number;
  /** Which keys are evicted at the limit (`maxmemory-policy`). */
  maxMemoryPolicy: EvictionPolicy;
  /** Keys sampled per database per eviction round (`maxmemory-samples`). */
  maxMemorySamples: number;
  /** How slowly LFU counters grow (`lfu-log-factor`). */
  lfuLogFactor: number;
  /** Minutes per point of LFU decay (`lfu-decay-time`). */
  lfuDecayTime: number;
}

/** The defaults, matching the seed where it has the flag. */
export const DEFAULT_CONFIG: Readonly<Config> = {
  port: 4242,
  host: "127.0.0.1",
  wal: "./wal_files/wal_file",
  shards: 8,
  store: "map",
  persist: true,
  size: 64,
  maxLineBytes: 1024 * 1024,
  maxBulkBytes: MAX_FIELD_BYTES,
  fsync: "always",
  compactMinBytes: 64 * 1024 * 1024,
  compactRatio: 2,
  timeoutSeconds: 0,
  maxClients: 10_000,
  requirePass: null,
  protectedMode: true,
  databases: 16,
  configFile: null,
  tlsPort: 0,
  tlsCertFile: null,
  tlsKeyFile: null,
  slowlogSlowerThan: 10_000,
  slowlogMaxLen: 128,
  queryBufferLimit: 1024 ** 3,
  maxMemory: 0,
  maxMemoryPolicy: "noeviction",
  maxMemorySamples: 5,
  lfuLogFactor: 10,
  lfuDecayTime: 1,
};

/**
 * A command line or config file walkv cannot start with. `main` prints the
 * message and exits with code 2 before opening anything.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/**
 * One setting: its flag, the Redis directive naming the same thing (the
 * config file and the command line accept both names), the field of
 * {@linkcode Config} it sets, and how its text is read and written back.
 */
export interface Setting {
  /** walkv's name, as the flag `--name` and the directive `name`. */
  readonly flag: string;
  /** Redis's name for it, when Redis has the same setting. */
  readonly directive?: string;
  readonly key: keyof Config;
  /** A boolean may be given without a value (`--persist`) and negated (`--no-persist`). */
  readonly boolean?: boolean;
  /** What a valid value looks like, for the error message. */
  readonly expected: string;
  /** The value for `text`, or `undefined` when it is not valid. */
  parse(text: string): Config[keyof Config] | undefined;
  /** The setting's value in `config` as a file would spell it (unquoted). */
  format(config: Readonly<Config>): string;
}

/** The spellings of a boolean, in any case: yes/true and no/false. */
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = {
  yes: true,
  true: true,
  no: false,
  false: false,
};
function integer(
  flag: string,
  key: keyof Config,
  min: number,
  max: number,
  directive?: string,
): Setting {
  return {
    flag,
    directive,
    key,
    expected: `an integer from ${min} to ${max}`,
    parse(text) {
      const value = (min < 0 ? /^-?\d+$/ : /^\d+$/).test(text) ? Number(text) : NaN;
      return value >= min && value <= max ? value : undefined;
    },
    format: (config) => String(config[key]),
  };
}

function boolean(flag: string, key: keyof Config, directive?: string): Setting {
  return {
    flag,
    directive,
    key,
    boolean: true,
    expected: "yes, no, true or false",
    parse: (text) => BOOLEAN_WORDS[text.toLowerCase()],
    format: (config) => config[key] ? "yes" : "no",
  };
}

function text(
  flag: string,
  key: keyof Config,
  expected: string,
  directive?: string,
): Setting {
  return {
    flag,
    directive,
    key,
    expected,
    parse: (value) => value === "" ? undefined : value,
    format: (config) => String(config[key] ?? ""),
  };
}

/** Every setting, in the order `--help` and CONFIG REWRITE list them. */
export const SETTINGS: readonly Setting[] = [
  integer("port", "port", 0, 65535, "port"),
  text("host", "host", "an address", "bind"),
  text("wal", "wal", "a file path"),
  integer("shards", "shards", 1, 65536),
  {
    flag: "store",
    key: "store",
    expected: "map or arena",
    parse: (value) => value === "map" || value === "arena" ? value : undefined,
    format: (config) => config.store,
  },
  boolean("persist", "persist", "appendonly"),
  integer("size", "size", 1, 2 ** 31 - 1),
  integer("max-line", "maxLineBytes", 16, MAX_FIELD_BYTES),
  integer("max-bulk", "maxBulkBytes", 1, MAX_FIELD_BYTES, "proto-max-bulk-len"),
  {
    flag: "fsync",
    directive: "appendfsync",
    key: "fsync",
    expected: FSYNC_POLICIES.join(", "),
    parse: (value) => (FSYNC_POLICIES as readonly string[]).includes(value) ? value : undefined,
    format: (config) => config.fsync,
  },
  integer(
    "compact-min-size",
    "compactMinBytes",
    0,
    Number.MAX_SAFE_INTEGER,
    "auto-aof-rewrite-min-size",
  ),
  {
    flag: "compact-ratio",
    key: "compactRatio",
    expected: "a number from 1 to 1000",
    parse(value) {
      const ratio = /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
      return ratio >= 1 && ratio <= 1000 ? ratio : undefined;
    },
    format: (config) => String(config.compactRatio),
  },
  integer("timeout", "timeoutSeconds", 0, 2 ** 31 - 1, "timeout"),
  integer("maxclients", "maxClients", 1, 2 ** 31 - 1, "maxclients"),
  {
    flag: "requirepass",
    directive: "requirepass",
    key: "requirePass",
    expected: "a password",
    // As in Redis, an empty password is no password.
    parse: (value) => value === "" ? null : value,
    format: (config) => config.requirePass ?? "",
  },
  boolean("protected-mode", "protectedMode", "protected-mode"),
  integer("databases", "databases", 1, 1_000_000, "databases"),
  integer("tls-port", "tlsPort", 0, 65535, "tls-port"),
  text("tls-cert-file", "tlsCertFile", "a PEM file path", "tls-cert-file"),
  text("tls-key-file", "tlsKeyFile", "a PEM file path", "tls-key-file"),
  integer(
    "slowlog-log-slower-than",
    "slowlogSlowerThan",
    -1,
    Number.MAX_SAFE_INTEGER,
    "slowlog-log-slower-than",
  ),
  integer("slowlog-max-len", "slowlogMaxLen", 0, 2 ** 31 - 1, "slowlog-max-len"),
  {
    flag: "client-query-buffer-limit",
    directive: "client-query-buffer-limit",
    key: "queryBufferLimit",
    expected: "bytes, at least 1mb, with an optional unit (k, kb, m, mb, g, gb)",
    parse(value) {
      const bytes = parseMemoryAmount(value);
      return bytes !== null && bytes >= 1024 * 1024 ? bytes : undefined;
    },
    format: (config) => String(config.queryBufferLimit),
  },
  {
    flag: "maxmemory",
    directive: "maxmemory",
    key: "maxMemory",
    expected: "bytes with an optional unit (k, kb, m, mb, g, gb); 0 for no limit",
    parse: (value) => parseMemoryAmount(value) ?? undefined,
    format: (config) => String(config.maxMemory),
  },
  {
    flag: "maxmemory-policy",
    directive: "maxmemory-policy",
    key: "maxMemoryPolicy",
    expected: EVICTION_POLICIES.join(", "),
    parse: (value) =>
      (EVICTION_POLICIES as readonly string[]).includes(value.toLowerCase())
        ? value.toLowerCase()
        : undefined,
    format: (config) => config.maxMemoryPolicy,
  },
  integer("maxmemory-samples", "maxMemorySamples", 1, 2 ** 31 - 1, "maxmemory-samples"),
  integer("lfu-log-factor", "lfuLogFactor", 0, 2 ** 31 - 1, "lfu-log-factor"),
  integer("lfu-decay-time", "lfuDecayTime", 0, 2 ** 31 - 1, "lfu-decay-time"),
];

/** Settings by every name they answer to (flag and Redis directive). */
const BY_NAME = new Map<string, Setting>(
  SETTINGS.flatMap((setting) => [
    [setting.flag, setting] as const,
    ...(setting.directive === undefined ? [] : [[setting.directive, setting] as const]),
  ]),
);

/** The `--version` text: walkv's version and the Redis version it follows. */
export const VERSION_TEXT =
  `walkv ${WALKV_VERSION} (compatible with Redis ${REDIS_VERSION}, protocol RESP2/RESP3)`;

/** The `--help` text. */
export const USAGE =
  `walkv ${WALKV_VERSION}: a small Redis-like key-value server with a write-ahead log

Usage:
  walkv [flags]                     the compiled binary (deno task compile)
  deno task start [flags]           from a clone; deno task start -- [flags] works too
  deno run --allow-net=127.0.0.1 --allow-read=DIR --allow-write=DIR main.ts [flags]

Each flag takes its value after a space or "=" (--port 5000, --port=5000); the
seed's Go spellings with one dash (-port 5000) work too, and so do Redis's
names where Redis has the setting (shown in brackets: --appendfsync always).
A flag given twice: the last one wins. Booleans are yes, no, true or false
(any case); --persist alone means yes, --no-persist means no.

Flags:
  --config FILE   read settings from FILE first, one "name value" per line
                  (the names below or Redis's); flags override it
  --port N        [port] TCP port to listen on, 1-65535; 0 for TLS only
                                                             (default ${DEFAULT_CONFIG.port})
  --host ADDR     [bind] address to listen on; 0.0.0.0 serves other machines
                                                             (default ${DEFAULT_CONFIG.host})
  --wal PATH      write-ahead log file                       (default ${DEFAULT_CONFIG.wal})
  --shards N      store shards, N >= 1; 1 is a single map    (default ${DEFAULT_CONFIG.shards})
  --store KIND    map: JS Maps; arena: bytes in arenas       (default ${DEFAULT_CONFIG.store})
  --persist BOOL  [appendonly] log writes to the WAL; no runs in memory only
                  and opens no file                          (default yes)
  --size N        initial capacity hint, N >= 1              (default ${DEFAULT_CONFIG.size})
  --max-line N    longest accepted text-protocol line, bytes (default ${DEFAULT_CONFIG.maxLineBytes})
  --max-bulk N    [proto-max-bulk-len] largest accepted RESP bulk string, bytes,
                  at most V8's longest string                (default ${DEFAULT_CONFIG.maxBulkBytes})
  --fsync POLICY  [appendfsync] always: acknowledge a write once it is synced
                  to disk; everysec: once written, syncing at least once a second;
                  no: once written, syncing left to the OS  (default ${DEFAULT_CONFIG.fsync})
  --compact-min-size N
                  [auto-aof-rewrite-min-size] compact the WAL automatically once
                  it is at least N bytes                     (default ${DEFAULT_CONFIG.compactMinBytes})
  --compact-ratio R
                  ...and more than R times the size of the live data, R >= 1
                                                             (default ${DEFAULT_CONFIG.compactRatio})
  --timeout SECONDS
                  [timeout] close a connection idle for more than SECONDS;
                  0 never does                               (default ${DEFAULT_CONFIG.timeoutSeconds})
  --maxclients N  [maxclients] clients served at once, N >= 1; one more is refused
                                                             (default ${DEFAULT_CONFIG.maxClients})
  --requirepass PASSWORD
                  [requirepass] clients must AUTH with PASSWORD first (default: none)
  --protected-mode BOOL
                  [protected-mode] with no password set, refuse clients from
                  other hosts                                (default yes)
  --databases N   [databases] databases SELECT can choose, 1-1000000
                                                             (default ${DEFAULT_CONFIG.databases})
  --tls-port N    [tls-port] also serve TLS on port N, 1-65535 (default: no TLS)
  --tls-cert-file PATH, --tls-key-file PATH
                  [tls-cert-file, tls-key-file] the TLS certificate chain and
                  private key, PEM files
  --slowlog-log-slower-than MICROS
                  [slowlog-log-slower-than] SLOWLOG keeps commands this slow;
                  below 0: none                              (default ${DEFAULT_CONFIG.slowlogSlowerThan})
  --slowlog-max-len N
                  [slowlog-max-len] how many slow commands SLOWLOG keeps
                                                             (default ${DEFAULT_CONFIG.slowlogMaxLen})
  --client-query-buffer-limit BYTES
                  [client-query-buffer-limit] close a client whose unparsed input
                  passes BYTES (units: k kb m mb g gb), >= 1mb  (default 1gb)
  --maxmemory BYTES
                  [maxmemory] evict keys (or refuse writes) once used memory
                  passes BYTES (units: k kb m mb g gb); 0: no limit (default 0)
  --maxmemory-policy POLICY
                  [maxmemory-policy] noeviction, allkeys-lru, allkeys-lfu,
                  allkeys-random, volatile-lru, volatile-lfu, volatile-random,
                  volatile-ttl                               (default ${DEFAULT_CONFIG.maxMemoryPolicy})
  --maxmemory-samples N
                  [maxmemory-samples] keys sampled per eviction round
                                                             (default ${DEFAULT_CONFIG.maxMemorySamples})
  --lfu-log-factor N, --lfu-decay-time MINUTES
                  [lfu-log-factor, lfu-decay-time] the LFU counter's growth and
                  decay                                     (defaults 10, 1)
  --version, -v   print walkv's version and the Redis version it follows, and exit
  --help, -h      print this and exit
`;

/** One value to set, and where it came from for the error message. */
interface Assignment {
  setting: Setting;
  text: string;
  /** `--port` as typed, or `walkv.conf:3: port`. */
  where: string;
}

/** Options for {@linkcode parseConfig}. */
export interface ParseOptions {
  /** Reads the `--config` file; default `Deno.readTextFileSync`. */
  readFile?: (path: string) => string;
}

/**
 * Parses and validates walkv's command line, and the config file it names.
 * Returns `"help"` for `--help` and `"version"` for `--version`.
 *
 * Settings come from the config file first, then from the flags, in order:
 * a later value replaces an earlier one (as Redis reads its config), so
 * flags override the file. Every value is checked, even one replaced later.
 *
 * @throws {UsageError} naming the flag (or the file and line) and quoting the value found.
 * @example
 * ```ts
 * parseConfig(["-port", "5000", "--no-persist"]); // { port: 5000, persist: false, ... }
 * ```
 */
export function parseConfig(
  args: string[],
  options: ParseOptions = {},
): Config | "help" | "version" {
  // `deno task start -- --port 5000` (an npm habit) passes the "--" along.
  args = args.filter((arg) => arg !== "--");
  const fromFlags: Assignment[] = [];
  let configFile: string | null = null;
  let help = false;
  let version = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const match = /^--?([A-Za-z][A-Za-z0-9-]*)(?:=([^]*))?$/.exec(arg);
    if (match === null) throw new UsageError(`unexpected argument ${JSON.stringify(arg)}`);
    const name = match[1];
    const inline = match[2];
    const typed = arg.split("=")[0];
    if (name === "help" || name === "h") {
      help = true;
      continue;
    }
    if (name === "version" || name === "v") {
      version = true;
      continue;
    }
    const negated = name.startsWith("no-") ? BY_NAME.get(name.slice(3)) : undefined;
    if (negated?.boolean && inline === undefined) {
      fromFlags.push({ setting: negated, text: "no", where: typed });
      continue;
    }
    if (name === "tls-ca-cert-file" || name === "tls-ca-cert-dir") refuseClientCertificates(typed);
    const setting = BY_NAME.get(name);
    if (setting === undefined && name !== "config") {
      throw new UsageError(`unknown flag ${JSON.stringify(typed)}`);
    }
    let value = inline;
    if (value === undefined && setting?.boolean) {
      // A bare boolean means yes; a following word is its value (checked).
      const next = args[i + 1];
      value = next !== undefined && !next.startsWith("-") ? args[++i] : "yes";
    }
    if (value === undefined) {
      if (i + 1 === args.length) throw new UsageError(`missing value for ${typed}`);
      value = args[++i];
    }
    if (setting === undefined) {
      if (value === "") throw new UsageError(`invalid value for ${typed}: "" (expected a file)`);
      configFile = value;
    } else {
      fromFlags.push({ setting, text: value, where: typed });
    }
  }
  if (help) return "help";
  if (version) return "version";

  const fromFile = configFile === null
    ? []
    : readConfigFile(configFile, options.readFile ?? Deno.readTextFileSync);
  const config: Config = { ...DEFAULT_CONFIG, configFile };
  const values = config as unknown as Record<string, unknown>;
  for (const { setting, text, where } of [...fromFile, ...fromFlags]) {
    const value = setting.parse(text);
    if (value === undefined) {
      throw new UsageError(
        `invalid value for ${where}: ${JSON.stringify(text)} (expected ${setting.expected})`,
      );
    }
    values[setting.key] = value;
  }
  checkListeners(config);
  return config;
}

/** A TLS port needs a certificate and a key; port 0 (no TCP) needs a TLS port. */
function checkListeners(config: Config): void {
  if (config.tlsPort !== 0 && (config.tlsCertFile === null || config.tlsKeyFile === null)) {
    const missing = config.tlsCertFile === null ? "--tls-cert-file" : "--tls-key-file";
    throw new UsageError(`--tls-port ${config.tlsPort} needs ${missing} (a PEM file)`);
  }
  if (config.port === 0 && config.tlsPort === 0) {
    throw new UsageError(
      `invalid value for --port: "0" (0 turns the TCP port off, which leaves nowhere to listen ` +
        `without --tls-port)`,
    );
  }
}

/** Client certificates: Redis's `tls-ca-cert-file`, which walkv cannot honour. */
function refuseClientCertificates(where: string): never {
  throw new UsageError(
    `${where} is not supported: Deno.listenTls cannot ask for or verify client certificates, ` +
      `so walkv cannot check them (use --requirepass over TLS instead)`,
  );
}

/** The assignments in the config file at `path`, in file order. */
function readConfigFile(path: string, readFile: (path: string) => string): Assignment[] {
  let content: string;
  try {
    content = readFile(path);
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new UsageError(
        `Deno denied reading the config file ${JSON.stringify(path)}; under deno task start ` +
          `keep it at ./walkv.conf or in ./wal_files, else run main.ts with --allow-read=${path}`,
      );
    }
    const reason = error instanceof Deno.errors.NotFound
      ? "no such file"
      : error instanceof Error
      ? error.message
      : String(error);
    throw new UsageError(`cannot read the config file ${JSON.stringify(path)}: ${reason}`);
  }
  let directives;
  try {
    directives = parseConfigFile(content, path);
  } catch (error: unknown) {
    if (error instanceof SyntaxError) throw new UsageError(error.message);
    throw error;
  }
  return directives.map(({ name, args, line }) => {
    const where = `${path}:${line}: ${name}`;
    if (name === "tls-ca-cert-file" || name === "tls-ca-cert-dir") {
      refuseClientCertificates(`${path}:${line}: ${name}`);
    }
    const setting = BY_NAME.get(name);
    if (setting === undefined) {
      throw new UsageError(`${path}:${line}: unknown directive ${JSON.stringify(name)}`);
    }
    if (args.length !== 1) {
      throw new UsageError(
        `${where} takes exactly one value, found ${args.length}: ${JSON.stringify(args)}`,
      );
    }
    return { setting, text: args[0], where };
  });
}
