import { WrongTypeError } from "../db/wrong_type_error.ts";
import { binaryFromText } from "../io/binary.ts";
import { errorMessage } from "../io/error_message.ts";
import type {
  CommandCaller,
  CommandEntry,
  CommandRegistry,
  Context,
  Dialect,
} from "./command_spec.ts";
import type { ClientState } from "./client_state.ts";
import type { QueuedCommand } from "./command_spec.ts";
import { statsFor } from "./command_table.ts";
import { COMMAND_BUDGET_MS } from "./eviction.ts";
import { LOADING } from "./loading_state.ts";
import { feedMonitors } from "./monitor.ts";
import type { CommandStats, StatsBook } from "./server_state.ts";
import { redacted } from "./redacted.ts";
import type { Reply, ReplyBase } from "./reply.ts";

/** The reply a command gets before AUTH, in both protocols. */
export const NOAUTH = "NOAUTH Authentication required.";
/** The commands that run at once inside MULTI instead of being queued, as in Redis. */
const RUN_IN_MULTI = new Set(["EXEC", "DISCARD", "MULTI", "WATCH", "QUIT", "RESET"]);
/**
 * What a RESP2 client subscribed to anything may still run (Redis's
 * subscribed mode); RESP3 clients may run everything.
 */
const RUN_WHILE_SUBSCRIBED = new Set([
  "SUBSCRIBE",
  "UNSUBSCRIBE",
  "PSUBSCRIBE",
  "PUNSUBSCRIBE",
  "PING",
  "QUIT",
  "RESET",
]);
/**
 * The containers whose every subcommand carries Redis's `loading` flag
 * (Redis flags each subcommand; walkv's registry flags the container), so
 * they run while the WAL replays.
 */
const LOADING_CONTAINERS = new Set(["CONFIG", "CLIENT", "PUBSUB", "COMMAND", "SLOWLOG", "LATENCY"]);
/** Redis's reply when used memory is over `maxmemory` and nothing can be evicted. */
export const OOM = "OOM command not allowed when used memory > 'maxmemory'.";
/** What a client in MULTI may still send when memory is out (Redis's processCommand). */
const RUN_IN_MULTI_WHEN_OOM = new Set(["EXEC", "DISCARD", "QUIT", "RESET"]);
/**
 * The queued fields one transaction may hold. Redis bounds them only by the
 * client's memory; a stranger's MULTI must not grow the server's without
 * bound, so past this the transaction is refused at EXEC.
 */
export const MAX_QUEUED_BYTES = 1024 * 1024 * 1024;
/**
 * The one path every command takes, for both protocols (Redis's
 * `processCommand` and `call`): look the name up, check the arity, check
 * authentication, refuse what a subscribed RESP2 client may not run, refuse
 * what Redis refuses while the WAL replays (`-LOADING`), hold it while
 * CLIENT PAUSE says so, evict keys while used memory is over `maxmemory`
 * (and refuse a command that may grow it with -OOM when none can be),
 * queue it inside MULTI, refuse a write once the WAL
 * has failed, then run it against the client's database, count it (calls,
 * time, errors, the slow log), show it to MONITOR, and commit its changes to
 * the WAL as one record. A command that throws is undone and
 * answered with an error instead of whatever it had written.
 *
 * Every rule that spans commands lives here and nowhere else; the protocol
 * front ends only parse requests and send replies.
 *
 * @example
 * ```ts
 * const gate = new CommandGate();
 * gate.execute(respTable, RESP_DIALECT, ["set", "k", "v"], context); // context.reply: +OK
 * ```
 */
export class CommandGate implements CommandCaller {
  /** Runs one request; `args` is non-empty and holds binary strings. */
  execute<R extends ReplyBase>(
    table: CommandRegistry<R>,
    dialect: Dialect<R>,
    args: string[],
    context: Context<R>,
  ): void | Promise<void> {
    const { client, reply } = context;
    const entry = table.get(args[0]);
    if (entry === undefined) {
      client.lastCommand = null;
      this.#flagTransaction(client);
      return dialect.unknownCommand(args, reply);
    }
    const spec = entry.spec;
    client.lastCommand = spec;
    if (spec.subcommands !== undefined) client.lastSubcommand = args.length > 1 ? args[1] : "";
    const arity = spec.arity;
    if (arity > 0 ? args.length !== arity : args.length < -arity) {
      entry.stats.rejected++;
      if (client.multi !== null && spec.name === "EXEC") {
        // Redis's execCommandAbort: a refused EXEC ends the transaction.
        client.endTransaction();
        return reply.error(
          "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command",
        );
      }
      this.#flagTransaction(client);
      return dialect.wrongArity(spec, reply);
    }
    if (!client.authenticated && !entry.noAuth) {
      entry.stats.rejected++;
      this.#flagTransaction(client);
      return reply.error(NOAUTH);
    }
    if (client.subscriptions !== 0 && this.#refusedWhileSubscribed(entry, args, context)) {
      entry.stats.rejected++;
      return;
    }
    if (
      context.server.loading.active && !entry.runsWhileLoading && !LOADING_CONTAINERS.has(spec.name)
    ) {
      // Redis's processCommand: refused before queueing, and a refusal inside MULTI aborts EXEC.
      entry.stats.rejected++;
      this.#flagTransaction(client);
      return dialect.loading(spec, reply);
    }
    const pause = context.server.pause;
    if (pause.mode !== null && pause.holds(this.#writes(entry, client))) {
      // Redis's postponed client: the whole request runs again once the pause ends.
      return pause.ended().then(() => {
        client.activeAt = performance.now();
        return this.execute(table, dialect, args, context);
      });
    }
    if (context.server.maxMemory.limit !== 0 && this.#outOfMemory(entry, client, context)) {
      entry.stats.rejected++;
      if (client.multi !== null && spec.name === "EXEC") {
        client.endTransaction(); // Redis's execCommandAbort
        return reply.error(`EXECABORT Transaction discarded because of: ${OOM}`);
      }
      this.#flagTransaction(client);
      return dialect.outOfMemory(spec, reply);
    }
    if (client.multi !== null && !RUN_IN_MULTI.has(spec.name)) {
      if (entry.noMulti) {
        entry.stats.rejected++;
        client.multiFailed = true;
        return reply.error("ERR Command not allowed inside a transaction");
      }
      return this.#queue(entry as unknown as CommandEntry<Reply>, args, client, reply);
    }
    const databases = context.server.databases;
    if (entry.writes && databases.failure) {
      entry.stats.rejected++;
      return dialect.refusedWrite(spec, databases.failure, reply);
    }
    context.db = databases.get(client.db);
    const mark = reply.length;
    const running = this.call(entry, dialect, args, context);
    if (running) {
      return running.then(() => {
        this.#commit(entry, dialect, context, mark);
        databases.serveBlocked();
      });
    }
    this.#commit(entry, dialect, context, mark);
    databases.serveBlocked();
  }

  /**
   * Runs `entry` and counts it: calls, time, and a failure when it answered
   * an error; logs it if slow and shows it to MONITOR. A command that throws
   * has its changes (since it started) undone and its reply replaced by an
   * error. Does not commit: the caller does, once per request (EXEC runs
   * many commands and commits once).
   *
   * Which calls are timed (see {@linkcode timesCall}): a clock read costs a
   * pipelined GET about half its time in the gate, so a command Redis flags
   * `fast` is timed one call in 32 (counting 32 times its time: an unbiased
   * `usec`), every other command always, and every command once the slow
   * log is asked for anything under a millisecond. EXEC's time includes its
   * commands', as Redis's does.
   */
  call<R extends ReplyBase>(
    entry: CommandEntry<R>,
    dialect: Dialect<R>,
    args: string[],
    context: Context<R>,
  ): void | Promise<void> {
    const { reply, server, client } = context;
    const stats = entry.spec.subcommands === undefined
      ? entry.stats
      : subcommandStats(entry.spec.name, entry.spec.subcommands, args, server.commandStats);
    const mark = reply.length;
    const errors = reply.errors;
    const savepoint = server.databases.savepoint();
    const weight = timesCall(entry, server.slowlog.threshold);
    const started = weight === 0 ? 0 : performance.now();
    server.commandsProcessed++;
    stats.calls++;
    const reads = server.databases.reads;
    // No closures on the common, synchronous path: it runs per request.
    try {
      reads.counting = entry.reads;
      const running = entry.spec.run(args, context);
      reads.counting = false;
      if (running) {
        // Only a blocking command that blocked returns a promise; KEYS's slices are work.
        const waited = client.blocked !== null;
        return running.then(
          () => this.#counted(entry, stats, context, args, started, weight, errors, waited),
          (error: unknown) => {
            this.#failed(entry, dialect, context, error, mark, savepoint);
            this.#counted(entry, stats, context, args, started, weight, errors, waited);
          },
        );
      }
    } catch (error: unknown) {
      reads.counting = false;
      this.#failed(entry, dialect, context, error, mark, savepoint);
    }
    this.#counted(entry, stats, context, args, started, weight, errors, false);
  }

  /**
   * Adds a finished call's time (if timed, `weight` times it) and a failure
   * if it answered an error, logs it if slow, and shows it to the monitors.
   * A blocking command that waited counts no time: Redis counts only the
   * work, not the wait.
   */
  #counted<R extends ReplyBase>(
    entry: CommandEntry<R>,
    stats: CommandStats,
    context: Context<R>,
    args: string[],
    started: number,
    weight: number,
    errors: number,
    waited: boolean,
  ): void {
    const { client, server } = context;
    if (context.reply.errors !== errors) stats.failed++;
    if (weight !== 0 && !waited) {
      const ended = performance.now();
      client.activeAt = ended;
      const micros = (ended - started) * 1000;
      stats.usec += micros * weight;
      const slowlog = server.slowlog;
      if (micros >= slowlog.threshold && slowlog.threshold >= 0 && !entry.skipSlowlog) {
        slowlog.add(redacted(args), micros, client);
      }
    }
    if (server.monitors.size !== 0 && !entry.admin) {
      feedMonitors(server, client, entry.spec, args);
    }
  }

  /**
   * Evicts as `maxmemory` asks (for at most {@linkcode COMMAND_BUDGET_MS}),
   * and says whether the command must be refused because nothing could be:
   * one Redis flags `denyoom`, an EXEC with one queued, and anything but
   * EXEC, DISCARD, QUIT and RESET inside MULTI (queueing takes memory too).
   */
  #outOfMemory<R extends ReplyBase>(
    entry: CommandEntry<R>,
    client: ClientState<QueuedCommand>,
    context: Context<R>,
  ): boolean {
    if (context.server.evictor.evict(COMMAND_BUDGET_MS) !== "fail") return false;
    if (entry.denyOom) return true;
    const name = entry.spec.name;
    if (client.multi === null) return false;
    if (name === "EXEC") return client.multi.some((queued) => queued.entry.denyOom);
    return !RUN_IN_MULTI_WHEN_OOM.has(name);
  }

  /** Whether CLIENT PAUSE WRITE holds this request: a write, or an EXEC of queued writes. */
  #writes<R extends ReplyBase>(
    entry: CommandEntry<R>,
    client: ClientState<QueuedCommand>,
  ): boolean {
    if (entry.pausedByWrite) return true;
    if (entry.spec.name !== "EXEC" || client.multi === null) return false;
    return client.multi.some((queued) => queued.entry.pausedByWrite);
  }

  /** Undoes a command that threw, and answers an error instead of what it wrote. */
  #failed<R extends ReplyBase>(
    entry: CommandEntry<R>,
    dialect: Dialect<R>,
    context: Context<R>,
    error: unknown,
    mark: number,
    savepoint: number,
  ): void {
    context.server.databases.rollbackTo(savepoint);
    context.reply.rewind(mark);
    dialect.failed(entry.spec, error, context.reply);
  }

  /** Commits the request's changes; if the WAL refuses them, the reply becomes an error. */
  #commit<R extends ReplyBase>(
    entry: CommandEntry<R>,
    dialect: Dialect<R>,
    context: Context<R>,
    mark: number,
  ): void {
    try {
      context.server.databases.commit();
    } catch (error: unknown) {
      // The changes were undone; the reply must not claim them.
      context.reply.rewind(mark);
      entry.stats.failed++;
      dialect.failed(entry.spec, error, context.reply);
    }
  }

  #queue(
    entry: CommandEntry<Reply>,
    args: string[],
    client: ClientState<QueuedCommand>,
    reply: ReplyBase,
  ): void {
    let bytes = 0;
    for (const arg of args) bytes += arg.length;
    if (client.multiBytes + bytes > MAX_QUEUED_BYTES) {
      client.multiFailed = true;
      return reply.error(
        `ERR the transaction's queued commands would exceed ${MAX_QUEUED_BYTES} bytes`,
      );
    }
    client.multiBytes += bytes;
    client.multi!.push({ entry, args: args.slice() });
    (reply as Reply).simple("QUEUED");
  }

  /**
   * A RESP2 client with subscriptions may run only the pub/sub commands,
   * PING, QUIT and RESET; anything else is answered with Redis's refusal,
   * which names a container's subcommand too (`'pubsub|numsub'`).
   */
  #refusedWhileSubscribed<R extends ReplyBase>(
    entry: CommandEntry<R>,
    args: string[],
    context: Context<R>,
  ): boolean {
    const reply = context.reply as unknown as Reply;
    const spec = entry.spec;
    if (reply.protocol !== 2 || RUN_WHILE_SUBSCRIBED.has(spec.name)) return false;
    let name = spec.name.toLowerCase();
    if (spec.subcommands !== undefined && args.length > 1) {
      const subcommand = args[1].toUpperCase();
      // An unknown one runs, to be answered "unknown subcommand" as Redis's lookup answers it.
      if (!spec.subcommands.includes(subcommand)) return false;
      name += `|${subcommand.toLowerCase()}`;
    }
    reply.error(
      `ERR Can't execute '${name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET ` +
        "are allowed in this context",
    );
    return true;
  }

  /** Inside MULTI, a refused command makes EXEC abort (Redis's `flagTransaction`). */
  #flagTransaction(client: ClientState<QueuedCommand>): void {
    if (client.multi !== null) client.multiFailed = true;
  }
}

/**
 * The counters of a container's subcommand (`config|get`), as Redis 7
 * keeps them instead of the container's; an unknown subcommand, which
 * Redis's lookup refuses, counts in a throwaway.
 */
function subcommandStats(
  name: string,
  subcommands: readonly string[],
  args: string[],
  book: StatsBook,
): CommandStats {
  const subcommand = args.length > 1 ? args[1].toUpperCase() : "";
  if (!subcommands.includes(subcommand)) return { calls: 0, usec: 0, rejected: 0, failed: 0 };
  return statsFor(book, `${name}|${subcommand}`);
}

/** A `fast` command is timed one call in this many. */
const FAST_TIMED_ONE_IN = 32;
/** A slow-log threshold under this many µs asks for every command to be timed. */
const FINE_SLOWLOG_MICROS = 1000;

/**
 * How much one call's measured time counts for (0: the call is not timed):
 * every call of a command Redis does not flag `fast`, and of every command
 * while the slow log's threshold is under a millisecond; a `fast` one
 * (O(1): GET, INCR, …, where a millisecond would take a pause of the whole
 * process) one call in 32, at random, counting 32 times.
 */
function timesCall(entry: { readonly fast: boolean }, threshold: number): number {
  if (!entry.fast || (threshold >= 0 && threshold < FINE_SLOWLOG_MICROS)) return 1;
  return Math.random() * FAST_TIMED_ONE_IN < 1 ? FAST_TIMED_ONE_IN : 0;
}

/** Redis's texts for the gate's refusals, for RESP connections. */
export const RESP_DIALECT: Dialect<Reply> = {
  unknownCommand(args, reply) {
    let preview = "";
    for (let i = 1; i < args.length && preview.length < 128; i++) {
      preview += `'${args[i].slice(0, 128)}' `;
    }
    reply.error(
      `ERR unknown command '${args[0].slice(0, 128)}', with args beginning with: ${preview}`,
    );
  },
  wrongArity(spec, reply) {
    reply.error(`ERR wrong number of arguments for '${spec.name.toLowerCase()}' command`);
  },
  outOfMemory(_spec, reply) {
    reply.error(OOM);
  },
  loading(_spec, reply) {
    reply.error(LOADING);
  },
  refusedWrite(_spec, failure, reply) {
    reply.error(
      `MISCONF Errors writing to the WAL, so writes are refused: ${
        binaryFromText(failure.message)
      }`,
    );
  },
  failed(spec, error, reply) {
    if (error instanceof WrongTypeError) return reply.error(error.message);
    reply.error(
      `ERR ${spec.name.toLowerCase()} failed: ${binaryFromText(errorMessage(error))}`,
    );
  },
};
