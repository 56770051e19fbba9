import { writeAll } from "../../src/io/write_all.ts";
import { encodeBatch, type Protocol } from "./workload_shape.ts";

/** SETs sent per write while preloading. */
const PRELOAD_BATCH = 1_000;

/**
 * Stores `valueFor(i)` under `keyName(i)` for every i below `keyCount`, over
 * one pipelined connection, checking every reply byte, so that GET workloads
 * always hit and have one reply size.
 *
 * @example
 * ```ts
 * await preloadKeys(port, "walkv", 10_000);
 * ```
 */
export async function preloadKeys(port: number, protocol: Protocol, keyCount: number) {
  using conn = await Deno.connect({ hostname: "127.0.0.1", port });
  conn.setNoDelay(true);
  for (let first = 0; first < keyCount; first += PRELOAD_BATCH) {
    const length = Math.min(PRELOAD_BATCH, keyCount - first);
    const keys = Array.from({ length }, (_, i) => first + i);
    const { requests, replies } = encodeBatch({ protocol, operation: "SET" }, keys);
    await writeAll(conn, requests);
    const received = new Uint8Array(replies.length);
    let got = 0;
    while (got < received.length) {
      const n = await conn.read(received.subarray(got));
      if (n === null) throw new Error(`Server closed the connection while preloading key ${first}`);
      got += n;
    }
    if (!received.every((byte, i) => byte === replies[i])) {
      const text = new TextDecoder().decode(received.subarray(0, 200));
      throw new Error(`Preloading: expected only OK replies, received ${JSON.stringify(text)}`);
    }
  }
}
