import { CommandGate } from "../commands/gate.ts";
import { CommandTable } from "../commands/command_table.ts";
import { RESP_COMMANDS, TEXT_COMMANDS } from "../commands/registry.ts";
import { ServerState } from "../commands/server_state.ts";
import type { Config } from "../config.ts";
import { Databases } from "../db/databases.ts";
import { createStore } from "../store/create_store.ts";
import type { Store } from "../store/store.ts";
import { type CompactionHooks, Compactor } from "../wal/compactor.ts";
import { FileWal } from "../wal/file_wal.ts";
import { NoopWal } from "../wal/noop_wal.ts";
import { replayWal } from "../wal/replay.ts";
import type { Wal } from "../wal/wal.ts";
import { Listener } from "./listener.ts";
import { startExpirySweep } from "./expiry_sweep.ts";
import { log } from "./log.ts";
import type { Shutdown } from "./shutdown.ts";
import { StartupError } from "./startup_error.ts";
import { lockWal, openWal, removeStaleFile } from "./wal_files.ts";

/** A started server. */
export interface RunningServer {
  /** The port actually bound. */
  port: number;
  /** Settles after `shutdown` is requested and every client and the WAL are done. */
  finished: Promise<void>;
}

/**
 * Starts walkv as `config` says: binds the port first (so a busy port fails
 * before the WAL is touched), replays the WAL into a fresh store, opens it for
 * group-committed appends, then serves until `shutdown` is requested.
 *
 * @throws {StartupError} with advice, for a busy port, a denied address, or a
 *   WAL that cannot be opened; a {@linkcode WalCorruptionError} for a corrupt WAL.
 * @example
 * ```ts
 * const server = await startServer(parseConfig(Deno.args) as Config, new Shutdown());
 * await server.finished;
 * ```
 */
export async function startServer(
  config: Config,
  shutdown: Shutdown,
  compactionHooks: CompactionHooks = {},
): Promise<RunningServer> {
  const tcp = listen(config);
  const stores = Array.from(
    { length: config.databases },
    () => createStore(config.shards, config.store),
  );
  const storeKind = config.store === "arena"
    ? `arena, ${config.shards} shards`
    : config.shards === 1
    ? "single map"
    : `sharded, ${config.shards} shards`;
  let wal: Wal = new NoopWal();
  let compactor: Compactor | null = null;
  let lock: Deno.FsFile | null = null;
  let replayed = 0;
  // Made once the WAL is open; the compactor reads its stores only later.
  let databases: Databases = null as unknown as Databases;
  try {
    if (config.persist) {
      lock = await lockWal(config.wal);
      const fileWal = await openDurableWal(config, stores);
      wal = fileWal;
      replayed = fileWal.size.records;
      compactor = new Compactor(() => databases.stores(), fileWal, {
        log,
        hooks: compactionHooks,
        minBytes: config.compactMinBytes,
        ratio: config.compactRatio,
      });
    }
  } catch (error: unknown) {
    lock?.close();
    tcp.close();
    throw error;
  }
  const port = (tcp.addr as Deno.NetAddr).port;
  log.info(
    `listening on ${config.host}:${port} (store: ${storeKind}; ` +
      `wal: ${config.persist ? `"${config.wal}", fsync ${config.fsync}` : "off"})`,
  );
  databases = new Databases(stores, wal, Date.now, compactor);
  const server = new ServerState(config, port, databases);
  server.replayedRecords = replayed;
  const listener = new Listener(tcp, shutdown, {
    server,
    gate: new CommandGate(),
    resp: new CommandTable(RESP_COMMANDS, server.commandStats, { caseSensitive: false }),
    text: new CommandTable(TEXT_COMMANDS, server.commandStats, { caseSensitive: true }),
    maxLineBytes: config.maxLineBytes,
    maxBulkBytes: config.maxBulkBytes,
    idleTimeoutMs: config.timeoutSeconds * 1000,
  });
  const stopSweep = startExpirySweep(server);
  const finished = listener.run().finally(async () => {
    stopSweep();
    await compactor?.stop();
    await wal.close();
    lock?.close();
  });
  return { port, finished };
}

/**
 * Removes what a compaction cut short left behind, replays the WAL into
 * `store` and opens it for appends.
 */
async function openDurableWal(config: Config, stores: Store[]): Promise<FileWal> {
  const temp = Compactor.tempPath(config.wal);
  if (await removeStaleFile(temp)) {
    log.info(
      `removed an unfinished compaction file "${temp}" (the process stopped during a ` +
        `compaction; "${config.wal}" holds every acknowledged write)`,
    );
  }
  const file = await openWal(config.wal);
  try {
    const replay = await replayWal(file, config.wal, stores);
    if (replay.tornAt !== null) {
      log.warn(
        `WAL "${config.wal}" ended in a torn record at byte offset ${replay.tornAt}; ` +
          `cut ${replay.tornBytes} byte(s) from the end (that write was never acknowledged)`,
      );
    }
    log.info(
      `replayed ${replay.records} records (${replay.bytes} bytes) from "${config.wal}": ` +
        `${stores.reduce((keys, store) => keys + store.size, 0)} keys loaded in ` +
        `${replay.millis.toFixed(1)} ms`,
    );
    return new FileWal(file, config.wal, {
      fsync: config.fsync,
      size: { bytes: replay.bytes, records: replay.records },
      onFailure: (error) => {
        log.error(
          `${error.message}; refusing writes (reads go on) until the WAL is rewritten from memory`,
        );
      },
    });
  } catch (error: unknown) {
    file.close();
    throw error;
  }
}

function listen(config: Config): Deno.TcpListener {
  try {
    return Deno.listen({ hostname: config.host, port: config.port, transport: "tcp" });
  } catch (error: unknown) {
    const where = `${config.host}:${config.port}`;
    if (error instanceof Deno.errors.AddrInUse) {
      throw new StartupError(
        `port ${config.port} is already in use on ${config.host}; ` +
          `stop the other server or choose another port with --port`,
      );
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new StartupError(
        `Deno denied network access to ${where}; run with --allow-net=${config.host}`,
      );
    }
    if (error instanceof Deno.errors.AddrNotAvailable) {
      throw new StartupError(`cannot listen on ${where}: no such local address (--host)`);
    }
    throw new StartupError(`cannot listen on ${where}: ${String(error)}`);
  }
}
