import type { Db } from "../db/db.ts";
import type { ClientState } from "./client_state.ts";
import type { CommandStats } from "./server_state.ts";
import type { Reply, ReplyBase } from "./reply.ts";
import type { ServerState } from "./server_state.ts";

/**
 * Redis's command flags (COMMAND INFO's third field) that walkv uses. The
 * gate acts on some: `write` (logged; refused once the WAL has failed),
 * `no_auth` (runs before AUTH), `loading`; the rest are reported.
 */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "noscript"
  | "loading"
  | "stale"
  | "fast"
  | "no_auth"
  | "allow_busy"
  | "skip_slowlog"
  | "no_multi"
  | "no_async_loading"
  | "movablekeys"
  | "blocking"
  | "pubsub";

/** Redis's documentation groups, as COMMAND DOCS reports them. */
export type CommandGroup =
  | "connection"
  | "string"
  | "bitmap"
  | "generic"
  | "server"
  | "transactions"
  | "hash"
  | "set"
  | "list"
  | "sorted-set"
  | "pubsub";

/** One argument of a command as COMMAND DOCS describes it (Redis's argument schema). */
export interface DocArgument {
  /** The argument's name: the placeholder word, or the token in lower case. */
  readonly name: string;
  /** Redis's argument type; `oneof` and `block` hold `arguments`. */
  readonly type:
    | "key"
    | "string"
    | "integer"
    | "double"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  /** The literal word that introduces it (`EX` in `EX seconds`). */
  readonly token?: string;
  /** Whether it may be left out. */
  readonly optional?: boolean;
  /** Whether it may repeat: `key [key ...]`. */
  readonly multiple?: boolean;
  /** The alternatives of a `oneof`, or the parts of a `block`. */
  readonly arguments?: readonly DocArgument[];
}

/** What a command runs against. `R` is its protocol's reply writer. */
export interface Context<R extends ReplyBase = Reply> {
  /** The client's selected database; the gate sets it before each command. */
  db: Db;
  /** Where the command writes its one reply. */
  readonly reply: R;
  /** The connection's own state (name, id, database, transaction, QUIT). */
  readonly client: ClientState<QueuedCommand>;
  /** Server-wide state: config, databases, statistics, SCAN cursors. */
  readonly server: ServerState;
  /** The command table, for the commands that describe it (COMMAND) or run others (EXEC). */
  readonly commands: CommandRegistry<R>;
  /** Runs other commands (EXEC). */
  readonly gate: CommandCaller;
  /** Inside EXEC: the command must finish without yielding to other clients. */
  atomic: boolean;
}

/**
 * Applies a command. `args[0]` is the name as sent; all are binary strings
 * (one character per byte), valid until the command returns. Only commands
 * that do not write may return a promise (to yield while they take long, as
 * KEYS does), and only when `context.atomic` is false.
 */
export type Run<R extends ReplyBase = Reply> = (
  args: string[],
  context: Context<R>,
) => void | Promise<void>;

/**
 * One command, as data: what the gate checks before it runs (arity, flags),
 * what COMMAND and COMMAND DOCS report (key positions, group, summary,
 * arguments), and the function that runs it. Redis's `src/commands/*.json`
 * are the model; the whole table is `src/commands/registry.ts`.
 *
 * @example
 * ```ts
 * const strlen: CommandSpec = {
 *   name: "STRLEN", arity: 2, flags: ["readonly", "fast"], acl: ["@read", "@string", "@fast"],
 *   keys: [1, 1, 1],
 *   group: "string", since: "2.2.0", summary: "Returns the length of a string value.",
 *   args: [{ name: "key", type: "key" }], run: strings.strlen,
 * };
 * ```
 */
export interface CommandSpec<R extends ReplyBase = Reply> {
  /** The name, upper case; RESP clients may send any case, text clients exactly this. */
  readonly name: string;
  /** The field count including the name; negative means "at least". */
  readonly arity: number;
  readonly flags: readonly CommandFlag[];
  /** Redis's ACL categories, as COMMAND INFO lists them (`@read`, `@string`, `@fast`, …). */
  readonly acl: readonly string[];
  /** Legacy key positions for COMMAND: first key, last key (-1: the last field), step. */
  readonly keys: readonly [number, number, number];
  readonly group: CommandGroup;
  /** The Redis version that introduced it. */
  readonly since: string;
  /** One line for COMMAND DOCS (redis-cli shows it as a hint). */
  readonly summary: string;
  readonly args: readonly DocArgument[];
  /**
   * A container's subcommands, upper case (CLIENT, CONFIG, COMMAND, PUBSUB):
   * Redis names a call of one by both words in its errors (`'pubsub|numsub'`).
   */
  readonly subcommands?: readonly string[];
  /**
   * The subcommands Redis flags `admin` (`client|kill`, `config|set`, …),
   * which, like admin commands, MONITOR never shows.
   */
  readonly adminSubcommands?: readonly string[];
  /** The text protocol's complaint about a wrong field count, after the name. */
  readonly usage?: string;
  readonly run: Run<R>;
}

/** A command as the gate uses it: the spec, its flags decoded once, and its counters. */
export interface CommandEntry<R extends ReplyBase = Reply> {
  readonly spec: CommandSpec<R>;
  readonly writes: boolean;
  readonly noAuth: boolean;
  /** Has Redis's `loading` flag: runs while the WAL replays. */
  readonly runsWhileLoading: boolean;
  /** Redis's `admin` flag: never shown to MONITOR. */
  readonly admin: boolean;
  /** Redis's `readonly`: its key lookups count as keyspace hits and misses. */
  readonly reads: boolean;
  /** Redis's `fast`: timed one call in 32 (see the gate). */
  readonly fast: boolean;
  /** Redis's `denyoom`: may grow memory, so refused with -OOM when nothing can be evicted. */
  readonly denyOom: boolean;
  /** Refused inside MULTI (SAVE, SHUTDOWN). */
  readonly noMulti: boolean;
  /** Never in the slow log (EXEC: its commands are, one by one). */
  readonly skipSlowlog: boolean;
  /** What CLIENT PAUSE WRITE holds: writes, and PUBLISH (Redis's `may_replicate`). */
  readonly pausedByWrite: boolean;
  readonly stats: CommandStats;
}

/**
 * How a protocol spells the gate's own refusals. RESP uses Redis's texts
 * (client libraries match on them); the seed's text protocol keeps its own.
 */
export interface Dialect<R extends ReplyBase> {
  /** `args[0]` names no command. */
  unknownCommand(args: string[], reply: R): void;
  /** The wrong number of fields for `spec`. */
  wrongArity(spec: CommandSpec<R>, reply: R): void;
  /** Used memory is over `maxmemory` and nothing can be evicted, so `spec` may not run. */
  outOfMemory(spec: CommandSpec<R>, reply: R): void;
  /** `spec` refused because the WAL is still being replayed. */
  loading(spec: CommandSpec<R>, reply: R): void;
  /** A write refused because the WAL failed with `failure`. */
  refusedWrite(spec: CommandSpec<R>, failure: Error, reply: R): void;
  /** `spec` threw `error`; its changes were undone. */
  failed(spec: CommandSpec<R>, error: unknown, reply: R): void;
}

/** Runs one command with the gate's accounting: what EXEC uses for each queued command. */
export interface CommandCaller {
  call<R extends ReplyBase>(
    entry: CommandEntry<R>,
    dialect: Dialect<R>,
    args: string[],
    context: Context<R>,
  ): void | Promise<void>;
}

/** A command queued between MULTI and EXEC. */
export interface QueuedCommand {
  readonly entry: CommandEntry;
  /** The request's fields, copied: the parser reuses its array. */
  readonly args: string[];
}

/** What commands see of the command table. */
export interface CommandRegistry<R extends ReplyBase = Reply> {
  /** Every command, in the order COMMAND lists them. */
  readonly all: readonly CommandSpec<R>[];
  /** The command called `name`, in any case (RESP) or exactly (text). */
  get(name: string): CommandEntry<R> | undefined;
}
