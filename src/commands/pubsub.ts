/**
 * SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, PUBLISH and PUBSUB, as
 * Redis 7.0 has them. Subscriptions live in the client's `ClientState` and
 * in the server's `PubSub` registry; PUBLISH hands each message to the
 * subscribers' connections, which send it after the replies they already
 * owe. Confirmations are one push per channel (an array in RESP2):
 * `subscribe <channel> <count>`, where the count is the client's channels
 * plus patterns. While it is not 0 a RESP2 client may run only what the gate
 * allows in subscribed mode; RESP3 has no such mode.
 *
 * @module
 */
import type { Context } from "./command_spec.ts";
import type { Reply } from "./reply.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * `SUBSCRIBE channel [channel ...]` → one `subscribe` confirmation per
 * channel, a repeated one included (its count unchanged).
 *
 * @example
 * ```ts
 * subscribe(["SUBSCRIBE", "a", "b"], context);
 * // *3 $9 subscribe $1 a :1   *3 $9 subscribe $1 b :2   (RESP3: >3 …)
 * ```
 */
export function subscribe(args: string[], { reply, client, server }: Context): void {
  for (let i = 1; i < args.length; i++) {
    server.pubsub.subscribe(client, args[i]);
    confirm(reply, "subscribe", args[i], client.subscriptions);
  }
}

/**
 * `UNSUBSCRIBE [channel ...]` → one `unsubscribe` confirmation per channel
 * named (subscribed or not); without names, one per channel subscribed to,
 * in subscription order, or a single one with a null channel and count 0
 * when there are none.
 *
 * @example
 * ```ts
 * unsubscribe(["UNSUBSCRIBE"], context); // *3 $11 unsubscribe $-1 :0 when subscribed to nothing
 * ```
 */
export function unsubscribe(args: string[], { reply, client, server }: Context): void {
  const channels = args.length > 1 ? args.slice(1) : [...client.channels];
  if (channels.length === 0) return confirm(reply, "unsubscribe", null, client.subscriptions);
  for (const channel of channels) {
    server.pubsub.unsubscribe(client, channel);
    confirm(reply, "unsubscribe", channel, client.subscriptions);
  }
}

/**
 * `PSUBSCRIBE pattern [pattern ...]` → one `psubscribe` confirmation per
 * pattern; a message to a matching channel arrives as a `pmessage` naming
 * the pattern.
 *
 * @example
 * ```ts
 * psubscribe(["PSUBSCRIBE", "news.*"], context); // *3 $10 psubscribe $6 news.* :1
 * ```
 */
export function psubscribe(args: string[], { reply, client, server }: Context): void {
  for (let i = 1; i < args.length; i++) {
    server.pubsub.psubscribe(client, args[i]);
    confirm(reply, "psubscribe", args[i], client.subscriptions);
  }
}

/**
 * `PUNSUBSCRIBE [pattern ...]` → as UNSUBSCRIBE, for patterns.
 *
 * @example
 * ```ts
 * punsubscribe(["PUNSUBSCRIBE", "news.*"], context); // *3 $12 punsubscribe $6 news.* :0
 * ```
 */
export function punsubscribe(args: string[], { reply, client, server }: Context): void {
  const patterns = args.length > 1 ? args.slice(1) : [...client.patterns];
  if (patterns.length === 0) return confirm(reply, "punsubscribe", null, client.subscriptions);
  for (const pattern of patterns) {
    server.pubsub.punsubscribe(client, pattern);
    confirm(reply, "punsubscribe", pattern, client.subscriptions);
  }
}

/**
 * `PUBLISH channel message` → how many subscriptions received it (a client
 * subscribed to the channel and to a matching pattern counts twice).
 *
 * @example
 * ```ts
 * publish(["PUBLISH", "news", "hi"], context); // ":1\r\n"
 * ```
 */
export function publish(args: string[], { reply, server }: Context): void {
  reply.integer(server.pubsub.publish(args[1], args[2]));
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  CHANNELS: {
    arity: -2,
    run(args, { reply, server }) {
      if (args.length > 3) return reply.error(subcommandSyntaxError(args));
      const channels = server.pubsub.channels(args.length === 3 ? args[2] : null);
      reply.array(channels.length);
      for (const channel of channels) reply.bulk(channel);
    },
  },
  NUMSUB: {
    arity: -2,
    run(args, { reply, server }) {
      reply.array((args.length - 2) * 2);
      for (let i = 2; i < args.length; i++) {
        reply.bulk(args[i]);
        reply.integer(server.pubsub.subscriberCount(args[i]));
      }
    },
  },
  NUMPAT: {
    arity: 2,
    run(_args, { reply, server }) {
      reply.integer(server.pubsub.patternCount);
    },
  },
  HELP: helpSubcommand("PUBSUB", [
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
  ]),
};

/** The subcommands of PUBSUB, for the registry. */
export const PUBSUB_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);

/**
 * `PUBSUB CHANNELS [pattern] | NUMSUB [channel ...] | NUMPAT | HELP`: the
 * channels with subscribers (in walkv's order, which is not Redis's hash
 * order), each channel's subscriber count, and the number of distinct
 * patterns subscribed to.
 *
 * @example
 * ```ts
 * pubsub(["PUBSUB", "NUMSUB", "news"], context); // *2 $4 news :1
 * ```
 */
export function pubsub(args: string[], context: Context): void {
  runSubcommand("PUBSUB", SUBCOMMANDS, args, context);
}

/** One (un)subscribe confirmation: `kind`, the channel or pattern (null: none), the count. */
function confirm(reply: Reply, kind: string, name: string | null, count: number): void {
  reply.push(3);
  reply.bulk(kind);
  if (name === null) reply.nullBulk();
  else reply.bulk(name);
  reply.integer(count);
}

/** Redis's `addReplySubcommandSyntaxError`: a known subcommand given too many arguments. */
function subcommandSyntaxError(args: string[]): string {
  return `ERR unknown subcommand or wrong number of arguments for '${args[1].slice(0, 128)}'. ` +
    `Try ${args[0].toUpperCase()} HELP.`;
}
