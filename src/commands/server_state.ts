import type { Config } from "../config.ts";
import type { Databases } from "../db/databases.ts";
import { ScanCursors } from "../db/scan_cursors.ts";
import { PubSub } from "../pubsub/pub_sub.ts";
import { LoadingState } from "./loading_state.ts";
import type { FsyncPolicy } from "../wal/fsync_policy.ts";
import type { ClientState } from "./client_state.ts";
import { ClientPause } from "./client_pause.ts";
import { InstantaneousMetrics } from "./instantaneous_metrics.ts";
import { SlowLog } from "./slow_log.ts";
import { Evictor } from "./eviction.ts";
import { MaxMemory } from "./max_memory.ts";

/** Counters per command, for INFO commandstats. */
export interface CommandStats {
  calls: number;
  /** Microseconds spent running it. */
  usec: number;
  /** Refused before running: arity, NOAUTH, a failed WAL, … */
  rejected: number;
  /** Ran and answered an error. */
  failed: number;
}

/** What CONFIG and INFO may see and change of the WAL file (a `FileWal`). */
export interface WalControl {
  /** The fsync policy, changeable at run time (CONFIG SET appendfsync). */
  fsync: FsyncPolicy;
  /** Bytes and records in the file. */
  readonly size: { readonly bytes: number; readonly records: number };
}

/** Per-command counters by lower-case name, shared by every table of one server. */
export type StatsBook = Map<string, CommandStats>;

/**
 * Server-wide facts and counters that INFO, CONFIG, AUTH, CLIENT, SCAN and
 * pub/sub need, in one place so the commands reach them through their context.
 *
 * @example
 * ```ts
 * const state = new ServerState(config, 4242, databases);
 * state.nextClientId(); // 1, then 2, …
 * ```
 */
export class ServerState {
  /** The validated flags the server started with. */
  readonly config: Readonly<Config>;
  /** The port actually bound (differs from `config.port` for port 0 in tests). */
  readonly port: number;
  /** Every database, the WAL behind them, and the open command's changes. */
  readonly databases: Databases;
  /** When the server started, in ms since the epoch. */
  readonly startedAt = Date.now();
  /** Open SCAN iterations. */
  readonly scans = new ScanCursors();
  /** Who is subscribed to which channel and pattern; PUBLISH's fan-out. */
  readonly pubsub = new PubSub();
  /** Per-command counters (INFO commandstats), by lower-case name. */
  readonly commandStats: StatsBook = new Map();
  /** Error replies by their first word (INFO errorstats). */
  readonly errorStats = new Map<string, number>();
  /** The password clients must AUTH with, or `null` for none (`requirepass`). */
  requirePass: string | null;
  /** Whether clients from other hosts are refused while no password is set. */
  protectedMode: boolean;
  /** Clients served at once; one more is refused. */
  maxClients: number;
  /** Close a client idle for longer than this; 0 never does (Redis's `timeout`). */
  timeoutSeconds: number;
  /** Close a client whose unparsed input passes this many bytes (`client-query-buffer-limit`). */
  queryBufferLimit: number;
  /** Clients connected now. */
  connectedClients = 0;
  /** Connections accepted since start. */
  totalConnections = 0;
  /** Connections refused since start because `--maxclients` were connected. */
  rejectedConnections = 0;
  /** Commands run since start, both protocols. */
  commandsProcessed = 0;
  /** Keys removed by the expiry sweep (see `totalExpiredKeys` for all). */
  expiredKeys = 0;
  /** The WAL replay at start: whether it is running (commands get -LOADING) and its progress. */
  readonly loading = new LoadingState();
  /** Records replayed from the WAL at start. */
  replayedRecords = 0;
  /** Every connected client by id, in the order they connected (CLIENT LIST, KILL). */
  readonly clients = new Map<number, ClientState<unknown>>();
  /** The clients in MONITOR mode. */
  readonly monitors = new Set<ClientState<unknown>>();
  /** CLIENT PAUSE's state. */
  readonly pause = new ClientPause();
  /** INFO's instantaneous rates and memory peak, sampled by the server. */
  readonly metrics = new InstantaneousMetrics();
  /** Reads and writes on client sockets since start (`total_reads_processed`, `…writes…`). */
  readsProcessed = 0;
  writesProcessed = 0;
  /** The slow log (SLOWLOG), with its threshold and length from the flags. */
  readonly slowlog: SlowLog;
  /** `maxmemory` and its policy, settable by CONFIG SET, and `evicted_keys`. */
  readonly maxMemory: MaxMemory;
  /** Keeps used memory under `maxMemory.limit` (the gate and a timer run it). */
  readonly evictor: Evictor;
  /** The config file the server was started from, or `null` (INFO's `config_file`). */
  readonly configFile: string | null;
  /** The WAL file, or `null` with `--no-persist`; set by the server. */
  wal: WalControl | null = null;
  /** Set by the server: asks it to stop as on SIGTERM (SHUTDOWN). */
  requestShutdown: () => void = () => {};
  /** Bytes read from clients, and written to them, since start (INFO stats). */
  netInputBytes = 0;
  netOutputBytes = 0;
  /** Error replies sent since start (INFO's `total_error_replies`). */
  errorReplies = 0;
  #nextClientId = 1;
  #lazyBaseline = 0;
  readonly #averageTtl: number[] = [];
  #fsync: FsyncPolicy;

  constructor(config: Readonly<Config>, port: number, databases: Databases) {
    this.config = config;
    this.port = port;
    this.databases = databases;
    this.requirePass = config.requirePass;
    this.protectedMode = config.protectedMode;
    this.maxClients = config.maxClients;
    this.timeoutSeconds = config.timeoutSeconds;
    this.configFile = config.configFile;
    this.queryBufferLimit = config.queryBufferLimit;
    this.#fsync = config.fsync;
    this.slowlog = new SlowLog(config.slowlogSlowerThan, config.slowlogMaxLen);
    this.maxMemory = new MaxMemory({
      limit: config.maxMemory,
      policy: config.maxMemoryPolicy,
      samples: config.maxMemorySamples,
      lfuLogFactor: config.lfuLogFactor,
      lfuDecayTime: config.lfuDecayTime,
    }, () => databases.stores());
    this.evictor = new Evictor(databases, this.maxMemory);
  }

  /** Counts an error reply under its code, the first word (INFO errorstats). */
  countError(message: string): void {
    this.errorReplies++;
    const space = message.indexOf(" ");
    const code = space === -1 ? message : message.slice(0, space);
    this.errorStats.set(code, (this.errorStats.get(code) ?? 0) + 1);
  }

  /** The fsync policy in force: the WAL's, or with `--no-persist` the one set (no effect). */
  get fsync(): FsyncPolicy {
    return this.wal?.fsync ?? this.#fsync;
  }

  set fsync(policy: FsyncPolicy) {
    this.#fsync = policy;
    if (this.wal !== null) this.wal.fsync = policy;
  }

  /**
   * Zeroes every counter INFO shows (CONFIG RESETSTAT): commands, errors,
   * connections, keyspace hits and misses, expired and evicted keys, network bytes.
   * Each command's counters are zeroed in place, as the tables hold them.
   */
  resetStats(): void {
    this.commandsProcessed = 0;
    this.totalConnections = 0;
    this.databases.reads.hits = 0;
    this.databases.reads.misses = 0;
    this.expiredKeys = 0;
    this.maxMemory.evictedKeys = 0;
    this.#lazyBaseline = this.#lazilyExpired();
    this.metrics.peakMemory = 0;
    this.rejectedConnections = 0;
    this.netInputBytes = 0;
    this.netOutputBytes = 0;
    this.errorReplies = 0;
    this.readsProcessed = 0;
    this.writesProcessed = 0;
    for (const stats of this.commandStats.values()) {
      stats.calls =
        stats.usec =
        stats.rejected =
        stats.failed =
          0;
    }
    this.errorStats.clear();
  }

  /** Reads that found their key (INFO `keyspace_hits`): every read-only command's lookups. */
  get keyspaceHits(): number {
    return this.databases.reads.hits;
  }

  /** Reads that did not find their key (INFO `keyspace_misses`). */
  get keyspaceMisses(): number {
    return this.databases.reads.misses;
  }

  /**
   * Folds one sweep step's mean time-to-live for database `index` into
   * its running estimate (INFO's `avg_ttl`), weighting each step a fiftieth
   * as Redis's active expire cycle does.
   */
  sawTtl(index: number, meanMs: number): void {
    const previous = this.#averageTtl[index] ?? 0;
    this.#averageTtl[index] = previous === 0 ? meanMs : (previous / 50) * 49 + meanMs / 50;
  }

  /** The estimated mean time-to-live of database `index`'s keys with one, in ms; 0 before any. */
  averageTtl(index: number): number {
    return this.databases.get(index).expiringSize === 0 ? 0 : this.#averageTtl[index] ?? 0;
  }

  /**
   * Keys expired since start or RESETSTAT (INFO's `expired_keys`): removed
   * by the sweep, or found expired when looked up, as Redis counts both.
   */
  totalExpiredKeys(): number {
    return this.expiredKeys + this.#lazilyExpired() - this.#lazyBaseline;
  }

  #lazilyExpired(): number {
    let count = 0;
    for (const store of this.databases.stores()) count += store.lazilyExpired;
    return count;
  }

  /** A fresh client id: 1, 2, 3, … as Redis numbers them. */
  nextClientId(): number {
    return this.#nextClientId++;
  }
}
