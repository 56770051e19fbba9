/**
 * What the server knows about one connected client, for CLIENT, INFO and
 * QUIT. Commands may set `name` and `closing`; the connection reads them.
 *
 * @example
 * ```ts
 * const client = new ClientState(7, "127.0.0.1:50412");
 * client.name = "worker-1"; // CLIENT SETNAME worker-1
 * ```
 */
export class ClientState {
  /** Unique per server run, from 1, as Redis's client id. */
  readonly id: number;
  /** `ip:port` of the peer. */
  readonly address: string;
  /** Set by CLIENT SETNAME; empty when unnamed. */
  name = "";
  /** Set by QUIT: close once the replies so far are written. */
  closing = false;
  /** When the connection was accepted, in ms since the epoch. */
  readonly connectedAt = Date.now();

  constructor(id: number, address: string) {
    this.id = id;
    this.address = address;
  }
}
