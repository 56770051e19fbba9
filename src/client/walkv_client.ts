import {
  type ClientOptions,
  type ClientSettings,
  clientSettings,
  MAX_TIMER,
} from "./client_options.ts";
import { type CallOptions, Commands, type Decode } from "./commands.ts";
import { ConnectionLostError } from "./connection_lost_error.ts";
import type { QueuedCall } from "./command_batch.ts";
import { Pipeline } from "./pipeline.ts";
import { reconnect } from "./reconnect.ts";
import type { Argument, Reply } from "./reply.ts";
import { type Request, RespConnection } from "./resp_connection.ts";
import { type MessageListener, Subscription } from "./subscription.ts";
import { Transaction } from "./transaction.ts";
import { WalkvError } from "./walkv_error.ts";

/**
 * A client for walkv (and Redis) over RESP: typed helpers for the everyday
 * commands (see {@linkcode Commands}) and `send` for every other one,
 * pipelines, MULTI/EXEC with WATCH, pub/sub, AUTH, timeouts and reconnects.
 *
 * Calls may be made concurrently: they are sent in call order (everything
 * called in the same tick in one write) and each gets its own reply. Values
 * go out as UTF-8 strings or raw `Uint8Array`s and come back as strings, or
 * as bytes from `getBytes` and `sendBinary`.
 *
 * When the connection is lost, every command waiting for a reply is rejected
 * with a {@linkcode ConnectionLostError}: it may or may not have run, so it is
 * not sent again, except by the read-only helpers (`get`, `hgetall`, …),
 * which are safe to repeat and retry once. The next command reconnects under
 * the bounded retry policy of {@linkcode ClientOptions.reconnect}, and the
 * new connection is set up as the first was (AUTH, HELLO, SELECT, name).
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242, commandTimeout: 5_000 });
 * await client.set("greeting", "hello", { ex: 60 });
 * await client.get("greeting"); // "hello"
 * await client.incr("visits"); // 1
 * await client.rpush("queue", "a", "b"); // 2
 * await client.brpop("queue", 1); // ["queue", "b"]
 * await client.send("OBJECT", "ENCODING", "queue"); // "listpack"
 * ```
 */
export class WalkvClient extends Commands implements AsyncDisposable {
  readonly #settings: ClientSettings;
  #connection: RespConnection;
  #connecting: Promise<RespConnection> | null = null;
  /** Counts connections, so a WATCH knows whether its connection is still the one in use. */
  #generation = 0;
  /** The generation WATCH was sent on, until EXEC, DISCARD or UNWATCH. */
  #watching: number | null = null;
  #closed = false;
  readonly #abort = new AbortController();
  readonly #subscriptions = new Set<Subscription>();

  private constructor(settings: ClientSettings, connection: RespConnection) {
    super();
    this.#settings = settings;
    this.#connection = connection;
  }

  /**
   * Connects and handshakes as `options` say; rejects with the error if that
   * fails (the retry policy is for reconnecting, not for a first connect).
   *
   * @example
   * ```ts
   * const client = await WalkvClient.connect({ port: 4242, password: "s3cret", db: 1 });
   * ```
   */
  static async connect(options: ClientOptions = {}): Promise<WalkvClient> {
    const settings = clientSettings(options);
    return new WalkvClient(settings, await RespConnection.open(settings));
  }

  /** Whether a connection is open now (the next command would otherwise reconnect). */
  get isConnected(): boolean {
    return !this.#closed && this.#connection.isOpen;
  }

  /** Sends one command at once. @internal */
  protected call<T>(
    args: readonly Argument[],
    decode: Decode<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return this.#single(args, options).then((reply) => {
      if (reply instanceof WalkvError) throw reply;
      return decode(reply);
    });
  }

  /**
   * A {@linkcode Pipeline}: commands collected, sent in one write by `exec`.
   *
   * @example
   * ```ts
   * const pipeline = client.pipeline();
   * for (let i = 0; i < 100; i++) pipeline.set(`key:${i}`, i);
   * await pipeline.exec(); // [true, true, …]
   * ```
   */
  pipeline(): Pipeline {
    return new Pipeline((calls) => this.#batch(calls));
  }

  /**
   * A {@linkcode Transaction}: commands collected, sent as MULTI … EXEC by
   * `exec`, guarded by the keys given to {@linkcode watch} before.
   *
   * @example
   * ```ts
   * const transaction = client.multi();
   * transaction.incr("a");
   * transaction.incr("b");
   * await transaction.exec(); // [1, 1]
   * ```
   */
  multi(): Transaction {
    return new Transaction((calls) => {
      const watching = this.#watching;
      this.#watching = null; // EXEC ends the watch whatever happens
      if (watching !== null && (watching !== this.#generation || !this.#connection.isOpen)) {
        return Promise.reject(
          new ConnectionLostError(
            "The connection was lost after WATCH, and the watch with it, so the transaction " +
              "was not sent",
          ),
        );
      }
      return this.#batch(calls);
    });
  }

  /**
   * WATCH: the next {@linkcode multi}'s `exec` runs nothing (resolves `null`)
   * if any of `keys` changes first. A lost connection loses the watch; that
   * `exec` then rejects instead of running unguarded.
   */
  async watch(...keys: Argument[]): Promise<void> {
    const connection = await this.#connected();
    const generation = this.#generation;
    const reply = await connection.send([this.#request(["WATCH", ...keys], {})])[0];
    if (reply instanceof WalkvError) throw reply;
    this.#watching = generation;
  }

  /** UNWATCH: forgets the keys given to {@linkcode watch}. */
  async unwatch(): Promise<void> {
    this.#watching = null;
    const reply = await this.#single(["UNWATCH"], {});
    if (reply instanceof WalkvError) throw reply;
  }

  /**
   * SELECT: commands from now on use database `db`, and so does every
   * connection made after a loss (use this, not `send("SELECT", …)`).
   */
  async select(db: number): Promise<void> {
    const reply = await this.#single(["SELECT", db], {});
    if (reply instanceof WalkvError) throw reply;
    this.#settings.db = db;
  }

  /**
   * SUBSCRIBE on a connection of its own: a {@linkcode Subscription}
   * delivering messages to `listener`, or to its async iterator when there is
   * none. Closed with the client.
   *
   * @example
   * ```ts
   * const seen: string[] = [];
   * await using alerts = await client.subscribe(["alerts"], ({ message }) => seen.push(message));
   * await client.publish("alerts", "disk full"); // 1
   * ```
   */
  subscribe(
    channels: string | readonly string[],
    listener?: MessageListener,
  ): Promise<Subscription> {
    return this.#subscription(
      (subscription, names) => subscription.subscribe(...names),
      channels,
      listener,
    );
  }

  /** PSUBSCRIBE on a connection of its own: as {@linkcode subscribe}, for glob patterns. */
  psubscribe(
    patterns: string | readonly string[],
    listener?: MessageListener,
  ): Promise<Subscription> {
    return this.#subscription(
      (subscription, names) => subscription.psubscribe(...names),
      patterns,
      listener,
    );
  }

  /**
   * Closes the connection and every subscription made from this client;
   * commands still waiting are rejected. Closing twice is fine.
   */
  async close(): Promise<void> {
    this.#closed = true;
    this.#abort.abort();
    const subscriptions = [...this.#subscriptions].map((subscription) => subscription.close());
    await this.#connecting?.catch(() => {});
    await this.#connection.close();
    await Promise.all(subscriptions);
  }

  /** The same as {@linkcode close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #subscription(
    start: (subscription: Subscription, names: string[]) => Promise<void>,
    names: string | readonly string[],
    listener: MessageListener | undefined,
  ): Promise<Subscription> {
    if (this.#closed) throw new ConnectionLostError("The client is closed");
    const subscription = await Subscription.open(this.#settings, listener ?? null);
    this.#subscriptions.add(subscription);
    subscription.closed.then(() => this.#subscriptions.delete(subscription));
    try {
      await start(subscription, typeof names === "string" ? [names] : [...names]);
    } catch (error: unknown) {
      await subscription.close();
      throw error;
    }
    return subscription;
  }

  /** One command, on the open connection or a new one; read-only ones retry once after a loss. */
  #single(args: readonly Argument[], options: CallOptions): Promise<Reply> {
    let request: Request;
    try {
      request = this.#request(args, options);
      if (this.#connection.isOpen && !this.#closed) {
        const reply = this.#connection.send([request])[0];
        return options.readOnly ? reply.catch((error) => this.#retry(error, request)) : reply;
      }
    } catch (error: unknown) {
      return Promise.reject(error);
    }
    return this.#connected().then((connection) => {
      const reply = connection.send([request])[0];
      return options.readOnly ? reply.catch((error) => this.#retry(error, request)) : reply;
    });
  }

  #retry(error: unknown, request: Request): Promise<Reply> {
    if (!(error instanceof ConnectionLostError) || this.#closed) throw error;
    return this.#connected().then((connection) => connection.send([request])[0]);
  }

  /** Calls collected by a pipeline or a transaction, in one write. */
  async #batch(calls: readonly QueuedCall[]): Promise<Promise<Reply>[]> {
    const requests = calls.map((call) => this.#request(call.args, call.options));
    const connection = await this.#connected();
    return connection.send(requests);
  }

  #request(args: readonly Argument[], options: CallOptions): Request {
    const { commandTimeout } = this.#settings;
    let timeout = commandTimeout;
    if (options.block !== undefined && commandTimeout > 0) {
      timeout = options.block > 0
        ? Math.min(commandTimeout + Math.ceil(options.block * 1000), MAX_TIMER)
        : 0;
    }
    return { args, binary: options.binary ?? false, timeout };
  }

  /** The open connection, or a new one made under the retry policy (one attempt at a time). */
  #connected(): Promise<RespConnection> {
    if (this.#closed) return Promise.reject(new ConnectionLostError("The client is closed"));
    if (this.#connection.isOpen) return Promise.resolve(this.#connection);
    const policy = this.#settings.reconnect;
    if (policy === false) {
      return this.#connection.ended.then((lost) => {
        throw new ConnectionLostError(`${lost.message}, and reconnect is off`, { cause: lost });
      });
    }
    this.#connecting ??= reconnect(this.#settings, policy, this.#abort.signal).then(
      async (connection) => {
        this.#connecting = null;
        if (this.#closed) {
          await connection.close();
          throw new ConnectionLostError("The client is closed");
        }
        this.#connection = connection;
        this.#generation++;
        return connection;
      },
      (error: unknown) => {
        this.#connecting = null;
        throw error;
      },
    );
    return this.#connecting;
  }
}
