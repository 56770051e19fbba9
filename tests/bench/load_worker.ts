/**
 * A Worker that runs a {@linkcode LoadGenerator} for {@linkcode LoadDriver},
 * so the client side of a benchmark can use more than one thread.
 *
 * Messages in: `{ type: "open", options }`, `{ type: "run", seconds }`,
 * `{ type: "close" }`. Each is answered by one message out: `{ type: "done" }`
 * (for `run`, with `requests`, `elapsedMillis` and the histogram's `counts`),
 * or `{ type: "error", message }`.
 *
 * @module
 */
import { LoadGenerator, type LoadGeneratorOptions } from "./load_generator.ts";

/** A message to the worker. */
export type WorkerRequest =
  | { type: "open"; options: LoadGeneratorOptions }
  | { type: "run"; seconds: number }
  | { type: "close" };

/** The worker's answer to one {@linkcode WorkerRequest}. */
export type WorkerReply =
  | { type: "done"; requests?: number; elapsedMillis?: number; counts?: Float64Array<ArrayBuffer> }
  | { type: "error"; message: string };

/** The parts of the Worker global scope used here, typed without the worker lib. */
interface WorkerScope {
  onmessage: ((event: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply, transfer?: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;
let generator: LoadGenerator | null = null;

async function handle(request: WorkerRequest): Promise<void> {
  switch (request.type) {
    case "open":
      generator?.close();
      generator = await LoadGenerator.open(request.options);
      scope.postMessage({ type: "done" });
      return;
    case "run": {
      if (generator === null) throw new Error("Run requested before open");
      const result = await generator.run(request.seconds);
      const counts = result.latencies.counts;
      scope.postMessage(
        { type: "done", requests: result.requests, elapsedMillis: result.elapsedMillis, counts },
        [counts.buffer],
      );
      return;
    }
    case "close":
      generator?.close();
      generator = null;
      scope.postMessage({ type: "done" });
      return;
  }
}

scope.onmessage = (event) => {
  handle(event.data).catch((error: unknown) => {
    scope.postMessage({
      type: "error",
      message: error instanceof Error ? error.message : String(error),
    });
  });
};
