/**
 * A digest of one huge flat RESP2 array reply (HGETALL, SMEMBERS, ZRANGE …
 * WITHSCORES, LRANGE of a million elements), read straight off the socket
 * in chunks: {@linkcode readRespReply} keeps the reply as one growing
 * string, which costs quadratic time at tens of megabytes.
 *
 * @module
 */
import { frame } from "./resp_frames.ts";
import type { RawConnection } from "./server_process.ts";

/** What {@linkcode arrayDigest} found: the element count and a SHA-256 of the reply's bytes. */
export interface ArrayDigest {
  elements: number;
  sha256: string;
}

const CR = 0x0d;

/**
 * Where a flat array of bulk strings ends, fed a chunk at a time: the array
 * header, then each element's `$len` line and body. Returns the offset just
 * past the reply in the latest chunk, or -1 while it goes on.
 */
class FlatArrayScanner {
  /** Elements still to come; -1 before the header is read. */
  left = -1;
  elements = 0;
  /** Body bytes (with CRLF) still to skip. */
  #skip = 0;
  /** A header line being read, across chunks. */
  #line = "";
  /** Whether the LF of a header's CRLF is still to come. */
  #lf = false;

  feed(chunk: Uint8Array): number {
    let at = 0;
    if (this.#lf && chunk.length > 0) {
      this.#lf = false;
      at = 1;
      if (this.left === 0 && this.#skip === 0) return at;
    }
    while (at < chunk.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, chunk.length - at);
        this.#skip -= n;
        at += n;
        if (this.#skip === 0 && this.left === 0) return at;
        continue;
      }
      const end = chunk.indexOf(CR, at);
      if (end === -1) {
        this.#line += String.fromCharCode(...chunk.subarray(at));
        return -1;
      }
      const line = this.#line + String.fromCharCode(...chunk.subarray(at, end));
      this.#line = "";
      at = end + 2;
      if (at > chunk.length) {
        at = chunk.length;
        this.#lf = true;
      }
      if (this.left === -1) {
        if (!line.startsWith("*")) throw new SyntaxError(`Expected an array, found ${line}`);
        this.left = this.elements = Number(line.slice(1));
        if (this.left === 0 && !this.#lf) return at;
        continue;
      }
      if (!line.startsWith("$")) throw new SyntaxError(`Expected a bulk string, found ${line}`);
      this.#skip = Number(line.slice(1)) + 2;
      this.left--;
    }
    return -1;
  }
}

/**
 * Sends `args` on `connection` and digests the flat array reply.
 *
 * @example
 * ```ts
 * const before = await arrayDigest(connection, "HGETALL", "big");
 * // ... restart ...
 * assertEquals(await arrayDigest(other, "HGETALL", "big"), before);
 * ```
 */
export async function arrayDigest(
  connection: RawConnection,
  ...args: string[]
): Promise<ArrayDigest> {
  if (connection.pending.length > 0) throw new Error("bytes are pending before the reply");
  await connection.send(frame(...args));
  const scanner = new FlatArrayScanner();
  const chunks: Uint8Array[] = [];
  const buffer = new Uint8Array(1 << 20);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const n = await connection.readChunk(buffer, deadline);
    if (n === null) throw new Error(`the connection closed in the reply to ${args[0]}`);
    const chunk = buffer.slice(0, n);
    const end = scanner.feed(chunk);
    chunks.push(end === -1 ? chunk : chunk.subarray(0, end));
    if (end !== -1) {
      if (end !== n) throw new Error(`bytes after the reply to ${args[0]}`);
      break;
    }
  }
  const all = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.length;
  }
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return {
    elements: scanner.elements,
    sha256: [...hash].map((b) => b.toString(16).padStart(2, "0")).join(""),
  };
}
