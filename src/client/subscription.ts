import type { ClientSettings } from "./client_options.ts";
import { ConnectionLostError } from "./connection_lost_error.ts";
import { reconnect } from "./reconnect.ts";
import type { Reply } from "./reply.ts";
import { RespConnection } from "./resp_connection.ts";
import { WalkvError } from "./walkv_error.ts";

/**
 * One message received by a {@linkcode Subscription}: published on
 * `channel`, matched by `pattern` when it came through PSUBSCRIBE.
 *
 * @example
 * ```ts
 * import type { PubSubMessage } from "./mod.ts";
 *
 * const message: PubSubMessage = { channel: "news", message: "hello" };
 * ```
 */
export interface PubSubMessage {
  /** The channel it was published on. */
  channel: string;
  /** What was published, as UTF-8 text. */
  message: string;
  /** The PSUBSCRIBE pattern that matched; absent for a SUBSCRIBE channel. */
  pattern?: string;
}

/**
 * Called with each message, in order; what it throws is reported as an
 * uncaught error.
 *
 * @example
 * ```ts
 * import type { MessageListener } from "./mod.ts";
 *
 * const log: MessageListener = ({ channel, message }) => console.log(channel, message);
 * ```
 */
export type MessageListener = (message: PubSubMessage) => void;

type Kind = "subscribe" | "unsubscribe" | "psubscribe" | "punsubscribe";

/** A (P)(UN)SUBSCRIBE sent and waiting for its confirmations, one per name. */
interface Operation {
  kind: Kind;
  /** Confirmations still to come; null for "every name" until the first one. */
  remaining: number | null;
  resolve(): void;
  reject(error: unknown): void;
}

const ignore = () => {};

/**
 * A connection of its own in subscribed mode (Redis allows nothing but
 * (P)(UN)SUBSCRIBE on it in RESP2), made by {@linkcode WalkvClient.subscribe}
 * and {@linkcode WalkvClient.psubscribe}. Messages go to the listener given
 * there, or else wait for the async iterator; up to `maxPendingMessages`
 * wait, one more ends the subscription with a `RangeError`.
 *
 * After a lost connection it reconnects under the client's retry policy and
 * subscribes again to every channel and pattern; messages published while
 * it was away are lost, as Redis pub/sub never keeps them. When it cannot
 * reconnect it ends: the iterator throws the {@linkcode ConnectionLostError}
 * and `closed` resolves with it. Leaving a `for await` loop closes it.
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * await using news = await client.subscribe("news");
 * await client.publish("news", "hello");
 * for await (const { channel, message } of news) {
 *   console.log(channel, message); // news hello
 *   break; // closes the subscription
 * }
 * ```
 */
export class Subscription implements AsyncIterable<PubSubMessage>, AsyncDisposable {
  readonly #settings: ClientSettings;
  readonly #listener: MessageListener | null;
  #connection: RespConnection;
  readonly #channels = new Set<string>();
  readonly #patterns = new Set<string>();
  #operations: Operation[] = [];
  #messages: PubSubMessage[] = [];
  #reader: PromiseWithResolvers<IteratorResult<PubSubMessage>> | null = null;
  /** undefined while live; then null when closed, or the error that ended it. */
  #end: Error | null | undefined = undefined;
  #endThrown = false;
  readonly #closed = Promise.withResolvers<Error | undefined>();
  readonly #abort = new AbortController();
  #reconnecting: Promise<void> | null = null;

  private constructor(
    settings: ClientSettings,
    connection: RespConnection,
    listener: MessageListener | null,
  ) {
    this.#settings = settings;
    this.#listener = listener;
    this.#connection = connection;
    this.#use(connection);
  }

  /** Opens the subscription's connection; {@linkcode WalkvClient.subscribe} calls it. @internal */
  static async open(
    settings: ClientSettings,
    listener: MessageListener | null,
  ): Promise<Subscription> {
    return new Subscription(settings, await RespConnection.open(settings), listener);
  }

  /** The channels subscribed to, as the server last confirmed. */
  get channels(): string[] {
    return [...this.#channels];
  }

  /** The patterns subscribed to, as the server last confirmed. */
  get patterns(): string[] {
    return [...this.#patterns];
  }

  /**
   * Resolves once the subscription has ended: with nothing after `close`,
   * with the error when it ended by itself (it could not reconnect, or too
   * many messages waited).
   */
  get closed(): Promise<Error | undefined> {
    return this.#closed.promise;
  }

  /** SUBSCRIBE: resolves once the server confirmed every channel. */
  subscribe(...channels: string[]): Promise<void> {
    return this.#request("subscribe", channels, true);
  }

  /** PSUBSCRIBE: resolves once the server confirmed every glob pattern. */
  psubscribe(...patterns: string[]): Promise<void> {
    return this.#request("psubscribe", patterns, true);
  }

  /** UNSUBSCRIBE from `channels`, or from every channel when none is named. */
  unsubscribe(...channels: string[]): Promise<void> {
    return this.#request("unsubscribe", channels, false);
  }

  /** PUNSUBSCRIBE from `patterns`, or from every pattern when none is named. */
  punsubscribe(...patterns: string[]): Promise<void> {
    return this.#request("punsubscribe", patterns, false);
  }

  /**
   * The messages, in order, for a `for await` loop; one reader at a time.
   * It ends when the subscription is closed (and closes it when the loop is
   * left early).
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<PubSubMessage> {
    const iterator: AsyncIterableIterator<PubSubMessage> = {
      next: () => this.#next(),
      return: async () => {
        await this.close();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Closes the subscription's connection; the iterator ends. Closing twice is fine. */
  async close(): Promise<void> {
    this.#finish(null);
    await this.#reconnecting;
    await this.#connection.close();
  }

  /** The same as {@linkcode close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  async #request(kind: Kind, names: string[], needsNames: boolean): Promise<void> {
    if (needsNames && names.length === 0) {
      throw new TypeError(`${kind.toUpperCase()} needs at least one name, found none`);
    }
    if (this.#reconnecting !== null) await this.#reconnecting;
    if (this.#end !== undefined) {
      throw this.#end ?? new ConnectionLostError("The subscription is closed");
    }
    const { promise, resolve, reject } = Promise.withResolvers<void>();
    this.#send(kind, names, resolve, reject);
    return promise;
  }

  #send(kind: Kind, names: string[], resolve: () => void, reject: (error: unknown) => void): void {
    this.#operations.push({ kind, remaining: names.length || null, resolve, reject });
    this.#connection.sendUnanswered([[kind.toUpperCase(), ...names]]);
  }

  #use(connection: RespConnection): void {
    this.#connection = connection;
    connection.takeFrames((reply) => this.#frame(reply));
    connection.ended.then((reason) => this.#lost(connection, reason));
  }

  #frame(reply: Reply): void {
    if (this.#end !== undefined) return;
    if (reply instanceof WalkvError) {
      this.#operations.shift()?.reject(reply);
      return;
    }
    if (!Array.isArray(reply) || typeof reply[0] !== "string") return;
    const kind = reply[0].toLowerCase();
    if (kind === "message" && reply.length === 3) {
      this.#deliver({ channel: String(reply[1]), message: String(reply[2]) });
    } else if (kind === "pmessage" && reply.length === 4) {
      this.#deliver({
        pattern: String(reply[1]),
        channel: String(reply[2]),
        message: String(reply[3]),
      });
    } else if (
      kind === "subscribe" || kind === "unsubscribe" || kind === "psubscribe" ||
      kind === "punsubscribe"
    ) {
      this.#confirm(kind, typeof reply[1] === "string" ? reply[1] : null);
    }
  }

  /** One confirmation: the name joins or leaves its set, and counts for the oldest operation. */
  #confirm(kind: Kind, name: string | null): void {
    const names = kind === "subscribe" || kind === "unsubscribe" ? this.#channels : this.#patterns;
    const operation = this.#operations[0];
    const counts = operation !== undefined && operation.kind === kind;
    // "Every name" is answered once per name subscribed when it runs (once if none).
    if (counts && operation.remaining === null) operation.remaining = Math.max(1, names.size);
    if (name !== null) {
      if (kind === "subscribe" || kind === "psubscribe") names.add(name);
      else names.delete(name);
    }
    if (!counts || --operation.remaining! > 0) return;
    this.#operations.shift();
    operation.resolve();
  }

  #deliver(message: PubSubMessage): void {
    if (this.#listener !== null) {
      try {
        this.#listener(message);
      } catch (error: unknown) {
        reportError(error);
      }
      return;
    }
    if (this.#reader !== null) {
      const reader = this.#reader;
      this.#reader = null;
      reader.resolve({ value: message, done: false });
      return;
    }
    const limit = this.#settings.maxPendingMessages;
    if (this.#messages.length >= limit) {
      this.#finish(
        new RangeError(`More than ${limit} messages waited to be read, so the subscription ended`),
      );
      this.#connection.close();
      return;
    }
    this.#messages.push(message);
  }

  #next(): Promise<IteratorResult<PubSubMessage>> {
    const message = this.#messages.shift();
    if (message !== undefined) return Promise.resolve({ value: message, done: false });
    if (this.#end !== undefined) {
      if (this.#end === null || this.#endThrown) {
        return Promise.resolve({ value: undefined, done: true });
      }
      this.#endThrown = true;
      return Promise.reject(this.#end);
    }
    if (this.#reader !== null) {
      return Promise.reject(new TypeError("A subscription has one reader at a time"));
    }
    this.#reader = Promise.withResolvers();
    return this.#reader.promise;
  }

  /** The connection ended: operations waiting fail; unless closed, reconnect and subscribe again. */
  #lost(connection: RespConnection, reason: ConnectionLostError): void {
    if (connection !== this.#connection) return;
    const operations = this.#operations;
    this.#operations = [];
    for (const operation of operations) operation.reject(reason);
    if (this.#end !== undefined) return;
    if (this.#settings.reconnect === false) return this.#finish(reason);
    const policy = this.#settings.reconnect;
    this.#reconnecting = (async () => {
      try {
        const fresh = await reconnect(this.#settings, policy, this.#abort.signal);
        if (this.#end !== undefined) return void await fresh.close();
        this.#use(fresh);
        if (this.#channels.size > 0) this.#send("subscribe", [...this.#channels], ignore, ignore);
        if (this.#patterns.size > 0) this.#send("psubscribe", [...this.#patterns], ignore, ignore);
      } catch (error: unknown) {
        this.#finish(error instanceof Error ? error : new Error(String(error)));
      } finally {
        this.#reconnecting = null;
      }
    })();
  }

  /** Ends the subscription once: with null when closed, or with the error that ended it. */
  #finish(end: Error | null): void {
    if (this.#end !== undefined) return;
    this.#end = end;
    this.#abort.abort();
    const operations = this.#operations;
    this.#operations = [];
    const closed = end ?? new ConnectionLostError("The subscription was closed");
    for (const operation of operations) operation.reject(closed);
    const reader = this.#reader;
    this.#reader = null;
    if (reader !== null) {
      if (end === null) {
        reader.resolve({ value: undefined, done: true });
      } else {
        this.#endThrown = true;
        reader.reject(end);
      }
    }
    this.#closed.resolve(end ?? undefined);
  }
}
