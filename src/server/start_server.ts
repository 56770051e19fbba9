import { CommandGate } from "../commands/gate.ts";
import { CommandTable } from "../commands/command_table.ts";
import { RESP_COMMANDS, TEXT_COMMANDS } from "../commands/registry.ts";
import { ServerState } from "../commands/server_state.ts";
import type { Config } from "../config.ts";
import { Databases } from "../db/databases.ts";
import { createStore } from "../store/create_store.ts";
import { type CompactionHooks, Compactor } from "../wal/compactor.ts";
import { FileWal } from "../wal/file_wal.ts";
import { NoopWal } from "../wal/noop_wal.ts";
import { replayWal } from "../wal/replay.ts";
import type { Wal } from "../wal/wal.ts";
import { errorMessage } from "../io/error_message.ts";
import { Listener } from "./listener.ts";
import { startExpirySweep } from "./expiry_sweep.ts";
import { startStatsSampler } from "./stats_sampler.ts";
import { log } from "./log.ts";
import { Shutdown } from "./shutdown.ts";
import { replayProgress, ReplayStopped } from "./replay_progress.ts";
import { StartupError } from "./startup_error.ts";
import { lockWal, openWal, removeStaleFile } from "./wal_files.ts";

/** A started server. */
export interface RunningServer {
  /** The TCP port actually bound; 0 with `--port 0` (TLS only). */
  port: number;
  /** The TLS port, or 0 without `--tls-port`. */
  tlsPort: number;
  /** Settles after `shutdown` is requested and every client and the WAL are done. */
  finished: Promise<void>;
}

/**
 * Starts walkv as `config` says: binds the port and the TLS port first (so a
 * busy port or a bad certificate fails before the WAL is touched), opens and locks the WAL, and starts serving at
 * once; while the WAL replays into the stores, clients get `-LOADING` for
 * everything but what Redis allows while loading (PING is not: it answers
 * `-LOADING` in Redis too). Once the replay is done, the WAL takes
 * group-committed appends, and "listening on HOST:PORT" is logged: from
 * then on every command runs. Serves until `shutdown` is requested; a
 * request during the replay stops it there.
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
  const tcp = config.port === 0 ? null : listen(config);
  let tls: Deno.TlsListener | null = null;
  try {
    tls = config.tlsPort === 0 ? null : await listenTls(config);
  } catch (error: unknown) {
    tcp?.close();
    throw error;
  }
  const stores = Array.from(
    { length: config.databases },
    () => createStore(config.shards, config.store),
  );
  const storeKind = config.store === "arena"
    ? `arena, ${config.shards} shards`
    : config.shards === 1
    ? "single map"
    : `sharded, ${config.shards} shards`;
  let lock: Deno.FsFile | null = null;
  let file: Deno.FsFile | null = null;
  try {
    if (config.persist) {
      lock = await lockWal(config.wal);
      await removeUnfinishedCompaction(config.wal);
      file = await openWal(config.wal);
    }
  } catch (error: unknown) {
    lock?.close();
    tcp?.close();
    tls?.close();
    throw error;
  }
  const port = tcp === null ? 0 : (tcp.addr as Deno.NetAddr).port;
  const tlsPort = tls === null ? 0 : (tls.addr as Deno.NetAddr).port;
  const address = [
    ...(tcp === null ? [] : [`${config.host}:${port}`]),
    ...(tls === null ? [] : [`${config.host}:${tlsPort} with TLS`]),
  ].join(" and on ");
  // The databases exist before the WAL is replayed into their stores, so
  // clients connected meanwhile have them; nothing writes until it is done.
  const databases = new Databases(stores, new NoopWal(), Date.now, null);
  const server = new ServerState(config, port, databases);
  // Loading starts before the listeners do: a client accepted in the turn a
  // later await would give must get -LOADING, not the empty stores' answers.
  if (file !== null) server.loading.start((await file.stat()).size);
  server.requestShutdown = () => {
    log.info("SHUTDOWN requested by a client: finishing commands in hand, then exiting");
    shutdown.request();
  };
  // The listener's own stop, so a failed replay can stop it too.
  const stop = new Shutdown();
  shutdown.requestedPromise.then(() => stop.request());
  // Both ports serve both protocols through the same gate and tables.
  const options = {
    server,
    gate: new CommandGate(),
    resp: new CommandTable(RESP_COMMANDS, server.commandStats, { caseSensitive: false }),
    text: new CommandTable(TEXT_COMMANDS, server.commandStats, { caseSensitive: true }),
    maxLineBytes: config.maxLineBytes,
    maxBulkBytes: config.maxBulkBytes,
    idleTimeoutMs: config.timeoutSeconds * 1000,
  };
  const listeners = [tcp, tls].filter((socket) => socket !== null)
    .map((socket) => new Listener(socket, stop, options));
  const serving = Promise.all(listeners.map((listener) => listener.run())).then(() => {});

  let wal: Wal = new NoopWal();
  let compactor: Compactor | null = null;
  if (file !== null) {
    let fileWal: FileWal | null;
    try {
      fileWal = await replayDurableWal(config, file, server, shutdown, address);
    } catch (error: unknown) {
      stop.request();
      await serving;
      file.close();
      lock?.close();
      throw error;
    }
    if (fileWal === null) { // stopped during the replay
      file.close();
      lock?.close();
      return { port, tlsPort, finished: serving };
    }
    wal = fileWal;
    compactor = new Compactor(() => databases.stores(), fileWal, {
      log,
      hooks: compactionHooks,
      minBytes: config.compactMinBytes,
      ratio: config.compactRatio,
    });
    databases.attachWal(wal, compactor);
    server.wal = fileWal;
    server.replayedRecords = fileWal.size.records;
  }
  log.info(
    `listening on ${address} (store: ${storeKind}; ` +
      `wal: ${config.persist ? `"${config.wal}", fsync ${config.fsync}` : "off"})`,
  );
  const stopSweep = startExpirySweep(server);
  const stopSampler = startStatsSampler(server);
  const finished = serving.finally(async () => {
    stopSweep();
    stopSampler();
    server.evictor.stop();
    await compactor?.stop();
    await wal.close();
    lock?.close();
  });
  return { port, tlsPort, finished };
}

/** Removes what a compaction cut short left behind, saying so. */
async function removeUnfinishedCompaction(walPath: string): Promise<void> {
  const temp = Compactor.tempPath(walPath);
  if (await removeStaleFile(temp)) {
    log.info(
      `removed an unfinished compaction file "${temp}" (the process stopped during a ` +
        `compaction; "${walPath}" holds every acknowledged write)`,
    );
  }
}

/**
 * Replays the WAL open in `file` into the server's stores, with the server
 * loading meanwhile (`server.loading`), and opens it for appends. Returns
 * `null` when `shutdown` was requested during the replay.
 */
async function replayDurableWal(
  config: Config,
  file: Deno.FsFile,
  server: ServerState,
  shutdown: Shutdown,
  address: string,
): Promise<FileWal | null> {
  const loading = server.loading;
  const totalBytes = loading.totalBytes;
  log.info(
    `accepting connections on ${address} while replaying "${config.wal}" ` +
      `(${totalBytes} bytes); until it is done, commands get -LOADING`,
  );
  let replay;
  const stores = server.databases.stores();
  try {
    replay = await replayWal(file, config.wal, stores, {
      onProgress: replayProgress(loading, config.wal, shutdown),
    });
    // SWAPDB records exchanged the stores in `stores` only.
    server.databases.adoptStores(stores);
  } catch (error: unknown) {
    if (error instanceof ReplayStopped) return null;
    throw error;
  } finally {
    loading.finish();
  }
  if (replay.tornAt !== null) {
    log.warn(
      `WAL "${config.wal}" ended in a torn record at byte offset ${replay.tornAt}; ` +
        `cut ${replay.tornBytes} byte(s) from the end (that write was never acknowledged)`,
    );
  }
  log.info(
    `replayed ${replay.records} records (${replay.bytes} bytes) from "${config.wal}": ` +
      `${server.databases.stores().reduce((keys, store) => keys + store.size, 0)} keys loaded in ` +
      `${replay.millis.toFixed(1)} ms (${
        (replay.bytes / (1024 * 1024) / Math.max(replay.millis / 1000, 1e-6)).toFixed(1)
      } MB/s)`,
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
}

async function listenTls(config: Config): Promise<Deno.TlsListener> {
  const cert = await readPem(config.tlsCertFile!, "--tls-cert-file");
  const key = await readPem(config.tlsKeyFile!, "--tls-key-file");
  try {
    return Deno.listenTls({ hostname: config.host, port: config.tlsPort, cert, key });
  } catch (error: unknown) {
    const where = `${config.host}:${config.tlsPort}`;
    if (error instanceof Deno.errors.AddrInUse) {
      throw new StartupError(
        `port ${config.tlsPort} is already in use on ${config.host}; ` +
          `stop the other server or choose another port with --tls-port`,
      );
    }
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new StartupError(
        `Deno denied network access to ${where}; run with --allow-net=${config.host}`,
      );
    }
    throw new StartupError(
      `cannot serve TLS on ${where} with --tls-cert-file "${config.tlsCertFile}" and ` +
        `--tls-key-file "${config.tlsKeyFile}": ${errorMessage(error)}`,
    );
  }
}

/** The text of a PEM file named by `flag`, or a StartupError that names the file. */
async function readPem(path: string, flag: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      throw new StartupError(
        `cannot read ${flag} "${path}": permission denied; grant --allow-read=${path} ` +
          `(and make the file readable by this user)`,
      );
    }
    throw new StartupError(`cannot read ${flag} "${path}": ${errorMessage(error)}`);
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
