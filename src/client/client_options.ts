/**
 * How {@linkcode WalkvClient} and its subscriptions find, authenticate to and
 * wait for a server. Every field is optional; the defaults suit a walkv on
 * this machine with no password.
 *
 * @example
 * ```ts
 * import { type ClientOptions, WalkvClient } from "./mod.ts";
 *
 * const options: ClientOptions = {
 *   port: 4242,
 *   password: "s3cret",
 *   protocol: 3,
 *   commandTimeout: 2_000,
 *   reconnect: { attempts: 5, delay: 100, maxDelay: 1_000 },
 * };
 * await using client = await WalkvClient.connect(options);
 * ```
 */
export interface ClientOptions {
  /** Default `127.0.0.1`. */
  hostname?: string;
  /** Default 4242, walkv's port (Redis's is 6379). */
  port?: number;
  /** The user to `AUTH` as; only with `password`. Default: none (Redis's `default` user). */
  username?: string;
  /** Sent with `AUTH` (or `HELLO 3 AUTH`) on every connect. Default: none. */
  password?: string;
  /** The database to `SELECT` on every connect. Default 0. */
  db?: number;
  /** The name `CLIENT LIST` shows (`CLIENT SETNAME`). Default: none. */
  name?: string;
  /**
   * 2 (the default) speaks RESP2; 3 starts every connection with `HELLO 3`,
   * so replies come typed (maps, doubles, booleans) and pushes out of band.
   */
  protocol?: 2 | 3;
  /**
   * Milliseconds a connection may take to open, handshake (AUTH, SELECT,
   * HELLO) and ready check included. Default 10000.
   */
  connectTimeout?: number;
  /**
   * Whether a new connection waits, asking `INFO persistence`, while walkv
   * is still replaying its WAL (`loading:1`; most commands would get
   * `-LOADING`), as ioredis's ready check does. Default `true`.
   */
  readyCheck?: boolean;
  /**
   * Milliseconds a command may wait for its reply before it is rejected with
   * `Deno.errors.TimedOut`; 0 (the default) waits for ever. A blocking
   * command (BLPOP, BRPOP) gets its own block time on top.
   */
  commandTimeout?: number;
  /** How to connect again after the connection is lost; `false` never does. */
  reconnect?: ReconnectOptions | false;
  /**
   * Messages a subscription keeps for an iterator that has not read them yet;
   * one more ends the subscription with a `RangeError` instead of growing
   * without bound. Default 10000.
   */
  maxPendingMessages?: number;
}

/**
 * The bounded retry policy for reconnecting: up to `attempts` tries, the
 * first at once, then waiting `delay` ms, doubling each time up to
 * `maxDelay`. A command made while the server is gone waits for these tries,
 * then fails with the last connect error.
 *
 * @example
 * ```ts
 * import { type ReconnectOptions } from "./mod.ts";
 *
 * const patient: ReconnectOptions = { attempts: 20, delay: 50, maxDelay: 2_000 };
 * ```
 */
export interface ReconnectOptions {
  /** Tries per lost connection, ≥ 1. Default 10. */
  attempts?: number;
  /** Milliseconds before the second try. Default 100. */
  delay?: number;
  /** The longest wait between tries. Default 2000. */
  maxDelay?: number;
}

/** {@linkcode ClientOptions} with every default filled in and checked. @internal */
export interface ClientSettings {
  hostname: string;
  port: number;
  username: string | undefined;
  password: string | undefined;
  db: number;
  name: string | undefined;
  protocol: 2 | 3;
  connectTimeout: number;
  readyCheck: boolean;
  commandTimeout: number;
  reconnect: Required<ReconnectOptions> | false;
  maxPendingMessages: number;
}

/**
 * Fills in the defaults and checks every option, so a mistake shows at
 * `connect` and names the option and its value. @internal
 *
 * @example
 * ```ts
 * clientSettings({ port: 6379 }).connectTimeout; // 10000
 * ```
 */
export function clientSettings(options: ClientOptions): ClientSettings {
  const reconnect = options.reconnect === false ? false : {
    attempts: integer("reconnect.attempts", options.reconnect?.attempts ?? 10, 1),
    delay: integer("reconnect.delay", options.reconnect?.delay ?? 100, 0, MAX_TIMER),
    maxDelay: integer("reconnect.maxDelay", options.reconnect?.maxDelay ?? 2000, 0, MAX_TIMER),
  };
  const protocol = options.protocol ?? 2;
  if (protocol !== 2 && protocol !== 3) {
    throw new RangeError(`protocol must be 2 or 3, found ${JSON.stringify(protocol)}`);
  }
  if (options.username !== undefined && options.password === undefined) {
    throw new TypeError(`username ${JSON.stringify(options.username)} needs a password`);
  }
  return {
    hostname: options.hostname ?? "127.0.0.1",
    port: integer("port", options.port ?? 4242, 1, 65535),
    username: options.username,
    password: options.password,
    db: integer("db", options.db ?? 0, 0),
    name: options.name,
    protocol,
    connectTimeout: integer("connectTimeout", options.connectTimeout ?? 10_000, 1, MAX_TIMER),
    readyCheck: options.readyCheck ?? true,
    commandTimeout: integer("commandTimeout", options.commandTimeout ?? 0, 0, MAX_TIMER),
    reconnect,
    maxPendingMessages: integer("maxPendingMessages", options.maxPendingMessages ?? 10_000, 1),
  };
}

/** The longest wait `setTimeout` takes (2^31 - 1 ms, about 24.8 days); a longer one fires at once. */
export const MAX_TIMER = 2 ** 31 - 1;

function integer(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be an integer from ${min} to ${max}, found ${value}`);
  }
  return value;
}
