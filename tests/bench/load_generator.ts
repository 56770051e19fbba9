import { closeQuietly } from "../../src/io/close_quietly.ts";
import { writeAll } from "../../src/io/write_all.ts";
import { LatencyHistogram } from "./latency_histogram.ts";
import { connectionBatches, replyLength, type WorkloadShape } from "./workload_shape.ts";

/** Where and how hard a {@linkcode LoadGenerator} drives. */
export interface LoadGeneratorOptions {
  /** Loopback port of the server under test. */
  port: number;
  /** What every connection sends. */
  shape: WorkloadShape;
  /** Connections this generator opens. */
  connections: number;
  /**
   * The number of this generator's first connection among all the workload's
   * connections, and that total; they choose which keys each connection
   * uses, so generators split over Workers still cover every key once.
   * Default 0 and `connections`.
   */
  firstConnection?: number;
  totalConnections?: number;
}

/** What one timed phase measured. */
export interface PhaseResult {
  /** Requests answered (whole batches only). */
  requests: number;
  /** From the start of the phase until the last connection's last batch came back. */
  elapsedMillis: number;
  /** Per-request round trips; see {@linkcode LatencyHistogram}. */
  latencies: LatencyHistogram;
}

/** How long after a phase's end a connection may still wait for its replies. */
const STALL_GRACE_MS = 5_000;

/**
 * A closed-loop load generator: each connection writes one precomputed batch
 * of `depth` requests in a single write, waits for all its replies, records
 * the round trip, and sends the next batch, until the phase ends.
 *
 * It is built to cost the client as little CPU per request as possible, so
 * that the server is what limits the numbers: request bytes are encoded once
 * per connection before any timing and then reused; replies are never decoded,
 * only counted by length (every reply of a workload has the same known size,
 * see {@linkcode replyLength}); each connection reads into one reused buffer;
 * Nagle is off. The first batch of every connection is compared byte for byte
 * with the exact expected replies, so a server answering with errors fails the
 * run instead of being counted; after that a wrong-sized answer still fails it.
 *
 * @example
 * ```ts
 * const shape = { protocol: "walkv", operation: "GET", depth: 1, keyCount: 10_000 } as const;
 * const generator = await LoadGenerator.open({ port, shape, connections: 50 });
 * await generator.run(0.5); // warm-up
 * const { requests, elapsedMillis, latencies } = await generator.run(3);
 * generator.close();
 * ```
 */
export class LoadGenerator {
  readonly #drivers: ConnectionDriver[];

  private constructor(drivers: ConnectionDriver[]) {
    this.#drivers = drivers;
  }

  /** Connects every connection and encodes its batches; nothing is sent yet. */
  static async open(options: LoadGeneratorOptions): Promise<LoadGenerator> {
    const first = options.firstConnection ?? 0;
    const total = options.totalConnections ?? options.connections;
    const replyBytes = replyLength(options.shape) * options.shape.depth;
    const drivers: ConnectionDriver[] = [];
    try {
      for (let i = 0; i < options.connections; i++) {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: options.port });
        conn.setNoDelay(true);
        const batches = connectionBatches(options.shape, first + i, total);
        drivers.push(new ConnectionDriver(conn, batches, options.shape.depth, replyBytes));
      }
    } catch (error: unknown) {
      for (const driver of drivers) driver.close();
      throw error;
    }
    return new LoadGenerator(drivers);
  }

  /** Drives every connection for `seconds` and returns what was measured. */
  async run(seconds: number): Promise<PhaseResult> {
    const latencies = new LatencyHistogram();
    const start = performance.now();
    const deadline = start + seconds * 1000;
    const stalled = setTimeout(() => {
      for (const driver of this.#drivers) driver.close();
    }, seconds * 1000 + STALL_GRACE_MS);
    try {
      const counts = await Promise.all(this.#drivers.map((d) => d.drive(deadline, latencies)));
      return {
        requests: counts.reduce((a, b) => a + b, 0),
        elapsedMillis: performance.now() - start,
        latencies,
      };
    } catch (error: unknown) {
      if (error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted) {
        throw new Error(
          `Server did not answer within ${STALL_GRACE_MS} ms after the phase ended ` +
            `(a reply shorter than expected, e.g. an error, also looks like this)`,
          { cause: error },
        );
      }
      throw error;
    } finally {
      clearTimeout(stalled);
    }
  }

  /** Closes every connection. */
  close(): void {
    for (const driver of this.#drivers) driver.close();
  }
}

/** One connection's closed loop. */
class ConnectionDriver {
  readonly #conn: Deno.TcpConn;
  readonly #batches: { requests: Uint8Array; replies: Uint8Array }[];
  readonly #depth: number;
  readonly #replyBytes: number;
  readonly #buffer: Uint8Array;
  #next = 0;
  #verified = false;
  #closed = false;

  constructor(
    conn: Deno.TcpConn,
    batches: { requests: Uint8Array; replies: Uint8Array }[],
    depth: number,
    replyBytes: number,
  ) {
    this.#conn = conn;
    this.#batches = batches;
    this.#depth = depth;
    this.#replyBytes = replyBytes;
    // Room for more than a batch's replies, so an oversized answer is seen.
    this.#buffer = new Uint8Array(replyBytes + 64 * 1024);
  }

  /** Sends batches until `deadline`; returns the requests answered. */
  async drive(deadline: number, latencies: LatencyHistogram): Promise<number> {
    const conn = this.#conn;
    const buffer = this.#buffer;
    const expected = this.#replyBytes;
    const depth = this.#depth;
    let requests = 0;
    let now = performance.now();
    while (now < deadline) {
      const batch = this.#batches[this.#next];
      this.#next = (this.#next + 1) % this.#batches.length;
      const sent = now;
      await writeAll(conn, batch.requests);
      let received = 0;
      while (received < expected) {
        const n = await conn.read(received === 0 ? buffer : buffer.subarray(received));
        if (n === null) throw new Error("Server closed the connection in the middle of a batch");
        received += n;
      }
      now = performance.now();
      if (received !== expected) {
        throw new Error(
          `Expected ${expected} reply bytes for a batch, received ${received}: ` +
            JSON.stringify(new TextDecoder().decode(buffer.subarray(0, Math.min(received, 200)))),
        );
      }
      if (!this.#verified) this.#verify(batch.replies);
      latencies.record(now - sent, depth);
      requests += depth;
    }
    return requests;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.#conn);
  }

  #verify(replies: Uint8Array): void {
    for (let i = 0; i < replies.length; i++) {
      if (this.#buffer[i] !== replies[i]) {
        const decoder = new TextDecoder();
        throw new Error(
          `Server replied ${
            JSON.stringify(decoder.decode(this.#buffer.subarray(0, replies.length)))
          }` +
            `, expected ${JSON.stringify(decoder.decode(replies))}`,
        );
      }
    }
    this.#verified = true;
  }
}
