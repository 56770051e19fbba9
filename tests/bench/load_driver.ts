import { LatencyHistogram } from "./latency_histogram.ts";
import { LoadGenerator, type PhaseResult } from "./load_generator.ts";
import type { WorkerReply, WorkerRequest } from "./load_worker.ts";
import type { WorkloadShape } from "./workload_shape.ts";

/** Options for {@linkcode LoadDriver.create}. */
export interface LoadDriverOptions {
  /**
   * Worker threads to run the connections in, split evenly; 0 runs them on
   * the calling thread. Default 0.
   */
  workers?: number;
}

/**
 * The client side of the benchmark: one {@linkcode LoadGenerator} on this
 * thread, or one per Worker, behind the same three calls. The Workers live
 * as long as the driver; each workload opens its own connections.
 *
 * @example
 * ```ts
 * const driver = LoadDriver.create({ workers: 1 });
 * await driver.open(port, shape, 50);
 * const result = await driver.run(3);
 * await driver.closeConnections();
 * driver.terminate();
 * ```
 */
export class LoadDriver {
  readonly #workers: WorkerChannel[];
  #local: LoadGenerator | null = null;

  private constructor(workers: WorkerChannel[]) {
    this.#workers = workers;
  }

  static create(options: LoadDriverOptions = {}): LoadDriver {
    const count = options.workers ?? 0;
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`Worker count must be an integer >= 0, found ${count}`);
    }
    const url = new URL("./load_worker.ts", import.meta.url).href;
    return new LoadDriver(
      Array.from({ length: count }, () => new WorkerChannel(new Worker(url, { type: "module" }))),
    );
  }

  /** Opens `connections` connections to `port` for `shape`. */
  async open(port: number, shape: WorkloadShape, connections: number): Promise<void> {
    await this.closeConnections();
    if (this.#workers.length === 0) {
      this.#local = await LoadGenerator.open({ port, shape, connections });
      return;
    }
    let first = 0;
    await Promise.all(this.#workers.map((worker, i) => {
      const share = Math.floor(connections / this.#workers.length) +
        (i < connections % this.#workers.length ? 1 : 0);
      const options = {
        port,
        shape,
        connections: share,
        firstConnection: first,
        totalConnections: connections,
      };
      first += share;
      return worker.call({ type: "open", options });
    }));
  }

  /** Drives every open connection for `seconds`; results of all threads combined. */
  async run(seconds: number): Promise<PhaseResult> {
    if (this.#workers.length === 0) {
      if (this.#local === null) throw new Error("Run requested before open");
      return await this.#local.run(seconds);
    }
    const replies = await Promise.all(this.#workers.map((w) => w.call({ type: "run", seconds })));
    const latencies = new LatencyHistogram();
    let requests = 0;
    let elapsedMillis = 0;
    for (const reply of replies) {
      latencies.add(new LatencyHistogram(reply.counts));
      requests += reply.requests ?? 0;
      elapsedMillis = Math.max(elapsedMillis, reply.elapsedMillis ?? 0);
    }
    return { requests, elapsedMillis, latencies };
  }

  /** Closes the connections of the current workload, if any. */
  async closeConnections(): Promise<void> {
    this.#local?.close();
    this.#local = null;
    await Promise.all(this.#workers.map((w) => w.call({ type: "close" })));
  }

  /** Closes everything and stops the Workers. */
  terminate(): void {
    this.#local?.close();
    this.#local = null;
    for (const worker of this.#workers) worker.terminate();
  }
}

/** One Worker, one request at a time. */
class WorkerChannel {
  readonly #worker: Worker;
  #pending: PromiseWithResolvers<WorkerReply & { type: "done" }> | null = null;

  constructor(worker: Worker) {
    this.#worker = worker;
    worker.onmessage = (event: MessageEvent<WorkerReply>) => {
      const pending = this.#pending;
      this.#pending = null;
      if (pending === null) return;
      const reply = event.data;
      if (reply.type === "error") pending.reject(new Error(`Load worker: ${reply.message}`));
      else pending.resolve(reply);
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault();
      this.#pending?.reject(new Error(`Load worker crashed: ${event.message}`));
      this.#pending = null;
    };
  }

  call(request: WorkerRequest): Promise<WorkerReply & { type: "done" }> {
    if (this.#pending !== null) throw new Error("Load worker is busy with another request");
    this.#pending = Promise.withResolvers();
    this.#worker.postMessage(request);
    return this.#pending.promise;
  }

  terminate(): void {
    this.#pending?.reject(new Error("Load worker terminated"));
    this.#pending = null;
    this.#worker.terminate();
  }
}
