/**
 * A loopback TCP server whose every connection a test scripts: one that
 * accepts and never answers, one that hangs up with a command unanswered, one
 * that answers late. For client tests that a real server cannot be made to
 * fail on cue. Everything it opened is closed and awaited by `close` (or
 * `await using`), so the sanitizers stay on.
 *
 * @module
 */
import { closeQuietly } from "../../src/io/close_quietly.ts";
import { writeAll } from "../../src/io/write_all.ts";

/** What to do with the `index`-th connection accepted (0 first); the server closes it after. */
export type Script = (conn: Deno.TcpConn, index: number) => Promise<void>;

/** A running {@linkcode scriptedServer}. */
export interface ScriptedServer extends AsyncDisposable {
  readonly port: number;
  /** How many connections were accepted so far. */
  readonly accepted: number;
  /** Every command read by {@linkcode readCommands} on any connection, in order. */
  readonly commands: string[][];
  /** Stops accepting, closes every connection, waits for every script. */
  close(): Promise<void>;
}

/**
 * Listens on a free loopback port and runs `script` on each connection.
 *
 * @example
 * ```ts
 * await using silent = scriptedServer((conn) => drain(conn));
 * ```
 */
export function scriptedServer(script: Script): ScriptedServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const open = new Set<Deno.TcpConn>();
  const running: Promise<void>[] = [];
  const commands: string[][] = [];
  let accepted = 0;
  const accepting = (async () => {
    try {
      for await (const conn of listener) {
        open.add(conn);
        const index = accepted++;
        running.push(
          script(conn, index).catch(() => {}).finally(() => {
            open.delete(conn);
            closeQuietly(conn);
          }),
        );
      }
    } catch (error: unknown) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  })();
  const server: ScriptedServer = {
    port: (listener.addr as Deno.NetAddr).port,
    get accepted() {
      return accepted;
    },
    commands,
    async close() {
      closeQuietly(listener);
      await accepting;
      for (const conn of open) closeQuietly(conn);
      await Promise.all(running);
    },
    [Symbol.asyncDispose]() {
      return server.close();
    },
  };
  return server;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** Bytes read but not yet parsed, per connection. */
const unread = new WeakMap<Deno.TcpConn, string>();

/**
 * Reads `count` RESP commands from `conn` (ASCII arguments only) and records
 * them in `server.commands`; throws if the client hangs up first.
 */
export async function readCommands(
  server: ScriptedServer,
  conn: Deno.TcpConn,
  count: number,
): Promise<string[][]> {
  const out: string[][] = [];
  let text = unread.get(conn) ?? "";
  const chunk = new Uint8Array(64 * 1024);
  while (out.length < count) {
    const parsed = parseCommand(text);
    if (parsed !== null) {
      out.push(parsed.args);
      server.commands.push(parsed.args);
      text = text.slice(parsed.length);
      continue;
    }
    const n = await conn.read(chunk);
    if (n === null) throw new Error(`The client hung up after ${out.length} of ${count} commands`);
    text += decoder.decode(chunk.subarray(0, n));
  }
  unread.set(conn, text);
  return out;
}

/** Reads and drops everything until the client hangs up: a server that never answers. */
export async function drain(conn: Deno.TcpConn): Promise<void> {
  const chunk = new Uint8Array(64 * 1024);
  while (await conn.read(chunk) !== null) { /* never answer */ }
}

/** Writes `text` to `conn`. */
export function answer(conn: Deno.TcpConn, text: string): Promise<void> {
  return writeAll(conn, encoder.encode(text));
}

function parseCommand(text: string): { args: string[]; length: number } | null {
  const header = /^\*(\d+)\r\n/.exec(text);
  if (header === null) return null;
  let at = header[0].length;
  const args: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const bulk = /^\$(\d+)\r\n/.exec(text.slice(at));
    if (bulk === null) return null;
    at += bulk[0].length;
    const length = Number(bulk[1]);
    if (text.length < at + length + 2) return null;
    args.push(text.slice(at, at + length));
    at += length + 2;
  }
  return { args, length: at };
}
