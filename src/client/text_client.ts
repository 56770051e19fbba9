import { binaryFromText } from "../io/binary.ts";
import { closeQuietly } from "../io/close_quietly.ts";
import { writeAll } from "../io/write_all.ts";
import { splitFields } from "../protocol/split_fields.ts";
import { WalkvError } from "./walkv_error.ts";

/**
 * Where {@linkcode TextClient} finds the server.
 *
 * @example
 * ```ts
 * import { TextClient, type TextClientOptions } from "./mod.ts";
 *
 * const options: TextClientOptions = { hostname: "127.0.0.1", port: 4242 };
 * using client = await TextClient.connect(options);
 * ```
 */
export interface TextClientOptions {
  /** Default `127.0.0.1`. */
  hostname?: string;
  /** Default 4242. */
  port?: number;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const LF = 0x0a;
/** How many bytes one read takes from the socket at most. */
const READ_CHUNK = 64 * 1024;

/**
 * A client for walkv's text protocol, the one `nc` speaks (`SET k v` →
 * `+OK`, `GET k` → `+OK v`): walkv's original protocol, kept for tools and
 * scripts written for it. Calls may be made concurrently; they are sent in
 * call order and each gets its own reply. `pipeline` sends many commands in
 * one write and reads all their replies, which is how to go fast. For
 * everything else (binary values, other commands, pub/sub) use
 * {@linkcode WalkvClient}.
 *
 * Keys and values must be non-empty and free of white space: the text
 * protocol has no way to carry them otherwise, so the client refuses them
 * with a `TypeError` instead of sending something the server would misread.
 *
 * @example
 * ```ts
 * import { TextClient } from "./mod.ts";
 *
 * using client = await TextClient.connect({ port: 4242 });
 * await client.set("hello", "world");
 * await client.get("hello"); // "world"
 * await client.del("hello");
 * await client.get("hello"); // null
 * await client.pipeline([["SET", "a", "1"], ["GET", "a"]]); // ["+OK", "+OK 1"]
 * ```
 */
export class TextClient implements Disposable {
  readonly #conn: Deno.TcpConn;
  readonly #chunk = new Uint8Array(READ_CHUNK);
  /** Bytes read after the last whole line. */
  #rest = new Uint8Array(0);
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(conn: Deno.TcpConn) {
    this.#conn = conn;
  }

  /**
   * Opens a connection, with Nagle off.
   *
   * @example
   * ```ts
   * using client = await TextClient.connect({ port: 4242 });
   * ```
   */
  static async connect(options: TextClientOptions = {}): Promise<TextClient> {
    const conn = await Deno.connect({
      hostname: options.hostname ?? "127.0.0.1",
      port: options.port ?? 4242,
    });
    conn.setNoDelay(true);
    return new TextClient(conn);
  }

  /** Stores `value` under `key`; resolves once the server says it is durable. */
  async set(key: string, value: string): Promise<void> {
    expectOk(await this.#one(["SET", field("key", key), field("value", value)]));
  }

  /** The value under `key`, or `null` when there is none. */
  async get(key: string): Promise<string | null> {
    const reply = await this.#one(["GET", field("key", key)]);
    if (reply.startsWith("+OK ")) return reply.slice(4);
    if (reply === `-GET could not find ${key} in store`) return null;
    throw replyError(reply);
  }

  /** Deletes `key` (absent keys are fine). */
  async del(key: string): Promise<void> {
    expectOk(await this.#one(["DEL", field("key", key)]));
  }

  /**
   * Sends every command in one write and returns the raw reply lines, in
   * order. Error replies are returned, not thrown, so one bad command does
   * not hide the others' results.
   */
  pipeline(commands: readonly (readonly string[])[]): Promise<string[]> {
    const text = commands.map((fields) => {
      fields.forEach((f, i) => field(i === 0 ? "command" : "argument", f));
      return fields.join(" ") + "\n";
    }).join("");
    return this.#exchange(text, commands.length);
  }

  /** Closes the connection; closing twice, or after the server hung up, is fine. */
  close(): void {
    closeQuietly(this.#conn);
  }

  /** The same as {@linkcode close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }

  async #one(fields: string[]): Promise<string> {
    return (await this.#exchange(fields.join(" ") + "\n", 1))[0];
  }

  /** Writes `text` and reads `count` reply lines, after every earlier call. */
  #exchange(text: string, count: number): Promise<string[]> {
    const turn = this.#queue.then(async () => {
      await writeAll(this.#conn, encoder.encode(text));
      const replies: string[] = [];
      while (replies.length < count) replies.push(await this.#line());
      return replies;
    });
    this.#queue = turn.catch(() => {});
    return turn;
  }

  /** The next reply line, without its LF (or CR LF). */
  async #line(): Promise<string> {
    for (;;) {
      const end = this.#rest.indexOf(LF);
      if (end !== -1) {
        const line = this.#rest.subarray(
          0,
          end > 0 && this.#rest[end - 1] === 0x0d ? end - 1 : end,
        );
        const text = decoder.decode(line);
        this.#rest = this.#rest.slice(end + 1);
        return text;
      }
      const count = await this.#conn.read(this.#chunk);
      if (count === null) throw new Error("walkv closed the connection before replying");
      const joined = new Uint8Array(this.#rest.length + count);
      joined.set(this.#rest);
      joined.set(this.#chunk.subarray(0, count), this.#rest.length);
      this.#rest = joined;
    }
  }
}

/** `text` if the server would read it as exactly one field; white space is the server's own definition. */
function field(name: string, text: string): string {
  // The server splits the UTF-8 bytes, so the check must see them too.
  const bytes = binaryFromText(text);
  const fields = splitFields(bytes);
  if (fields.length !== 1 || fields[0] !== bytes) {
    throw new TypeError(
      `A ${name} must be non-empty and free of white space, found ${JSON.stringify(text)}`,
    );
  }
  return text;
}

function expectOk(reply: string): void {
  if (reply !== "+OK") throw replyError(reply);
}

function replyError(reply: string): Error {
  return reply.startsWith("-")
    ? new WalkvError(reply.slice(1))
    : new Error(`Unexpected reply from walkv: ${JSON.stringify(reply)}`);
}
