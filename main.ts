/**
 * walkv's entry point: flags → server → signals → exit code.
 *
 * Exit codes: 0 after a clean shutdown, 1 when the server cannot start or
 * fails, 2 for a bad command line or config file (before anything is opened).
 *
 * @module
 */
import { parseConfig, USAGE, UsageError, VERSION_TEXT } from "./src/config.ts";
import { log } from "./src/server/log.ts";
import { Shutdown } from "./src/server/shutdown.ts";
import { startServer } from "./src/server/start_server.ts";
import { StopSignals } from "./src/server/stop_signals.ts";
import { StartupError } from "./src/server/startup_error.ts";
import type { CompactionHooks } from "./src/wal/compactor.ts";
import { WalCorruptionError } from "./src/wal/wal_corruption_error.ts";

/** What a caller other than the command line may add: the compaction's test hooks. */
export interface MainOptions {
  compactionHooks?: CompactionHooks;
}

/** Runs walkv with command-line `args`; resolves to the exit code. */
export async function main(args: string[], options: MainOptions = {}): Promise<number> {
  let config;
  try {
    config = parseConfig(args);
  } catch (error: unknown) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`walkv: ${error.message}\nRun walkv --help for the flags.`);
    return 2;
  }
  if (config === "help" || config === "version") {
    console.log(config === "help" ? USAGE : VERSION_TEXT);
    return 0;
  }

  const shutdown = new Shutdown();
  using _signals = new StopSignals(shutdown);
  try {
    const server = await startServer(config, shutdown, options.compactionHooks);
    await server.finished;
    log.info("shut down cleanly");
    return 0;
  } catch (error: unknown) {
    if (error instanceof StartupError || error instanceof WalCorruptionError) {
      log.error(error.message);
      return 1;
    }
    throw error;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
