/**
 * The connection ended before a command was answered: the server closed it
 * or crashed, the network failed, or the client was closed. The command may
 * or may not have run, so the client does not send it again by itself
 * (except for read-only helpers, which are safe to repeat); `cause` holds
 * what ended the connection, when there was something.
 *
 * @example
 * ```ts
 * import { ConnectionLostError, WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * try {
 *   await client.incr("visits");
 * } catch (error) {
 *   if (!(error instanceof ConnectionLostError)) throw error;
 *   // INCR may have run: check before trying again.
 * }
 * ```
 */
export class ConnectionLostError extends Error {
  /** `options.cause` is what ended the connection. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ConnectionLostError";
  }
}
