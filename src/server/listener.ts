import { Connection, type ConnectionOptions } from "./connection.ts";
import { log } from "./log.ts";
import type { Shutdown } from "./shutdown.ts";

/** Options for a {@linkcode Listener}. */
export interface ListenerOptions extends ConnectionOptions {
  /** Clients served at once; one more is told so and closed. Default 10,000. */
  maxConnections?: number;
}

/** Longest pause after repeated accept errors (e.g. out of file descriptors). */
const MAX_ACCEPT_BACKOFF_MS = 1000;

/**
 * Accepts clients and gives each a {@linkcode Connection}, until the shutdown
 * signal; then stops accepting, asks every connection to stop, and resolves
 * once all have let go.
 *
 * @example
 * ```ts
 * const listener = new Listener(Deno.listen({ port: 4242 }), shutdown, connectionOptions);
 * await listener.run(); // returns after shutdown.request()
 * ```
 */
export class Listener {
  readonly #listener: Deno.TcpListener;
  readonly #shutdown: Shutdown;
  readonly #options: ConnectionOptions;
  readonly #maxConnections: number;
  /** Live connections, each with the promise that settles when it is done. */
  readonly #connections = new Map<Connection, Promise<void>>();

  constructor(
    listener: Deno.TcpListener,
    shutdown: Shutdown,
    options: ListenerOptions,
  ) {
    this.#listener = listener;
    this.#shutdown = shutdown;
    this.#options = options;
    this.#maxConnections = options.maxConnections ?? 10_000;
  }

  /** How many clients are connected. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  async run(): Promise<void> {
    this.#shutdown.requestedPromise.then(() => this.#listener.close());
    let backoff = 0;
    while (!this.#shutdown.requested) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
        backoff = 0;
      } catch (error: unknown) {
        if (this.#shutdown.requested) break;
        backoff = Math.min(MAX_ACCEPT_BACKOFF_MS, backoff * 2 || 5);
        log.warn(`accept failed (${String(error)}); retrying in ${backoff} ms`);
        await new Promise((resolve) => setTimeout(resolve, backoff));
        continue;
      }
      conn.setNoDelay(true);
      if (this.#connections.size >= this.#maxConnections) {
        this.#refuse(conn);
        continue;
      }
      const connection = new Connection(conn, this.#options);
      const served = connection.serve()
        .catch((error: unknown) => log.warn(`connection ended by error: ${String(error)}`))
        .finally(() => this.#connections.delete(connection));
      this.#connections.set(connection, served);
    }
    for (const connection of this.#connections.keys()) connection.stop();
    await Promise.all(this.#connections.values());
  }

  #refuse(conn: Deno.TcpConn): void {
    const message = `-too many connections (limit ${this.#maxConnections})\n`;
    conn.write(new TextEncoder().encode(message)).catch(() => {}).finally(() => conn.close());
  }
}
