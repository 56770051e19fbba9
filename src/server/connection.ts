import { ClientState } from "../commands/client_state.ts";
import type { QueuedCommand } from "../commands/command_spec.ts";
import { stopMonitoring } from "../commands/monitor.ts";
import { closeQuietly } from "../io/close_quietly.ts";
import { writeAll } from "../io/write_all.ts";
import { chooseProtocol } from "./choose_protocol.ts";
import { serveResp } from "./resp_session.ts";
import type { ConnectionOptions, SessionConnection } from "./session_connection.ts";
import { serveText } from "./text_session.ts";

const READ_BUFFER_BYTES = 64 * 1024;

/** A client's socket: plain TCP, or TLS from the `--tls-port` listener. */
export type ClientConn = Deno.TcpConn | Deno.TlsConn;

/**
 * One client: owns its socket and its read buffer, and serves the protocol
 * its first bytes pick ({@linkcode chooseProtocol}): a RESP array or an
 * inline command that changes nothing (`PING`) makes it a Redis client
 * ({@linkcode serveResp}); anything else is the seed's text protocol
 * ({@linkcode serveText}), so `nc` users see no change.
 *
 * A session reads through {@linkcode Connection.read} and writes each batch
 * of replies with one {@linkcode Connection.write}, after waiting for the
 * batch's writes to be durable.
 *
 * @example
 * ```ts
 * const connection = new Connection(conn, options);
 * await connection.serve();
 * ```
 */
export class Connection implements SessionConnection {
  readonly options: ConnectionOptions;
  readonly client: ClientState<QueuedCommand>;
  readonly #conn: ClientConn;
  #busy = false;
  #writing: Promise<void> | null = null;
  #stopping = false;
  #closed = false;
  /** The socket as `writeAll` sees it, noting each partial write as progress. */
  readonly #progressWriter = {
    write: async (bytes: Uint8Array): Promise<number> => {
      const n = await this.#conn.write(bytes);
      this.client.activeAt = performance.now();
      return n;
    },
  };

  constructor(conn: ClientConn, options: ConnectionOptions) {
    this.#conn = conn;
    this.options = options;
    const peer = conn.remoteAddr as Deno.NetAddr;
    const server = options.server;
    this.client = new ClientState(
      server.nextClientId(),
      `${peer.hostname}:${peer.port}`,
      server.requirePass === null,
    );
    const local = conn.localAddr as Deno.NetAddr;
    this.client.localAddress = `${local.hostname}:${local.port}`;
    this.client.kill = () => this.abort();
  }

  /** Serves the client until it hangs up, breaks the rules, or `stop` is called. */
  async serve(): Promise<void> {
    const server = this.options.server;
    server.connectedClients++;
    server.totalConnections++;
    server.clients.set(this.client.id, this.client);
    try {
      if ("handshake" in this.#conn && !await this.#handshake(this.#conn)) return;
      const first = new Uint8Array(READ_BUFFER_BYTES);
      let n = 0;
      let protocol = null;
      // The first word may come in pieces. Only white space before it can
      // keep it undecided: past the longest text line allowed, that is text.
      const limit = Math.min(first.length, this.options.maxLineBytes + 1);
      while (protocol === null && n < limit) {
        const count = await this.read(first.subarray(n, limit));
        if (count === null) break;
        n += count;
        protocol = chooseProtocol(first.subarray(0, n), this.options);
      }
      if (n === 0) return;
      if (protocol === "resp") await serveResp(this, first, n);
      else await serveText(this, first, n);
    } catch (error: unknown) {
      if (!isDisconnect(error)) throw error;
    } finally {
      server.connectedClients--;
      server.clients.delete(this.client.id);
      stopMonitoring(this.client, server);
      this.client.endTransaction();
      server.pubsub.unsubscribeAll(this.client);
      this.#close();
    }
  }

  /** Whether `stop` was called: finish the batch in hand, then return. */
  get stopping(): boolean {
    return this.#stopping;
  }

  /**
   * Asks the connection to stop: an idle one (waiting for the client) closes
   * now; a busy one first answers the commands it has received.
   */
  stop(): void {
    this.#stopping = true;
    if (this.#busy) return;
    // A reply may still be on its way out while the session waits to read.
    const close = () => this.#close();
    if (this.#writing) this.#writing.then(close, close);
    else close();
  }

  /**
   * Reads into `buffer`: the byte count, or `null` when the client hung up
   * or `stop` closed the socket. The connection counts as busy from when a
   * read returns until the next one starts.
   */
  async read(buffer: Uint8Array): Promise<number | null> {
    this.#busy = false;
    if (this.#stopping) return null;
    this.client.activeAt = performance.now();
    try {
      const n = await this.#conn.read(buffer);
      this.client.activeAt = performance.now();
      if (n !== null) {
        this.options.server.netInputBytes += n;
        this.options.server.readsProcessed++;
      }
      return n;
    } catch (error: unknown) {
      // `stop` closed the socket under a pending read.
      if (this.#stopping && error instanceof Deno.errors.BadResource) return null;
      if (this.#stopping && error instanceof Deno.errors.Interrupted) return null;
      throw error;
    } finally {
      this.#busy = true;
    }
  }

  /** Writes all of `bytes`; a session has at most one write in flight. */
  async write(bytes: Uint8Array): Promise<void> {
    this.client.activeAt = performance.now();
    this.options.server.netOutputBytes += bytes.length;
    this.options.server.writesProcessed++;
    const writing = this.#writing = writeAll(this.#progressWriter, bytes);
    try {
      await writing;
    } finally {
      if (this.#writing === writing) this.#writing = null;
    }
  }

  /** Closes the socket now, unsent bytes and all (a subscriber over its output limit). */
  abort(): void {
    this.#stopping = true;
    this.#close();
  }

  /**
   * Closes the connection (Redis's `timeout`) if it has moved no bytes since
   * `since` (a `performance.now()` time) while waiting on its client: for a
   * request, or to take a reply. A client trickling a long request, or
   * reading a large reply slowly, is making progress; one busy running its
   * requests or waiting for the WAL is the server's turn, never idle.
   *
   * @example
   * ```ts
   * connection.closeIfIdleSince(performance.now() - 300_000); // idle for 5 min
   * ```
   */
  closeIfIdleSince(since: number): void {
    if (this.#closed || this.client.activeAt >= since) return;
    // As in Redis, a subscriber waiting for messages is never idle, nor is a
    // client blocked in BLPOP and its kin (its own timeout decides).
    if (this.client.subscriptions !== 0 || this.client.blocked !== null) return;
    // A monitor is a replica to Redis, which no timeout closes.
    if (this.client.monitoring) return;
    if (this.#busy && this.#writing === null) return;
    // As for `stop`, the session then sees its read end, not an error.
    this.#stopping = true;
    this.#close();
  }

  /**
   * Runs a TLS client's handshake before anything is read, so a client that
   * fails it (a plain-TCP client on the TLS port, a certificate it does not
   * trust) ends here, quietly, as Redis logs it only at verbose level.
   */
  async #handshake(conn: Deno.TlsConn): Promise<boolean> {
    try {
      await conn.handshake();
      this.client.activeAt = performance.now();
      return true;
    } catch (error: unknown) {
      if (isDisconnect(error)) return false;
      throw error;
    }
  }

  #close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }
}

/**
 * Errors that only mean the client went away, or (over TLS) broke the
 * session: `InvalidData` for a failed handshake or a corrupt record,
 * `UnexpectedEof` for a client that hung up without TLS's close_notify, as
 * redis-cli does.
 */
function isDisconnect(error: unknown): boolean {
  return error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.InvalidData ||
    error instanceof Deno.errors.UnexpectedEof ||
    error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}
