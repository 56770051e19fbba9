import { ClientState } from "../../src/commands/client_state.ts";
import type { Context, QueuedCommand } from "../../src/commands/command_spec.ts";
import { CommandTable } from "../../src/commands/command_table.ts";
import { CommandGate, RESP_DIALECT } from "../../src/commands/gate.ts";
import type { TextReply } from "../../src/commands/reply.ts";
import { RESP_COMMANDS, TEXT_COMMANDS } from "../../src/commands/registry.ts";
import { ServerState } from "../../src/commands/server_state.ts";
import { TEXT_DIALECT } from "../../src/commands/text.ts";
import { type Config, DEFAULT_CONFIG } from "../../src/config.ts";
import { Databases } from "../../src/db/databases.ts";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { RespWriter } from "../../src/protocol/resp_writer.ts";
import { TextReplyWriter } from "../../src/protocol/text_reply_writer.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Clock } from "../../src/store/shard.ts";
import type { Store } from "../../src/store/store.ts";
import type { CompactionControl } from "../../src/wal/compactor.ts";
import type { Wal } from "../../src/wal/wal.ts";
import { RecordingWal } from "./recording_wal.ts";

/** When a harness's clock starts: 2023-11-14T22:13:20Z. */
export const START = 1_700_000_000_000;

/** Options for {@linkcode respHarness}. */
export interface RespHarnessOptions {
  /** The store of database 0 under test; a MapStore on the harness's clock by default. */
  makeStore?: (clock: Clock) => Store;
  /** The server's flags; DEFAULT_CONFIG by default (16 databases). */
  config?: Config;
  /** The client's id (CLIENT ID, HELLO); 1 by default. */
  clientId?: number;
  /** The port the server reports (INFO, CONFIG GET port); 4242 by default. */
  port?: number;
  /** What BGREWRITEAOF and INFO see of compaction; none (no WAL) by default. */
  compaction?: CompactionControl;
  /** The WAL; a RecordingWal by default. */
  wal?: Wal;
}

/** The server-side pieces a harness runs commands against. */
function harnessServer(options: RespHarnessOptions) {
  const time = { now: START };
  const clock = () => time.now;
  const config = options.config ?? DEFAULT_CONFIG;
  const store = (options.makeStore ?? ((c: Clock) => new MapStore(c)))(clock);
  const stores = [store];
  for (let i = 1; i < config.databases; i++) stores.push(new MapStore(clock));
  const recording = new RecordingWal();
  const wal = options.wal ?? recording;
  const databases = new Databases(stores, wal, clock, options.compaction ?? null);
  const server = new ServerState(config, options.port ?? 4242, databases);
  const client = new ClientState<QueuedCommand>(options.clientId ?? 1, "127.0.0.1:50000", true);
  client.localAddress = `127.0.0.1:${options.port ?? 4242}`;
  const advance = (ms: number) => {
    time.now += ms;
  };
  return { time, store, wal: recording, databases, db: databases.get(0), server, client, advance };
}

/**
 * Everything a RESP command runs against, in memory, on a clock the test
 * moves: `run(...args)` sends one request through the gate exactly as a
 * connection does and returns its reply as RESP text (one character per
 * byte), `commit` is implied, and `wal.records` shows what it logged.
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
  const pieces = harnessServer(options);
  const { server, client, databases } = pieces;
  const reply = new RespWriter();
  const gate = new CommandGate();
  const commands = new CommandTable(RESP_COMMANDS, server.commandStats, { caseSensitive: false });
  const context: Context = {
    db: databases.get(0),
    reply,
    client,
    server,
    commands,
    gate,
    atomic: false,
  };
  const take = (): string => {
    const bytes = reply.take();
    return binaryFromBytes(bytes, 0, bytes.length);
  };
  const run = (...args: string[]): string => {
    gate.execute(commands, RESP_DIALECT, args, context);
    return take();
  };
  /** Like `run`, for a command that may yield (KEYS over many keys): waits for it. */
  const runAsync = async (...args: string[]): Promise<string> => {
    await gate.execute(commands, RESP_DIALECT, args, context);
    return take();
  };
  return { ...pieces, context, run, runAsync };
}

/**
 * The seed's text commands through the same gate: `run(...fields)` returns
 * the reply line(s) as text.
 *
 * @example
 * ```ts
 * const { run } = textHarness();
 * run("SET", "k", "v"); // "+OK\n"
 * ```
 */
export function textHarness(options: RespHarnessOptions = {}) {
  const pieces = harnessServer(options);
  const { server, client, databases } = pieces;
  const reply = new TextReplyWriter();
  const gate = new CommandGate();
  const commands = new CommandTable(TEXT_COMMANDS, server.commandStats, { caseSensitive: true });
  const context: Context<TextReply> = {
    db: databases.get(0),
    reply,
    client,
    server,
    commands,
    gate,
    atomic: false,
  };
  const run = (...fields: string[]): string => {
    gate.execute(commands, TEXT_DIALECT, fields, context);
    const bytes = reply.take();
    return binaryFromBytes(bytes, 0, bytes.length);
  };
  return { ...pieces, context, run };
}
