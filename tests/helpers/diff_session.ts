/**
 * Scripted multi-client RESP sessions for differential tests: the same list
 * of steps runs against walkv and against a real redis-server, over N raw
 * connections each, and each server's raw reply texts come back in step
 * order, so a test compares the two lists byte for byte.
 *
 * A step names the client (0, 1, …) that sends it, so interleavings between
 * clients (client 0 WATCHes, client 1 writes, client 0 EXECs) are exact: each
 * step's reply is read before the next step is sent.
 *
 * @module
 */
import { RawConnection } from "./server_process.ts";
import { concat, frame } from "./resp_frames.ts";
import { readRespReply } from "./resp_reply.ts";

const decoder = new TextDecoder();

/** One request sent by one client; its one reply is read before the next step. */
export interface CommandStep {
  /** Which connection sends it: 0 for the first, 1 for the second, … */
  client: number;
  /** The request's arguments, command name first, each sent as a bulk string. */
  args: string[];
}

/**
 * Many requests sent by one client in a single write; then one reply per
 * request is read, each its own entry in the result.
 */
export interface PipelineStep {
  client: number;
  pipeline: string[][];
}

/**
 * Reads until the server closes `client`'s connection (after a QUIT, say);
 * the result gets whatever arrived first, then `"(closed)"`.
 */
export interface ClosedStep {
  client: number;
  closed: true;
}

/** A pause between steps (for expiry), producing no result entry. */
export interface SleepStep {
  sleepMs: number;
}

/** What a session is made of. */
export type SessionStep = CommandStep | PipelineStep | ClosedStep | SleepStep;

/** Options for {@linkcode runSession}. */
export interface SessionOptions {
  /** How long any one reply may take. Default 5000 ms. */
  timeoutMs?: number;
}

/**
 * Opens as many connections to `port` as the steps name, runs the steps in
 * order and returns each reply's exact text (`"+OK\r\n"`, `"*-1\r\n"`, …) in
 * step order. Connections are closed when it returns or throws.
 *
 * @example
 * ```ts
 * const replies = await runSession(port, [
 *   { client: 0, args: ["WATCH", "k"] },
 *   { client: 1, args: ["SET", "k", "1"] },
 *   { client: 0, args: ["MULTI"] },
 *   { client: 0, args: ["EXEC"] },
 * ]);
 * // ["+OK\r\n", "+OK\r\n", "+OK\r\n", "*-1\r\n"] from Redis 7
 * ```
 */
export async function runSession(
  port: number,
  steps: readonly SessionStep[],
  options: SessionOptions = {},
): Promise<string[]> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const connections: RawConnection[] = [];
  const connection = async (client: number) => {
    while (connections.length <= client) connections.push(await RawConnection.connect(port));
    return connections[client];
  };
  const replies: string[] = [];
  try {
    for (const step of steps) {
      if ("sleepMs" in step) {
        await new Promise((resolve) => setTimeout(resolve, step.sleepMs));
      } else if ("closed" in step) {
        const rest = await (await connection(step.client)).readToEnd(timeoutMs);
        replies.push(decoder.decode(rest) + "(closed)");
      } else if ("pipeline" in step) {
        const conn = await connection(step.client);
        await conn.send(concat(...step.pipeline.map((args) => frame(...args))));
        for (let i = 0; i < step.pipeline.length; i++) {
          replies.push(await readRespReply(conn, timeoutMs));
        }
      } else {
        const conn = await connection(step.client);
        await conn.send(frame(...step.args));
        replies.push(await readRespReply(conn, timeoutMs));
      }
    }
  } finally {
    for (const conn of connections) conn.close();
  }
  return replies;
}

/**
 * A session's replies next to the requests that produced them, one line
 * each (`"1> SET k v  =>  +OK\r\n"`, shown JSON-quoted), so a failed
 * comparison shows which step went wrong. A pipeline step yields one line per
 * request.
 *
 * @example
 * ```ts
 * transcript(steps, await runSession(port, steps));
 * ```
 */
export function transcript(steps: readonly SessionStep[], replies: readonly string[]): string[] {
  const lines: string[] = [];
  let next = 0;
  const line = (client: number, request: string) =>
    lines.push(`${client}> ${request}  =>  ${JSON.stringify(replies[next++] ?? "(none)")}`);
  for (const step of steps) {
    if ("sleepMs" in step) continue;
    if ("closed" in step) line(step.client, "(wait for close)");
    else if ("pipeline" in step) {
      for (const args of step.pipeline) line(step.client, shorten(args));
    } else line(step.client, shorten(step.args));
  }
  return lines;
}

/** A request as text, cut short if it is very long (a 10,000-key WATCH). */
function shorten(args: readonly string[]): string {
  const text = args.join(" ");
  return text.length <= 120 ? text : `${text.slice(0, 100)}… (${args.length} args)`;
}
