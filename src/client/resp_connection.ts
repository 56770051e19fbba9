import { closeQuietly } from "../io/close_quietly.ts";
import { errorMessage } from "../io/error_message.ts";
import { writeAll } from "../io/write_all.ts";
import type { ClientSettings } from "./client_options.ts";
import { encodeCommands } from "./command_encoder.ts";
import { ConnectionLostError } from "./connection_lost_error.ts";
import type { Argument, Reply } from "./reply.ts";
import { INCOMPLETE, ReplyDecoder } from "./reply_decoder.ts";
import { WalkvError } from "./walkv_error.ts";

/** One command to send and how to take its reply. @internal */
export interface Request {
  args: readonly Argument[];
  /** Bulk strings as `Uint8Array` rather than UTF-8 strings. */
  binary?: boolean;
  /** Milliseconds to wait for the reply; 0 for ever. Default: the connection's command timeout. */
  timeout?: number;
}

/** Where frames go that answer no request: a subscription's messages and confirmations. @internal */
export type FrameHandler = (reply: Reply, push: boolean) => void;

/** A command sent and not answered yet. */
interface Waiting {
  binary: boolean;
  resolve(reply: Reply): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Rejected by its timeout: its reply, when it comes, is read and dropped. */
  abandoned: boolean;
}

/** How many bytes one read takes from the socket at most. */
const READ_CHUNK = 64 * 1024;
/** How often a connection asks whether a loading walkv is done (see `#waitWhileLoading`). */
const LOADING_POLL_MS = 50;
const utf8 = new TextDecoder();

/**
 * One socket to a server, speaking RESP: commands go out in as few writes as
 * possible (everything asked for in the same tick shares one), replies come
 * back in order and settle the commands in order. Internal to the client
 * library; {@linkcode WalkvClient} owns one at a time and replaces it after a
 * loss.
 *
 * A timed-out command is rejected but keeps its place: its late reply is read
 * and dropped, so the replies after it still reach their own commands. When
 * the connection ends, every command still waiting is rejected with a
 * {@linkcode ConnectionLostError}, never silently answered or sent again.
 * @internal
 *
 * @example
 * ```ts
 * const connection = await RespConnection.open(clientSettings({ port: 4242 }));
 * const [reply] = connection.send([{ args: ["PING"] }]);
 * await reply; // "PONG"
 * await connection.close();
 * ```
 */
export class RespConnection {
  readonly #conn: Deno.TcpConn;
  readonly #decoder = new ReplyDecoder();
  readonly #commandTimeout: number;
  #waiting: Waiting[] = [];
  #head = 0;
  #outbox: Uint8Array[] = [];
  #flushing: Promise<void> | null = null;
  #frames: FrameHandler | null = null;
  #lost: ConnectionLostError | null = null;
  readonly #ended = Promise.withResolvers<ConnectionLostError>();
  readonly #reading: Promise<void>;

  private constructor(conn: Deno.TcpConn, commandTimeout: number) {
    this.#conn = conn;
    this.#commandTimeout = commandTimeout;
    this.#reading = this.#read();
  }

  /**
   * Connects and handshakes (HELLO 3, AUTH, CLIENT SETNAME, SELECT, as
   * `settings` ask) within `settings.connectTimeout`; an error reply to the
   * handshake is thrown as the {@linkcode WalkvError} it is, and a silent
   * server as `Deno.errors.TimedOut`; then, with `settings.readyCheck`,
   * waits while the server is still loading. `signal` gives up on the TCP
   * connect.
   */
  static async open(settings: ClientSettings, signal?: AbortSignal): Promise<RespConnection> {
    const { hostname, port, connectTimeout } = settings;
    const deadline = Date.now() + connectTimeout;
    const conn = await connectWithin(hostname, port, connectTimeout, signal);
    conn.setNoDelay(true);
    const connection = new RespConnection(conn, settings.commandTimeout);
    const handshake = handshakeCommands(settings);
    const timeout = Math.max(1, deadline - Date.now());
    if (handshake.length > 0) {
      try {
        const replies = await Promise.all(
          connection.send(handshake.map((args) => ({ args, timeout }))),
        );
        const refused = replies.find((reply) => reply instanceof WalkvError);
        if (refused !== undefined) throw refused;
      } catch (error: unknown) {
        await connection.close();
        if (error instanceof Deno.errors.TimedOut) {
          throw new Deno.errors.TimedOut(
            `walkv at ${hostname}:${port} did not answer the handshake (${
              handshake.map((args) => args[0]).join(", ")
            }) within ${connectTimeout} ms`,
          );
        }
        throw error;
      }
    }
    if (settings.readyCheck) {
      try {
        await connection.#waitWhileLoading(settings, deadline, signal);
      } catch (error: unknown) {
        await connection.close();
        throw error;
      }
    }
    return connection;
  }

  /**
   * The ready check (ioredis's, on by default there): a walkv that is still
   * replaying its WAL accepts connections but answers most commands
   * `-LOADING`, as Redis does, so a client that just (re)connected asks
   * `INFO persistence` (allowed while loading) until `loading:0`, instead of
   * failing its first commands. A server without the field counts as ready.
   */
  async #waitWhileLoading(
    settings: ClientSettings,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    while (!signal?.aborted) {
      const timeout = Math.max(1, deadline - Date.now());
      const [pending] = this.send([{ args: ["INFO", "persistence"], timeout }]);
      const reply = await pending;
      const text = reply instanceof Uint8Array ? utf8.decode(reply) : reply;
      if (typeof text !== "string" || !/^loading:1\r?$/m.test(text)) return;
      if (Date.now() >= deadline) {
        throw new Deno.errors.TimedOut(
          `walkv at ${settings.hostname}:${settings.port} was still loading its data after ` +
            `${settings.connectTimeout} ms (connectTimeout)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, LOADING_POLL_MS));
    }
  }

  /** Whether commands can still be sent. */
  get isOpen(): boolean {
    return this.#lost === null;
  }

  /** Resolves, with the reason, once the connection has ended for any reason. */
  get ended(): Promise<ConnectionLostError> {
    return this.#ended.promise;
  }

  /**
   * Sends `requests` in one write (with whatever else is asked for in this
   * tick) and returns one promise per request, resolving with its reply;
   * an error reply resolves as a {@linkcode WalkvError} value, so a batch
   * sees every reply. Arguments that cannot be encoded throw here, before
   * anything is sent.
   */
  send(requests: readonly Request[]): Promise<Reply>[] {
    const bytes = encodeCommands(requests.map((request) => request.args));
    if (this.#lost !== null) {
      const lost = this.#lost;
      return requests.map(() => Promise.reject(lost));
    }
    const replies = requests.map((request) => this.#expect(request));
    this.#write(bytes);
    return replies;
  }

  /**
   * Sends commands whose replies go to the frame handler (see
   * {@linkcode takeFrames}), not to a promise: SUBSCRIBE and friends, whose
   * one command may bring many replies.
   */
  sendUnanswered(commands: readonly (readonly Argument[])[]): void {
    const bytes = encodeCommands(commands);
    if (this.#lost === null) this.#write(bytes);
  }

  /**
   * From now on, every frame that answers no waiting request (pushes, and
   * everything once no request waits) goes to `handler`.
   */
  takeFrames(handler: FrameHandler): void {
    this.#frames = handler;
  }

  /**
   * Closes the socket, rejects what still waits, and resolves once the
   * socket's reads and writes have finished. Closing twice is fine.
   */
  async close(): Promise<void> {
    this.#end(new ConnectionLostError("The client closed the connection"));
    await this.#reading;
    await this.#flushing;
  }

  #expect(request: Request): Promise<Reply> {
    const { promise, resolve, reject } = Promise.withResolvers<Reply>();
    const waiting: Waiting = {
      binary: request.binary ?? false,
      resolve,
      reject,
      timer: undefined,
      abandoned: false,
    };
    const timeout = request.timeout ?? this.#commandTimeout;
    if (timeout > 0) {
      waiting.timer = setTimeout(() => {
        waiting.abandoned = true;
        reject(
          new Deno.errors.TimedOut(
            `walkv did not answer ${commandName(request.args)} within ${timeout} ms`,
          ),
        );
      }, timeout);
    }
    this.#waiting.push(waiting);
    return promise;
  }

  /** Queues `bytes`; the write starts after this tick, so a burst of commands is one write. */
  #write(bytes: Uint8Array): void {
    this.#outbox.push(bytes);
    this.#flushing ??= Promise.resolve().then(() => this.#flush());
  }

  async #flush(): Promise<void> {
    while (this.#outbox.length > 0 && this.#lost === null) {
      const batch = concat(this.#outbox);
      this.#outbox = [];
      try {
        await writeAll(this.#conn, batch);
      } catch (error: unknown) {
        this.#end(error);
      }
    }
    this.#outbox = [];
    this.#flushing = null;
  }

  async #read(): Promise<void> {
    const chunk = new Uint8Array(READ_CHUNK);
    for (;;) {
      let count: number | null;
      try {
        count = await this.#conn.read(chunk);
      } catch (error: unknown) {
        return this.#end(error);
      }
      if (count === null) {
        return this.#end(
          new ConnectionLostError("The connection to walkv was lost: walkv closed it"),
        );
      }
      this.#decoder.push(chunk.subarray(0, count));
      try {
        this.#deliver();
      } catch (error: unknown) {
        return this.#end(error);
      }
      if (this.#lost !== null) return;
    }
  }

  /** Hands every whole reply buffered to its request, or to the frame handler. */
  #deliver(): void {
    for (;;) {
      const head = this.#head < this.#waiting.length ? this.#waiting[this.#head] : undefined;
      const reply = this.#decoder.next(head?.binary ?? false);
      if (reply === INCOMPLETE) return;
      if (head === undefined || this.#decoder.wasPush) {
        if (this.#frames === null) {
          if (this.#decoder.wasPush) continue; // RESP3 pushes nobody listens to
          throw new SyntaxError(`walkv sent a reply no command asked for: ${preview(reply)}`);
        }
        this.#frames(reply, this.#decoder.wasPush);
        continue;
      }
      this.#head++;
      if (this.#head > 1024 && this.#head * 2 > this.#waiting.length) {
        this.#waiting = this.#waiting.slice(this.#head);
        this.#head = 0;
      }
      if (head.abandoned) continue;
      clearTimeout(head.timer);
      head.resolve(reply);
    }
  }

  /** Ends the connection once, for `reason`, rejecting every request still waiting. */
  #end(reason: unknown): void {
    if (this.#lost !== null) return;
    const lost = reason instanceof ConnectionLostError
      ? reason
      : new ConnectionLostError(`The connection to walkv was lost: ${errorMessage(reason)}`, {
        cause: reason,
      });
    this.#lost = lost;
    closeQuietly(this.#conn);
    const waiting = this.#waiting.slice(this.#head);
    this.#waiting = [];
    this.#head = 0;
    for (const request of waiting) {
      clearTimeout(request.timer);
      if (!request.abandoned) request.reject(lost);
    }
    this.#ended.resolve(lost);
  }
}

/** Deno.connect, given up on after `timeout` ms or when `signal` aborts. */
async function connectWithin(
  hostname: string,
  port: number,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<Deno.TcpConn> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeout);
  const giveUp = () => abort.abort();
  signal?.addEventListener("abort", giveUp, { once: true });
  try {
    return await Deno.connect({ hostname, port, signal: abort.signal });
  } catch (error: unknown) {
    if (!abort.signal.aborted || signal?.aborted) throw error;
    throw new Deno.errors.TimedOut(
      `Could not connect to ${hostname}:${port} within ${timeout} ms`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener("abort", giveUp);
  }
}

/** What a new connection sends before any command, in order. */
function handshakeCommands(settings: ClientSettings): string[][] {
  const commands: string[][] = [];
  const { username, password, name } = settings;
  if (settings.protocol === 3) {
    const hello = ["HELLO", "3"];
    if (password !== undefined) hello.push("AUTH", username ?? "default", password);
    if (name !== undefined) hello.push("SETNAME", name);
    commands.push(hello);
  } else {
    if (password !== undefined) {
      commands.push(username === undefined ? ["AUTH", password] : ["AUTH", username, password]);
    }
    if (name !== undefined) commands.push(["CLIENT", "SETNAME", name]);
  }
  if (settings.db !== 0) commands.push(["SELECT", String(settings.db)]);
  return commands;
}

function commandName(args: readonly Argument[]): string {
  return typeof args[0] === "string" ? args[0].toUpperCase() : "a command";
}

function concat(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const out = new Uint8Array(pieces.reduce((sum, piece) => sum + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

function preview(reply: Reply): string {
  const text = reply instanceof WalkvError ? `-${reply.reply}` : String(reply);
  return JSON.stringify(text.length > 40 ? text.slice(0, 40) + "…" : text);
}
