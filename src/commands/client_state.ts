import type { Db, Watcher } from "../db/db.ts";
import type { MessageSink, Subscriber } from "../pubsub/pub_sub.ts";

/** A key this client WATCHes, and whether it existed then (a key that expires since aborts EXEC). */
export interface WatchedKey {
  readonly db: Db;
  readonly key: string;
  readonly existed: boolean;
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
  sink: MessageSink | null = null;

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
