/**
 * Transcripts for the differential tests: the same requests sent to walkv
 * and to redis-server, each reply logged (after a narrow normalisation
 * where the two may legitimately differ), so the tests compare two lists.
 *
 * @module
 */
import { frame } from "./resp_frames.ts";
import { readRespReply } from "./resp_reply.ts";
import type { RawConnection } from "./server_process.ts";

/** A scenario's log: one line per step, what was sent and the reply as compared. */
export class Transcript {
  readonly lines: string[] = [];
  readonly #label: (args: string[]) => string;

  /** @param label how a request is written in the log (default: its fields joined by spaces). */
  constructor(label: (args: string[]) => string = (args) => args.join(" ")) {
    this.#label = label;
  }

  /** Sends one request on `connection` and logs its reply, normalised by `normalise`. */
  async call(
    connection: RawConnection,
    args: string[],
    normalise: (reply: string) => string = (reply) => reply,
  ): Promise<string> {
    await connection.send(frame(...args));
    const reply = await readRespReply(connection, 5_000);
    this.lines.push(`${this.#label(args)} -> ${JSON.stringify(normalise(reply))}`);
    return reply;
  }
}

/**
 * HELLO's reply with the two values that legitimately differ between two
 * servers masked: the server's `version` string and the connection's `id`.
 * Everything else (the map or array header, the other fields, `proto`) stays.
 */
export function normaliseHello(reply: string): string {
  return reply
    .replace(/\$7\r\nversion\r\n\$\d+\r\n[^\r]*\r\n/, "$7\r\nversion\r\n<version>\r\n")
    .replace(/\$2\r\nid\r\n:\d+\r\n/, "$2\r\nid\r\n:<id>\r\n");
}

/**
 * An array of simple bulk strings with its elements sorted, for replies whose
 * order Redis leaves to its hash table (KEYS). A reply of any other shape is
 * returned as it is, so it still fails the comparison.
 */
export function sortedArray(reply: string): string {
  const match = /^\*(\d+)\r\n((?:\$\d+\r\n[^\r\n]*\r\n)*)$/.exec(reply);
  if (match === null) return reply;
  const elements = match[2].match(/\$\d+\r\n[^\r\n]*\r\n/g) ?? [];
  if (elements.length !== Number(match[1])) return reply;
  return `*${match[1]}\r\n${elements.sort().join("")}`;
}

/** A SCAN reply with its keys sorted (see {@linkcode sortedArray}); the cursor stays. */
export function sortedScan(reply: string): string {
  const match = /^(\*2\r\n\$\d+\r\n\d+\r\n)(.*)$/s.exec(reply);
  return match === null ? reply : match[1] + sortedArray(match[2]);
}
