import { closeQuietly } from "../../src/io/close_quietly.ts";
import { writeAll } from "../../src/io/write_all.ts";
import { frame } from "../helpers/resp_frames.ts";

/** One RESP reply the benchmark reads: arrays never come back to its commands. */
export type RespReply =
  | { kind: "simple" | "error" | "integer"; text: string }
  | { kind: "bulk"; text: string | null };

const CR = 0x0d;
const decoder = new TextDecoder();

/**
 * A RESP connection for the benchmark's few control requests (GET of one
 * key, INFO, BGREWRITEAOF): one request, then its whole reply, parsed. The
 * load itself never goes through here; see `bulk_load.ts`.
 *
 * Every request has a deadline: a server that hangs closes the connection
 * and fails the request instead of stalling the benchmark.
 *
 * @example
 * ```ts
 * using conn = await RespConnection.connect(port);
 * await conn.command(["GET", "key:000000000001"]); // { kind: "bulk", text: "val:000000000001" }
 * ```
 */
export class RespConnection implements Disposable {
  readonly #conn: Deno.TcpConn;
  #buffer = new Uint8Array(64 * 1024);
  #filled = 0;

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /** Connects on loopback, Nagle off; throws `ConnectionRefused` while nothing listens. */
  static async connect(port: number): Promise<RespConnection> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RespConnection(conn);
  }

  /**
   * Sends `args` as one request and returns its reply. After `timeoutMs`
   * the connection is closed and this throws.
   */
  async command(args: string[], timeoutMs = 30_000): Promise<RespReply> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.close();
    }, timeoutMs);
    try {
      await writeAll(this.#conn, frame(...args));
      return await this.#readReply();
    } catch (error: unknown) {
      if (timedOut) throw new Error(`No reply to ${args[0]} in ${timeoutMs} ms`);
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  close(): void {
    closeQuietly(this.#conn);
  }

  [Symbol.dispose](): void {
    this.close();
  }

  async #readReply(): Promise<RespReply> {
    let lineEnd: number;
    while ((lineEnd = this.#buffer.subarray(0, this.#filled).indexOf(CR)) === -1) {
      await this.#fill();
    }
    const line = decoder.decode(this.#buffer.subarray(1, lineEnd));
    const type = String.fromCharCode(this.#buffer[0]);
    let end = lineEnd + 2;
    let reply: RespReply;
    if (type === "+") reply = { kind: "simple", text: line };
    else if (type === "-") reply = { kind: "error", text: line };
    else if (type === ":") reply = { kind: "integer", text: line };
    else if (type === "$") {
      const length = Number(line);
      if (!Number.isInteger(length) || length < -1) {
        throw new SyntaxError(`Bad bulk length in reply: "${line}"`);
      }
      if (length === -1) {
        reply = { kind: "bulk", text: null };
      } else {
        end += length + 2;
        while (this.#filled < end) await this.#fill();
        reply = { kind: "bulk", text: decoder.decode(this.#buffer.subarray(lineEnd + 2, end - 2)) };
      }
    } else {
      throw new SyntaxError(`Unexpected reply type "${type}" in "${line.slice(0, 100)}"`);
    }
    while (this.#filled < end) await this.#fill();
    this.#buffer.copyWithin(0, end, this.#filled);
    this.#filled -= end;
    return reply;
  }

  /** Reads more bytes behind the buffered ones, growing the buffer when full. */
  async #fill(): Promise<void> {
    if (this.#filled === this.#buffer.length) {
      const larger = new Uint8Array(this.#buffer.length * 2);
      larger.set(this.#buffer);
      this.#buffer = larger;
    }
    const n = await this.#conn.read(this.#buffer.subarray(this.#filled));
    if (n === null) throw new Deno.errors.UnexpectedEof("Server closed the connection");
    this.#filled += n;
  }
}
