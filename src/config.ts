import { parseArgs } from "@std/cli/parse-args";
import { FSYNC_POLICIES, type FsyncPolicy } from "./wal/fsync_policy.ts";
import { MAX_FIELD_BYTES } from "./wal/record.ts";

/** Everything walkv is told on its command line, validated. */
export interface Config {
  /** TCP port, 1–65535. */
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
};

/** The `--help` text. */
export const USAGE = `walkv: a small Redis-like key-value server with a write-ahead log

Usage: walkv [flags]        (deno task start [flags] from a clone)

Flags (Go-style single-dash spellings such as -port 4242 work too):
  --port N        TCP port to listen on, 1-65535             (default ${DEFAULT_CONFIG.port})
  --host ADDR     address to listen on; 0.0.0.0 serves other machines
                                                             (default ${DEFAULT_CONFIG.host})
  --wal PATH      write-ahead log file                       (default ${DEFAULT_CONFIG.wal})
  --shards N      store shards, N >= 1; 1 is a single map    (default ${DEFAULT_CONFIG.shards})
  --store KIND    map: JS Maps; arena: bytes in arenas     (default ${DEFAULT_CONFIG.store})
  --persist BOOL  log writes to the WAL; --no-persist or --persist=false
                  runs in memory only and opens no file      (default true)
  --size N        initial capacity hint, N >= 1              (default ${DEFAULT_CONFIG.size})
  --max-line N    longest accepted text-protocol line, bytes (default ${DEFAULT_CONFIG.maxLineBytes})
  --max-bulk N    largest accepted RESP bulk string, bytes   (default ${DEFAULT_CONFIG.maxBulkBytes})
  --fsync POLICY  always: acknowledge a write once it is synced to disk;
                  everysec: once written, syncing at least once a second;
                  no: once written, syncing left to the OS  (default ${DEFAULT_CONFIG.fsync})
  --compact-min-size N
                  compact the WAL automatically once it is at least N bytes
                                                             (default ${DEFAULT_CONFIG.compactMinBytes})
  --compact-ratio R
                  ...and more than R times the size of the live data, R >= 1
                                                             (default ${DEFAULT_CONFIG.compactRatio})
  --timeout SECONDS
                  close a connection idle for more than SECONDS; 0 never does
                                                             (default ${DEFAULT_CONFIG.timeoutSeconds})
  --maxclients N  clients served at once, N >= 1; one more is refused
                                                             (default ${DEFAULT_CONFIG.maxClients})
  --requirepass PASSWORD
                  clients must AUTH with PASSWORD first     (default: none)
  --protected-mode yes|no
                  with no password set, refuse clients from other hosts
                                                             (default yes)
  --databases N   databases SELECT can choose, 1-1000000    (default ${DEFAULT_CONFIG.databases})
  --help          print this and exit
`;

/**
 * A command line walkv cannot start with. `main` prints the message and exits
 * with code 2 before opening anything.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

const STRING_FLAGS = [
  "port",
  "host",
  "wal",
  "shards",
  "store",
  "size",
  "max-line",
  "max-bulk",
  "fsync",
  "compact-min-size",
  "compact-ratio",
  "timeout",
  "maxclients",
  "requirepass",
  "protected-mode",
  "databases",
] as const;
const BOOLEAN_FLAGS = ["persist", "help"] as const;

interface ParsedFlags {
  _: (string | number)[];
  help?: boolean;
  persist?: boolean;
  port?: string;
  host?: string;
  wal?: string;
  shards?: string;
  store?: string;
  size?: string;
  "max-line"?: string;
  "max-bulk"?: string;
  fsync?: string;
  "compact-min-size"?: string;
  "compact-ratio"?: string;
  timeout?: string;
  maxclients?: string;
  requirepass?: string;
  "protected-mode"?: string;
  databases?: string;
}

/**
 * Parses and validates walkv's flags. Returns `"help"` for `--help`.
 *
 * The seed's Go spellings (`-port 4242`, `-wal=./x`) are rewritten to
 * `--port`, `--wal=./x` first, because `parseArgs` reads `-port` as the four
 * short flags `-p -o -r -t`.
 *
 * @throws {UsageError} naming the flag and the value found.
 * @example
 * ```ts
 * parseConfig(["-port", "5000", "--no-persist"]); // { port: 5000, persist: false, ... }
 * ```
 */
export function parseConfig(args: string[]): Config | "help" {
  // `deno task start -- --port 5000` (an npm habit) passes the "--" along.
  if (args[0] === "--") args = args.slice(1);
  const unknown: string[] = [];
  const spelled = new Map<string, string>(); // rewritten flag -> as the user typed it
  const rewritten: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const long = goStyleToLong(args[i]);
    if (long !== args[i]) spelled.set(long.split("=")[0], args[i].split("=")[0]);
    // parseArgs would take "-1" in "--port -1" for a flag, and "" for an
    // argument; keep either as the value.
    const next = args[i + 1];
    if (isStringFlag(long) && next !== undefined && (/^-\d/.test(next) || next === "")) {
      rewritten.push(`${long}=${next}`);
      i++;
    } else {
      rewritten.push(long);
    }
  }
  const parsed = (parseArgs as (args: string[], options: object) => ParsedFlags)(
    rewritten,
    {
      string: STRING_FLAGS,
      boolean: BOOLEAN_FLAGS,
      negatable: ["persist"],
      default: { persist: DEFAULT_CONFIG.persist },
      alias: { h: "help" },
      unknown: (arg: string, key?: string) => {
        const flag = arg.split("=")[0];
        if (key !== undefined) unknown.push(spelled.get(flag) ?? flag);
        return key === undefined; // keep positionals, to complain about them below
      },
    },
  );
  if (unknown.length > 0) {
    throw new UsageError(`unknown flag ${JSON.stringify(unknown[0])}`);
  }
  if (parsed._.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(String(parsed._[0]))}`);
  }
  if (parsed.help) return "help";
  const host = parsed.host ?? DEFAULT_CONFIG.host;
  if (host === "") throw new UsageError(`invalid value for --host: "" (expected an address)`);
  const wal = parsed.wal ?? DEFAULT_CONFIG.wal;
  if (wal === "") throw new UsageError(`invalid value for --wal: "" (expected a file path)`);
  const fsync = parsed.fsync ?? DEFAULT_CONFIG.fsync;
  if (!(FSYNC_POLICIES as readonly string[]).includes(fsync)) {
    throw new UsageError(
      `invalid value for --fsync: ${JSON.stringify(fsync)} (expected ${FSYNC_POLICIES.join(", ")})`,
    );
  }
  const protectedMode = parsed["protected-mode"] ?? "yes";
  if (protectedMode !== "yes" && protectedMode !== "no") {
    throw new UsageError(
      `invalid value for --protected-mode: ${JSON.stringify(protectedMode)} (expected yes or no)`,
    );
  }
  const store = parsed.store ?? DEFAULT_CONFIG.store;
  if (store !== "map" && store !== "arena") {
    throw new UsageError(
      `invalid value for --store: ${JSON.stringify(store)} (expected map or arena)`,
    );
  }
  return {
    port: integerFlag("port", parsed.port, DEFAULT_CONFIG.port, 1, 65535),
    host,
    wal,
    shards: integerFlag("shards", parsed.shards, DEFAULT_CONFIG.shards, 1, 65536),
    store,
    persist: parsed.persist ?? DEFAULT_CONFIG.persist,
    size: integerFlag("size", parsed.size, DEFAULT_CONFIG.size, 1, 2 ** 31 - 1),
    maxLineBytes: integerFlag(
      "max-line",
      parsed["max-line"],
      DEFAULT_CONFIG.maxLineBytes,
      16,
      MAX_FIELD_BYTES,
    ),
    maxBulkBytes: integerFlag(
      "max-bulk",
      parsed["max-bulk"],
      DEFAULT_CONFIG.maxBulkBytes,
      1,
      MAX_FIELD_BYTES,
    ),
    fsync: fsync as FsyncPolicy,
    compactMinBytes: integerFlag(
      "compact-min-size",
      parsed["compact-min-size"],
      DEFAULT_CONFIG.compactMinBytes,
      0,
      Number.MAX_SAFE_INTEGER,
    ),
    compactRatio: ratioFlag("compact-ratio", parsed["compact-ratio"], DEFAULT_CONFIG.compactRatio),
    timeoutSeconds: integerFlag(
      "timeout",
      parsed.timeout,
      DEFAULT_CONFIG.timeoutSeconds,
      0,
      2 ** 31 - 1,
    ),
    maxClients: integerFlag(
      "maxclients",
      parsed.maxclients,
      DEFAULT_CONFIG.maxClients,
      1,
      2 ** 31 - 1,
    ),
    // As in Redis, an empty password is no password.
    requirePass: parsed.requirepass === undefined || parsed.requirepass === ""
      ? null
      : parsed.requirepass,
    protectedMode: protectedMode === "yes",
    databases: integerFlag("databases", parsed.databases, DEFAULT_CONFIG.databases, 1, 1_000_000),
  };
}

function ratioFlag(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(value >= 1 && value <= 1000)) {
    throw new UsageError(
      `invalid value for --${name}: ${JSON.stringify(text)} (expected a number from 1 to 1000)`,
    );
  }
  return value;
}

function isStringFlag(arg: string): boolean {
  return arg.startsWith("--") && (STRING_FLAGS as readonly string[]).includes(arg.slice(2));
}

/**
 * `-port` → `--port`, `-wal=x` → `--wal=x`: any single-dash word of two or
 * more letters is a Go-style long flag (walkv has no bundled short flags).
 */
function goStyleToLong(arg: string): string {
  return /^-[a-zA-Z][a-zA-Z-]+(=.*)?$/.test(arg) ? "-" + arg : arg;
}

function integerFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (text === undefined) return fallback;
  const expected = `expected an integer from ${min} to ${max}`;
  if (!/^\d+$/.test(text)) {
    throw new UsageError(`invalid value for --${name}: ${JSON.stringify(text)} (${expected})`);
  }
  const value = Number(text);
  if (value < min || value > max) {
    throw new UsageError(`invalid value for --${name}: ${JSON.stringify(text)} (${expected})`);
  }
  return value;
}
