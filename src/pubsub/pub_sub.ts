import { globMatch } from "../io/glob_match.ts";

/**
 * Where a subscriber's messages go: its connection's queue of pushes (see
 * `src/server/push_queue.ts`), which encodes them in the connection's
 * protocol and sends them after the replies it already owes.
 */
export interface MessageSink {
  /**
   * A message published to `channel`; `pattern` is the subscribed pattern
   * it matched, or `null` for a subscription to the channel itself.
   */
  deliver(pattern: string | null, channel: string, message: string): void;
}

/**
 * A client as the registry sees it: the channels and patterns it is
 * subscribed to (kept in its `ClientState`, in subscription order) and
 * where its messages go (`null` when nothing can carry them, as in the
 * command tests' harness: such a subscriber is counted but gets nothing).
 */
export interface Subscriber {
  readonly channels: Set<string>;
  readonly patterns: Set<string>;
  readonly sink: MessageSink | null;
}

/**
 * The server's pub/sub registry (Redis's `server.pubsub_channels` and
 * `server.pubsub_patterns`): who listens to which channel and which pattern,
 * and PUBLISH's fan-out. A message goes first to the channel's subscribers,
 * in the order they subscribed (as Redis 7.0 walks its lists), then to each
 * matching pattern's, patterns in the order they were first subscribed
 * (Redis: its hash table's order); a client subscribed both ways gets it
 * once per subscription. Names and
 * messages are binary strings; patterns match as KEYS's do.
 *
 * @example
 * ```ts
 * const pubsub = new PubSub();
 * pubsub.subscribe(client, "news"); // true: a new subscription
 * pubsub.publish("news", "hello"); // 1: delivered to client.sink
 * pubsub.unsubscribeAll(client); // on RESET or disconnect
 * ```
 */
export class PubSub {
  /** Channel → its subscribers, in subscription order; a channel with none is removed. */
  readonly #channels = new Map<string, Set<Subscriber>>();
  /** Pattern → its subscribers, likewise. */
  readonly #patterns = new Map<string, Set<Subscriber>>();

  /** Subscribes `subscriber` to `channel`; `false` if it already was. */
  subscribe(subscriber: Subscriber, channel: string): boolean {
    return add(this.#channels, subscriber.channels, subscriber, channel);
  }

  /** Unsubscribes `subscriber` from `channel`; `false` if it was not subscribed. */
  unsubscribe(subscriber: Subscriber, channel: string): boolean {
    return remove(this.#channels, subscriber.channels, subscriber, channel);
  }

  /** Subscribes `subscriber` to `pattern`; `false` if it already was. */
  psubscribe(subscriber: Subscriber, pattern: string): boolean {
    return add(this.#patterns, subscriber.patterns, subscriber, pattern);
  }

  /** Unsubscribes `subscriber` from `pattern`; `false` if it was not subscribed. */
  punsubscribe(subscriber: Subscriber, pattern: string): boolean {
    return remove(this.#patterns, subscriber.patterns, subscriber, pattern);
  }

  /** Drops every subscription of `subscriber`, silently (RESET, a closed connection). */
  unsubscribeAll(subscriber: Subscriber): void {
    for (const channel of subscriber.channels) this.unsubscribe(subscriber, channel);
    for (const pattern of subscriber.patterns) this.punsubscribe(subscriber, pattern);
  }

  /**
   * Delivers `message` to everyone subscribed to `channel` or to a pattern
   * matching it, and returns how many deliveries that made (PUBLISH's reply).
   */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const direct = this.#channels.get(channel);
    if (direct !== undefined) {
      for (const subscriber of direct) {
        subscriber.sink?.deliver(null, channel, message);
        receivers++;
      }
    }
    for (const [pattern, subscribers] of this.#patterns) {
      if (!globMatch(pattern, channel)) continue;
      for (const subscriber of subscribers) {
        subscriber.sink?.deliver(pattern, channel, message);
        receivers++;
      }
    }
    return receivers;
  }

  /** The channels with at least one subscriber, those matching `pattern` if given (PUBSUB CHANNELS). */
  channels(pattern: string | null): string[] {
    const names: string[] = [];
    for (const channel of this.#channels.keys()) {
      if (pattern === null || globMatch(pattern, channel)) names.push(channel);
    }
    return names;
  }

  /** How many clients are subscribed to `channel` itself, patterns aside (PUBSUB NUMSUB). */
  subscriberCount(channel: string): number {
    return this.#channels.get(channel)?.size ?? 0;
  }

  /** Channels with at least one subscriber (INFO's `pubsub_channels`). */
  get channelCount(): number {
    return this.#channels.size;
  }

  /** Distinct patterns with at least one subscriber (PUBSUB NUMPAT, INFO's `pubsub_patterns`). */
  get patternCount(): number {
    return this.#patterns.size;
  }
}

function add(
  registry: Map<string, Set<Subscriber>>,
  own: Set<string>,
  subscriber: Subscriber,
  name: string,
): boolean {
  if (own.has(name)) return false;
  own.add(name);
  let subscribers = registry.get(name);
  if (subscribers === undefined) {
    subscribers = new Set();
    registry.set(name, subscribers);
  }
  subscribers.add(subscriber);
  return true;
}

function remove(
  registry: Map<string, Set<Subscriber>>,
  own: Set<string>,
  subscriber: Subscriber,
  name: string,
): boolean {
  if (!own.delete(name)) return false;
  const subscribers = registry.get(name);
  if (subscribers !== undefined) {
    subscribers.delete(subscriber);
    if (subscribers.size === 0) registry.delete(name);
  }
  return true;
}
