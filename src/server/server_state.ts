import type { Config } from "../config.ts";
import { ScanCursors } from "../db/scan_cursors.ts";

/**
 * Server-wide facts and counters that INFO, CONFIG GET, CLIENT ID and SCAN
 * need, in one place so the commands can reach them through their context.
 *
 * @example
 * ```ts
 * const state = new ServerState(config, 4242);
 * state.commandsProcessed++;
 * ```
 */
export class ServerState {
  /** The validated flags the server runs with. */
  readonly config: Readonly<Config>;
  /** The port actually bound (differs from `config.port` for port 0 in tests). */
  readonly port: number;
  /** When the server started, in ms since the epoch. */
  readonly startedAt = Date.now();
  /** Open SCAN iterations. */
  readonly scans = new ScanCursors();
  /** Clients connected now. */
  connectedClients = 0;
  /** Connections accepted since start. */
  totalConnections = 0;
  /** Connections refused since start because `--maxclients` were connected. */
  rejectedConnections = 0;
  /** Commands run since start, both protocols. */
  commandsProcessed = 0;
  /** Reads that found their key / did not. */
  keyspaceHits = 0;
  keyspaceMisses = 0;
  /** Keys removed by the expiry sweep. */
  expiredKeys = 0;
  /** Records replayed from the WAL at start. */
  replayedRecords = 0;
  #nextClientId = 1;

  constructor(config: Readonly<Config>, port: number) {
    this.config = config;
    this.port = port;
  }

  /**
   * Counts a read of a key as a keyspace hit or miss (INFO's
   * `keyspace_hits`/`keyspace_misses`) and hands the value back.
   *
   * @example
   * ```ts
   * const value = server.countRead(db.get(key));
   * ```
   */
  countRead(value: string | undefined): string | undefined {
    if (value === undefined) this.keyspaceMisses++;
    else this.keyspaceHits++;
    return value;
  }

  /** A fresh client id: 1, 2, 3, … as Redis numbers them. */
  nextClientId(): number {
    return this.#nextClientId++;
  }
}
