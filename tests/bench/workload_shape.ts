/**
 * What a benchmark workload sends and what it expects back, in both wire
 * formats the generator speaks: walkv's text protocol and Redis's RESP. Every
 * key and value is exactly 16 bytes, so every reply to a workload has one
 * known size and the generator counts replies by counting bytes.
 *
 * @example
 * ```ts
 * const shape: WorkloadShape = { protocol: "walkv", operation: "GET", depth: 16, keyCount: 10_000 };
 * const { requests, replies } = encodeBatch(shape, [0, 1, 2]);
 * replyLength(shape); // 21: "+OK " + 16-byte value + "\n"
 * ```
 */
export interface WorkloadShape {
  /** `walkv` text lines (`GET k\n`) or Redis RESP arrays. */
  protocol: Protocol;
  /** Every request in the workload is this command. */
  operation: Operation;
  /** Requests per batch: written together, answered together. 1 is unpipelined. */
  depth: number;
  /** Keys are `keyName(0)` … `keyName(keyCount - 1)`. */
  keyCount: number;
}

/** The two wire formats. */
export type Protocol = "walkv" | "resp";
/** The two commands benchmarked. */
export type Operation = "GET" | "SET";

/** The length of every key and value, in bytes. */
export const FIELD_BYTES = 16;

const encoder = new TextEncoder();

/** The key numbered `index`: 16 ASCII bytes, e.g. `key:000000000042`. */
export function keyName(index: number): string {
  return "key:" + String(index).padStart(FIELD_BYTES - 4, "0");
}

/** The value stored under key `index`: 16 ASCII bytes, e.g. `val:000000000042`. */
export function valueFor(index: number): string {
  return "val:" + String(index).padStart(FIELD_BYTES - 4, "0");
}

/** Bytes of one reply to one request of `shape`. */
export function replyLength(shape: Pick<WorkloadShape, "protocol" | "operation">): number {
  if (shape.protocol === "walkv") {
    return shape.operation === "GET" ? "+OK \n".length + FIELD_BYTES : "+OK\n".length;
  }
  return shape.operation === "GET"
    ? `$${FIELD_BYTES}\r\n\r\n`.length + FIELD_BYTES
    : "+OK\r\n".length;
}

/**
 * The request bytes for the keys numbered `keys` (one request each, in
 * order) and the exact reply bytes a correct server sends back for them.
 */
export function encodeBatch(
  shape: Pick<WorkloadShape, "protocol" | "operation">,
  keys: readonly number[],
): { requests: Uint8Array; replies: Uint8Array } {
  let requests = "";
  let replies = "";
  for (const index of keys) {
    const key = keyName(index);
    const value = valueFor(index);
    if (shape.protocol === "walkv") {
      requests += shape.operation === "GET" ? `GET ${key}\n` : `SET ${key} ${value}\n`;
      replies += shape.operation === "GET" ? `+OK ${value}\n` : "+OK\n";
    } else {
      requests += shape.operation === "GET"
        ? `*2\r\n$3\r\nGET\r\n${bulk(key)}`
        : `*3\r\n$3\r\nSET\r\n${bulk(key)}${bulk(value)}`;
      replies += shape.operation === "GET" ? bulk(value) : "+OK\r\n";
    }
  }
  return { requests: encoder.encode(requests), replies: encoder.encode(replies) };
}

/**
 * The batches connection number `connection` cycles through: together, the
 * connections of a workload touch every key once per cycle, each connection
 * its own stretch of them.
 */
export function connectionBatches(
  shape: WorkloadShape,
  connection: number,
  connections: number,
): { requests: Uint8Array; replies: Uint8Array }[] {
  const perConnection = Math.max(1, Math.ceil(shape.keyCount / (connections * shape.depth)));
  const batches = [];
  for (let b = 0; b < perConnection; b++) {
    const first = (connection * perConnection + b) * shape.depth;
    const keys = Array.from({ length: shape.depth }, (_, j) => (first + j) % shape.keyCount);
    batches.push(encodeBatch(shape, keys));
  }
  return batches;
}

function bulk(text: string): string {
  return `$${text.length}\r\n${text}\r\n`;
}
