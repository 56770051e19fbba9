import { closeQuietly } from "../io/close_quietly.ts";
import { errorMessage } from "../io/error_message.ts";
import { type ClientConn, Connection } from "./connection.ts";
import type { ConnectionOptions } from "./session_connection.ts";
import { log } from "./log.ts";
import type { Shutdown } from "./shutdown.ts";

/**
 * Options for a {@linkcode Listener}. The idle timeout is the server
 * state's `timeoutSeconds` (Redis's `timeout`; 0 never closes), read at
 * every check, so CONFIG SET timeout applies at once.
 */
export type ListenerOptions = ConnectionOptions;

/**
 * The pause after the first resource error (out of file descriptors), then
 * doubled per error up to the cap. The cap is low so the listener accepts
 * again within a tenth of a second of descriptors being freed; an
 * unthrottled retry would spin, as the pending connection stays queued.
 */
const FIRST_ACCEPT_BACKOFF_MS = 5;
const MAX_ACCEPT_BACKOFF_MS = 100;
/** At most one warning per this long while accept keeps failing. */
const ACCEPT_WARNING_INTERVAL_MS = 10_000;
/** How often idle connections are looked for (Redis's clientsCron: each about once a second). */
const IDLE_CHECK_INTERVAL_MS = 1000;

/** What Redis sends a client over `maxclients`; a text client reads it as an error line too. */
const TOO_MANY_CLIENTS = new TextEncoder().encode("-ERR max number of clients reached\r\n");
/** Redis's explanation to a client from another host while protected mode is on. */
const DENIED = new TextEncoder().encode(
  "-DENIED Redis is running in protected mode because protected mode is enabled " +
    "and no password is set for the default user. In this mode connections are only accepted " +
    "from the loopback interface. If you want to connect from external computers to Redis you " +
    "may adopt one of the following solutions: 1) Just disable protected mode sending the " +
    "command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis " +
    "from the same host the server is running, however MAKE SURE Redis is not publicly " +
    "accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. " +
    "2) Alternatively you can just disable the protected mode by editing the Redis " +
    "configuration file, and setting the protected mode option to 'no', and then restarting " +
    "the server. 3) If you started the server manually just for testing, restart it with the " +
    "'--protected-mode no' option. 4) Setup a an authentication password for the default " +
    "user. NOTE: You only need to do one of the above things in order for the server to start " +
    "accepting connections from the outside.\r\n",
);

/**
 * Errno codes with which accept reports a connection the client already
 * reset or abandoned (Deno surfaces a reset before accept as `NotConnected`,
 * ENOTCONN, from its `getpeername` on the new socket; accept(2) lists the
 * rest as network errors to retry). None says anything about the server.
 */
const PEER_ERROR_CODES: ReadonlySet<string> = new Set([
  "ENOTCONN",
  "ECONNABORTED",
  "ECONNRESET",
  "EPROTO",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTDOWN",
  "ENONET",
  "ENOPROTOOPT",
  "EOPNOTSUPP",
]);

/**
 * Accepts clients and gives each a {@linkcode Connection}, until the shutdown
 * signal; then stops accepting, asks every connection to stop, and resolves
 * once all have let go. With an idle timeout it also closes, about once a
 * second, every connection idle for longer (MONITOR clients, subscribers and
 * blocked clients excepted, as in Redis).
 *
 * @example
 * ```ts
 * const listener = new Listener(Deno.listen({ port: 4242 }), shutdown, connectionOptions);
 * await listener.run(); // returns after shutdown.request()
 * ```
 */
export class Listener {
  readonly #listener: Deno.TcpListener | Deno.TlsListener;
  readonly #shutdown: Shutdown;
  readonly #options: ConnectionOptions;
  /** Live connections, each with the promise that settles when it is done. */
  readonly #connections = new Map<Connection, Promise<void>>();
  readonly #acceptFailures = new AcceptFailures();
  /**
   * A descriptor held in reserve: when accept fails for want of
   * descriptors, closing it makes room to accept the waiting client and
   * tell it the server is full, instead of leaving it unanswered.
   */
  #spare: Deno.Listener | null = null;

  constructor(
    listener: Deno.TcpListener | Deno.TlsListener,
    shutdown: Shutdown,
    options: ListenerOptions,
  ) {
    this.#listener = listener;
    this.#shutdown = shutdown;
    this.#options = options;
    this.#spare = openSpare(listener);
  }

  /** How many clients are connected. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  async run(): Promise<void> {
    this.#shutdown.requestedPromise.then(() => this.#listener.close());
    const idleCheck = setInterval(() => this.#closeIdle(), IDLE_CHECK_INTERVAL_MS);
    try {
      await this.#acceptLoop();
    } finally {
      clearInterval(idleCheck);
    }
    if (this.#spare !== null) closeQuietly(this.#spare);
    this.#spare = null;
    for (const connection of this.#connections.keys()) connection.stop();
    await Promise.all(this.#connections.values());
  }

  async #acceptLoop(): Promise<void> {
    while (!this.#shutdown.requested) {
      let conn: ClientConn;
      try {
        conn = await this.#listener.accept();
      } catch (error: unknown) {
        if (this.#shutdown.requested) break;
        // A client that gave up is no reason to keep the next one waiting.
        if (isPeerError(error)) continue;
        if (isOutOfDescriptors(error) && this.#spare !== null) {
          await this.#refuseOneOverLimit();
          continue;
        }
        await this.#acceptFailures.pause(error);
        continue;
      }
      this.#acceptFailures.recovered();
      const server = this.#options.server;
      if (server.protectedMode && server.requirePass === null && !isLocal(conn)) {
        this.#refuse(conn, DENIED);
        continue;
      }
      // Counted across listeners: the TCP and the TLS port share maxclients.
      if (server.connectedClients >= server.maxClients) {
        server.rejectedConnections++;
        this.#refuse(conn, TOO_MANY_CLIENTS);
        continue;
      }
      this.#serve(conn);
    }
  }

  #serve(conn: ClientConn): void {
    let connection: Connection;
    try {
      // Deno has no such switch for a TLS connection.
      if ("setNoDelay" in conn) conn.setNoDelay(true);
      connection = new Connection(conn, this.#options);
    } catch (error: unknown) {
      // The client may be gone already; that must not stop the accept loop.
      if (!isPeerError(error) && !(error instanceof Deno.errors.BadResource)) {
        log.warn(`dropped a new connection: ${errorMessage(error)}`);
      }
      closeQuietly(conn);
      return;
    }
    const served = connection.serve()
      .catch((error: unknown) => log.warn(`connection ended by error: ${String(error)}`))
      .finally(() => this.#connections.delete(connection));
    this.#connections.set(connection, served);
  }

  /**
   * The process ran out of descriptors with fewer clients than maxclients:
   * lowers maxclients to what fits (as Redis does at start from the
   * open-file limit, which Deno's sandbox does not let walkv read), says so
   * once, and refuses the client waiting in the queue through the spare
   * descriptor (or serves it, if clients left meanwhile).
   */
  async #refuseOneOverLimit(): Promise<void> {
    const server = this.#options.server;
    const fits = Math.max(1, server.connectedClients - DESCRIPTOR_RESERVE);
    if (server.maxClients > fits) {
      log.warn(
        `Current maximum open files reached with ${server.connectedClients} clients connected. ` +
          `maxclients has been reduced to ${fits} to compensate for low ulimit. ` +
          `If you need higher maxclients increase 'ulimit -n'.`,
      );
      server.maxClients = fits;
    }
    closeQuietly(this.#spare!);
    this.#spare = null;
    try {
      const conn = await this.#listener.accept();
      // The accept may have waited: by now the client may fit after all.
      if (server.connectedClients < server.maxClients) {
        this.#serve(conn);
      } else {
        server.rejectedConnections++;
        await conn.write(TOO_MANY_CLIENTS).catch(() => {});
        closeQuietly(conn);
      }
    } catch (error: unknown) {
      if (!isPeerError(error)) await this.#acceptFailures.pause(error);
    } finally {
      this.#spare = openSpare(this.#listener);
    }
  }

  /** Tells a client why it is refused, as Redis does, and closes it. */
  #refuse(conn: ClientConn, reason: Uint8Array): void {
    conn.write(reason).catch(() => {}).finally(() => closeQuietly(conn));
  }

  #closeIdle(): void {
    const timeoutSeconds = this.#options.server.timeoutSeconds;
    if (timeoutSeconds <= 0) return;
    const idleSince = performance.now() - timeoutSeconds * 1000;
    for (const connection of this.#connections.keys()) connection.closeIfIdleSince(idleSince);
  }
}

/**
 * Back-off and rate-limited warnings for accept errors that are the
 * server's (out of file descriptors or memory, or anything unknown):
 * retrying at once would spin, since the client stays queued. Under
 * sustained pressure accept fails and succeeds by turns, so the warning
 * rate is limited across those turns, not per run of failures.
 */
class AcceptFailures {
  #backoffMs = 0;
  /** Failures since the last warning. */
  #unreported = 0;
  #lastWarningAt = -Infinity;

  /** Logs `error` unless a warning went out lately, then waits out the back-off. */
  async pause(error: unknown): Promise<void> {
    this.#unreported++;
    this.#backoffMs = Math.min(
      MAX_ACCEPT_BACKOFF_MS,
      this.#backoffMs * 2 || FIRST_ACCEPT_BACKOFF_MS,
    );
    const now = performance.now();
    if (now - this.#lastWarningAt >= ACCEPT_WARNING_INTERVAL_MS) {
      const count = this.#unreported > 1
        ? ` (${this.#unreported} failures since the last warning)`
        : "";
      log.warn(
        `accept failed: ${errorMessage(error)}${count}; ` +
          `retrying every ${MAX_ACCEPT_BACKOFF_MS} ms or less`,
      );
      this.#lastWarningAt = now;
      this.#unreported = 0;
    }
    await new Promise((resolve) => setTimeout(resolve, this.#backoffMs));
  }

  /** An accept succeeded: the next failure starts the back-off afresh. */
  recovered(): void {
    this.#backoffMs = 0;
  }
}

/** Whether `error` only says the client went away before or while it was accepted. */
function isPeerError(error: unknown): boolean {
  if (
    error instanceof Deno.errors.NotConnected ||
    error instanceof Deno.errors.ConnectionAborted ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.TimedOut
  ) {
    return true;
  }
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === "string" && PEER_ERROR_CODES.has(code);
}

/**
 * Descriptors left for the server's own use (the WAL, a compaction's files)
 * when maxclients is lowered to fit the open-file limit.
 */
const DESCRIPTOR_RESERVE = 16;

/** A listening socket on the same host, held only for its descriptor; `null` if none can be had. */
function openSpare(listener: Deno.TcpListener | Deno.TlsListener): Deno.Listener | null {
  try {
    return Deno.listen({ hostname: (listener.addr as Deno.NetAddr).hostname, port: 0 });
  } catch {
    return null;
  }
}

/** Whether accept failed because the process or the system has no descriptor to spare. */
function isOutOfDescriptors(error: unknown): boolean {
  const code = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return code === "EMFILE" || code === "ENFILE" ||
    (error instanceof Error && /too many open files/i.test(error.message));
}

/** Whether the peer is this host, as Redis's protected mode counts it: 127.0.0.1 or ::1 exactly. */
function isLocal(conn: ClientConn): boolean {
  const host = (conn.remoteAddr as Deno.NetAddr).hostname;
  return host === "127.0.0.1" || host === "::1" || host === "::ffff:127.0.0.1";
}
