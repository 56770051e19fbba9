import type { CommandContext } from "../../src/commands/resp/resp_command.ts";
import { RespDispatcher } from "../../src/commands/resp/resp_dispatcher.ts";
import { type Config, DEFAULT_CONFIG } from "../../src/config.ts";
import { Db } from "../../src/db/db.ts";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { RespWriter } from "../../src/protocol/resp_writer.ts";
import { ClientState } from "../../src/server/client_state.ts";
import { ServerState } from "../../src/server/server_state.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Clock } from "../../src/store/shard.ts";
import type { Store } from "../../src/store/store.ts";
import type { CompactionControl } from "../../src/wal/compactor.ts";
import { RecordingWal } from "./recording_wal.ts";

/** When a harness's clock starts: 2023-11-14T22:13:20Z. */
export const START = 1_700_000_000_000;

/** Options for {@linkcode respHarness}. */
export interface RespHarnessOptions {
  /** The store under test; a MapStore on the harness's clock by default. */
  makeStore?: (clock: Clock) => Store;
  /** The server's flags; DEFAULT_CONFIG by default. */
  config?: Config;
  /** The client's id (CLIENT ID, HELLO); 1 by default. */
  clientId?: number;
  /** The port the server reports (INFO, CONFIG GET port); 4242 by default. */
  port?: number;
  /** What BGREWRITEAOF and INFO see of compaction; none (no WAL) by default. */
  compaction?: CompactionControl;
}

/**
 * Everything a RESP command runs against, in memory, on a clock the test
 * moves: `run(...args)` dispatches one request exactly as a connection
 * does and returns its reply as RESP text (one character per byte), and
 * `wal.records` shows what it logged.
 *
 * @example
 * ```ts
 * const { run, advance } = respHarness();
 * run("SET", "k", "v", "PX", "100"); // "+OK\r\n"
 * advance(100);
 * run("GET", "k"); // "$-1\r\n"
 * ```
 */
export function respHarness(options: RespHarnessOptions = {}) {
  const time = { now: START };
  const clock = () => time.now;
  const store = (options.makeStore ?? ((c: Clock) => new MapStore(c)))(clock);
  const wal = new RecordingWal();
  const db = new Db(store, wal, clock, options.compaction ?? null);
  const reply = new RespWriter();
  const dispatcher = new RespDispatcher();
  const context: CommandContext = {
    commands: dispatcher.table,
    db,
    reply,
    client: new ClientState(options.clientId ?? 1, "127.0.0.1:50000"),
    server: new ServerState(options.config ?? DEFAULT_CONFIG, options.port ?? 4242),
  };
  const run = (...args: string[]): string => {
    dispatcher.dispatch(args, context);
    const bytes = reply.take();
    return binaryFromBytes(bytes, 0, bytes.length);
  };
  /** Like `run`, for a command that may yield (KEYS over many keys): waits for it. */
  const runAsync = async (...args: string[]): Promise<string> => {
    await dispatcher.dispatch(args, context);
    const bytes = reply.take();
    return binaryFromBytes(bytes, 0, bytes.length);
  };
  const advance = (ms: number) => {
    time.now += ms;
  };
  return { time, store, wal, db, context, run, runAsync, advance };
}
