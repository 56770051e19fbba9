import type { Dispatcher } from "../commands/dispatcher.ts";
import type { RespDispatcher } from "../commands/resp/resp_dispatcher.ts";
import type { Db } from "../db/db.ts";
import type { ClientState } from "./client_state.ts";
import type { ServerState } from "./server_state.ts";

/** What every connection is served with. */
export interface ConnectionOptions {
  /** The keyspace. */
  db: Db;
  /** Runs the seed's text commands. */
  text: Dispatcher;
  /** Runs RESP commands. */
  resp: RespDispatcher;
  /** Server-wide state and counters. */
  server: ServerState;
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
  readonly client: ClientState;
  /** Whether the server asked the connection to stop: finish the batch in hand, then return. */
  readonly stopping: boolean;
  /** Reads into `buffer`: the byte count, or `null` once the client hung up or the server stopped it. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes all of `bytes`; at most one write is in flight. */
  write(bytes: Uint8Array): Promise<void>;
}
