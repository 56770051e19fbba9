import type { Db, Watcher } from "../db/db.ts";
import type { MessageSink, Subscriber } from "../pubsub/pub_sub.ts";

/** Where a RESP client's out-of-band output goes: pub/sub messages and MONITOR lines. */
export interface PushSink extends MessageSink {
  /** One MONITOR line, sent as a simple string after the replies the client is owed. */
  line(text: string): void;
}

/** A key this client WATCHes, and whether it existed then (a key that expires since aborts EXEC). */
export interface WatchedKey {
  readonly db: Db;
  readonly key: string;
  readonly existed: boolean;
}

/**
 * What a connection's read and reply buffers hold right now, for CLIENT
 * LIST's `qbuf`, `rbs`, `omem` and kin. The protocol session reports them.
 */
export interface ClientBuffers {
  /** Bytes read and not yet run (Redis's `qbuf`). */
  readonly queryBytes: number;
  /** Room left in the read buffer (`qbuf-free`). */
  readonly queryFree: number;
  /** The read buffer's size (`rbs`). */
  readonly readBufferBytes: number;
  /** The most the read buffer has held at once (`rbp`). */
  readonly readBufferPeak: number;
  /** Replies built and not yet handed to the socket (`obl`). */
  readonly heldBytes: number;
  /** Every reply byte not yet written: held, and in flight (`omem`). */
  readonly unsentBytes: number;
  /** Whether a write is in flight (`events=rw`). */
  readonly writing: boolean;
}

/** A command as CLIENT LIST's `cmd` names it: its name, and the subcommand if a container. */
export interface LastCommand {
  readonly name: string;
  readonly subcommands?: readonly string[];
}

/**
 * What the server knows about one connected client: identity for CLIENT and
 * INFO, and the per-connection state commands change (name, database,
 * protocol, authentication, transaction, pub/sub subscriptions, QUIT).
 * `Queued` is what MULTI
 * queues (the command core's `QueuedCommand`), so this knows no commands.
 *
 * @example
 * ```ts
 * const client = new ClientState(7, "127.0.0.1:50412", true);
 * client.name = "worker-1"; // CLIENT SETNAME worker-1
 * ```
 */
export class ClientState<Queued = unknown> implements Watcher, Subscriber {
  /** Unique per server run, from 1, as Redis's client id. */
  readonly id: number;
  /** `ip:port` of the peer. */
  readonly address: string;
  /** When the connection was accepted, in ms since the epoch. */
  readonly connectedAt = Date.now();
  /** Set by CLIENT SETNAME; empty when unnamed. */
  name = "";
  /** Set by QUIT: close once the replies so far are written. */
  closing = false;
  /** Whether commands other than AUTH/HELLO/QUIT may run (true when no password is set). */
  authenticated: boolean;
  /** The selected database (SELECT). */
  db = 0;
  /** The commands queued since MULTI, or `null` outside a transaction. */
  multi: Queued[] | null = null;
  /** Bytes of the queued commands' fields. */
  multiBytes = 0;
  /** A command was refused while queueing: EXEC must abort. */
  multiFailed = false;
  /** Set when a watched key is changed: EXEC must answer null. */
  dirty = false;
  /** The keys WATCHed since the last EXEC, DISCARD or UNWATCH. */
  watched: WatchedKey[] = [];
  /** While a blocking command waits: how to give it up (the client went away). */
  blocked: { cancel(): void } | null = null;
  /** The channels SUBSCRIBEd to, in subscription order (the `PubSub` registry mirrors them). */
  readonly channels = new Set<string>();
  /** The patterns PSUBSCRIBEd to, in subscription order. */
  readonly patterns = new Set<string>();
  /** Where published messages for this client go; set by a RESP session, `null` elsewhere. */
  sink: PushSink | null = null;
  /** The local `ip:port` the client connected to (CLIENT LIST's `laddr`). */
  localAddress = "";
  /** 0 on the seed's text protocol; else the RESP version (2, or 3 after `HELLO 3`). */
  protocol: 0 | 2 | 3 = 2;
  /**
   * When bytes last moved or a timed command last finished, as
   * `performance.now()`: CLIENT LIST's `idle` and the idle timeout.
   */
  activeAt = performance.now();
  /** The last command looked up (CLIENT LIST's `cmd`); `null` before any, or after an unknown one. */
  lastCommand: LastCommand | null = null;
  /** The subcommand as sent, when `lastCommand` is a container. */
  lastSubcommand = "";
  /** Set by MONITOR: every command run is sent to this client. */
  monitoring = false;
  /** Set by CLIENT NO-EVICT ON (walkv evicts no client; it is reported). */
  noEvict = false;
  /** Closes the connection now (CLIENT KILL); set by the connection. */
  kill: () => void = () => {};
  /** What its buffers hold; set by the protocol session. */
  buffers: (() => ClientBuffers) | null = null;

  constructor(id: number, address: string, authenticated: boolean) {
    this.id = id;
    this.address = address;
    this.authenticated = authenticated;
  }

  /**
   * Channels plus patterns subscribed to: what (P)SUBSCRIBE replies count,
   * and while it is not 0 a RESP2 connection is in Redis's subscribed mode.
   */
  get subscriptions(): number {
    return this.channels.size + this.patterns.size;
  }

  /** Forgets every watch (EXEC, DISCARD, UNWATCH, disconnect). */
  unwatchAll(): void {
    for (const { db, key } of this.watched) db.unwatch(key, this);
    this.watched = [];
    this.dirty = false;
  }

  /** Leaves the transaction, if any, and forgets its watches. */
  endTransaction(): void {
    this.multi = null;
    this.multiBytes = 0;
    this.multiFailed = false;
    this.unwatchAll();
  }
}
