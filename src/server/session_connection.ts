import type { CommandGate } from "../commands/gate.ts";
import type { ClientState } from "../commands/client_state.ts";
import type { CommandRegistry, QueuedCommand } from "../commands/command_spec.ts";
import type { Reply, TextReply } from "../commands/reply.ts";
import type { ServerState } from "../commands/server_state.ts";

/** What every connection is served with. */
export interface ConnectionOptions {
  /** Server-wide state: config, databases, counters. */
  server: ServerState;
  /** The one path every command of either protocol takes. */
  gate: CommandGate;
  /** The RESP commands. */
  resp: CommandRegistry<Reply>;
  /** The seed's text-protocol commands. */
  text: CommandRegistry<TextReply>;
  /** The longest text-protocol line accepted, in bytes; a longer one closes the connection. */
  maxLineBytes: number;
  /** The largest RESP bulk string accepted, in bytes; a larger one closes the connection. */
  maxBulkBytes: number;
}

/**
 * What a protocol session (`serveText`, `serveResp`) uses of its
 * connection: reads, writes, whether to stop, and what it is served with.
 * The `Connection` picks the session, so the sessions see it only through
 * this, and nothing imports in a circle.
 *
 * @example
 * ```ts
 * async function serveEcho(connection: SessionConnection, buffer: Uint8Array) {
 *   for (let n = await connection.read(buffer); n !== null; n = await connection.read(buffer)) {
 *     await connection.write(buffer.subarray(0, n));
 *   }
 * }
 * ```
 */
export interface SessionConnection {
  readonly options: ConnectionOptions;
  readonly client: ClientState<QueuedCommand>;
  /** Whether the server asked the connection to stop: finish the batch in hand, then return. */
  readonly stopping: boolean;
  /** Reads into `buffer`: the byte count, or `null` once the client hung up or the server stopped it. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes all of `bytes`; at most one write is in flight. */
  write(bytes: Uint8Array): Promise<void>;
  /**
   * Closes the socket now, dropping whatever is unsent (a subscriber over
   * its output limit); the pending read ends as if the client hung up.
   */
  abort(): void;
}
