import { closeQuietly } from "../../src/io/close_quietly.ts";
import { writeAll } from "../../src/io/write_all.ts";
import { keyName } from "./workload_shape.ts";

/** Options for {@linkcode bulkLoad}. */
export interface BulkLoadOptions {
  /** Keys `keyName(0)` … `keyName(count - 1)` are set. */
  count: number;
  /** The value for key number `index`. */
  value: (index: number) => string;
  /** Connections writing at once, each its own share of the keys. Default 4. */
  connections?: number;
  /** SETs per write; the connection waits for all their replies before the next. Default 1000. */
  batch?: number;
}

const encoder = new TextEncoder();
const OK = encoder.encode("+OK\r\n");

/**
 * Sets `count` keys over RESP as fast as a durable server takes them:
 * pipelined `SET key value` requests, `batch` per write, on a few
 * connections at once so a group-committing WAL syncs many batches together.
 * One `SET` per key (not `MSET`), so a WAL or AOF ends up with one record per
 * write. Every reply must be `+OK`.
 *
 * @example
 * ```ts
 * await bulkLoad(port, { count: 1_000_000, value: valueFor });
 * ```
 */
export async function bulkLoad(port: number, options: BulkLoadOptions): Promise<void> {
  const connections = options.connections ?? 4;
  const batch = options.batch ?? 1000;
  const batches = Math.ceil(options.count / batch);
  let next = 0; // the next batch to send, shared by all connections
  const writer = async () => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    try {
      const received = new Uint8Array(batch * OK.length);
      while (next < batches) {
        const first = next++ * batch;
        const length = Math.min(batch, options.count - first);
        let requests = "";
        for (let i = first; i < first + length; i++) {
          const key = keyName(i);
          const value = options.value(i);
          requests += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n` +
            `$${value.length}\r\n${value}\r\n`;
        }
        await writeAll(conn, encoder.encode(requests));
        const expected = length * OK.length;
        let got = 0;
        while (got < expected) {
          const n = await conn.read(received.subarray(got, expected));
          if (n === null) {
            throw new Error(`Server closed the connection while setting key ${first}`);
          }
          got += n;
        }
        for (let i = 0; i < expected; i++) {
          if (received[i] !== OK[i % OK.length]) {
            const text = new TextDecoder().decode(received.subarray(i - (i % OK.length), i + 100));
            throw new Error(
              `Setting keys: expected only +OK replies, received ${JSON.stringify(text)}`,
            );
          }
        }
      }
    } finally {
      closeQuietly(conn);
    }
  };
  await Promise.all(Array.from({ length: connections }, writer));
}
