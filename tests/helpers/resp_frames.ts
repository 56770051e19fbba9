const encoder = new TextEncoder();

/** Bytes from text (UTF-8) and byte arrays, joined. */
export function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) => typeof part === "string" ? encoder.encode(part) : part);
  const joined = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    joined.set(chunk, at);
    at += chunk.length;
  }
  return joined;
}

/**
 * One RESP request, as a client library frames it: an array of bulk
 * strings (text arguments are sent as UTF-8).
 *
 * @example
 * ```ts
 * frame("GET", "k"); // the bytes of "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
 * ```
 */
export function frame(...args: (string | Uint8Array)[]): Uint8Array {
  const parts: (string | Uint8Array)[] = [`*${args.length}\r\n`];
  for (const arg of args) {
    const bytes = typeof arg === "string" ? encoder.encode(arg) : arg;
    parts.push(`$${bytes.length}\r\n`, bytes, "\r\n");
  }
  return concat(...parts);
}

/** A bulk-string reply, or the null bulk for `null`/`undefined`. */
export function bulkReply(value: string | Uint8Array | null | undefined): Uint8Array {
  if (value === null || value === undefined) return encoder.encode("$-1\r\n");
  const bytes = typeof value === "string" ? encoder.encode(value) : value;
  return concat(`$${bytes.length}\r\n`, bytes, "\r\n");
}
