/**
 * walkv's client library: import it from any Deno program, by path or URL,
 * with no import map and no configuration of your own.
 *
 * - {@linkcode WalkvClient}: RESP2 (or RESP3 with `protocol: 3`), typed
 *   helpers for the common commands and `send` for any command, pipelines,
 *   MULTI/EXEC with WATCH, pub/sub, AUTH, connect and command timeouts, and
 *   reconnecting after the server restarts. It works against Redis too.
 * - {@linkcode TextClient}: walkv's text protocol, the one `nc` speaks.
 *
 * @example
 * ```ts
 * import { WalkvClient } from "file:///path/to/walkv/src/client/mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * await client.set("greeting", "hello");
 * console.log(await client.get("greeting")); // hello
 * ```
 * @module
 */

export type { Argument, Reply } from "./reply.ts";
export type { ClientOptions, ReconnectOptions } from "./client_options.ts";
export {
  type CallOptions,
  Commands,
  type Decode,
  type ScoredMember,
  type SetOptions,
} from "./commands.ts";
export type { BatchSender, CommandBatch, Queued, QueuedCall } from "./command_batch.ts";
export { ConnectionLostError } from "./connection_lost_error.ts";
export { Pipeline } from "./pipeline.ts";
export { type MessageListener, type PubSubMessage, Subscription } from "./subscription.ts";
export { TextClient, type TextClientOptions } from "./text_client.ts";
export { Transaction } from "./transaction.ts";
export { WalkvClient } from "./walkv_client.ts";
export { WalkvError } from "./walkv_error.ts";
