/**
 * A subscriber that stops reading must not grow the server's memory without
 * bound: a publisher floods its channel with 400 MB of messages while it
 * reads nothing, and walkv must disconnect it once its unsent output passes
 * Redis's `client-output-buffer-limit pubsub` hard limit (32 MB), log that it
 * did, keep its resident set (VmRSS in `/proc`) far below what the flood
 * would take, and keep serving everyone else: another client's PINGs are
 * answered throughout, and a subscriber that does read gets every message.
 *
 * Bounds are wide, bounded against unbounded rather than a size to the byte:
 * the garbage collector and the allocator decide when freed memory leaves
 * the process, and the machine is shared.
 */
import { assert, assertEquals } from "@std/assert";
import { canReadProcessMemory, megabytes, residentBytes } from "../helpers/process_memory.ts";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const MB = 1_000_000;
/** Each message's payload. */
const MESSAGE_BYTES = 64 * 1024;
/** Messages published: about 420 MB in all, 13 times the hard limit. */
const MESSAGES = 6400;
/** Messages per write of the publisher. */
const MESSAGES_PER_WRITE = 16;
/**
 * What the flood may add to the server's RSS at its peak: the 32 MB limit on
 * the stalled subscriber's output, held once queued and once being moved
 * into its replies, the reading subscriber's batches, the publisher's
 * requests and garbage not yet collected. Unbounded, the stalled
 * subscriber's queue alone would take the whole flood, over 400 MB.
 */
const FLOOD_ALLOWANCE_BYTES = 160 * MB;
/** How often the server's RSS is sampled during the flood. */
const SAMPLE_MS = 50;
/** The longest round trip another client may see during the flood. */
const PROBE_TIMEOUT_MS = 3_000;

const procProblem = canReadProcessMemory()
  ? null
  : "no /proc/<pid>/status to read a process's memory from";
if (procProblem !== null) console.warn(`pubsub_memory_test: ignored: ${procProblem}`);

/** Reads and checks `count` messages of `payloadBytes` bytes each on `channel`, keeping none. */
async function drainMessages(
  connection: RawConnection,
  channel: string,
  payloadBytes: number,
  count: number,
): Promise<void> {
  const one = `*3\r\n$7\r\nmessage\r\n$${channel.length}\r\n${channel}\r\n$${payloadBytes}\r\n`
    .length + payloadBytes + 2;
  const total = one * count;
  const buffer = new Uint8Array(1024 * 1024);
  const deadline = Date.now() + 60_000;
  let received = 0;
  while (received < total) {
    const n = await connection.readChunk(buffer, deadline);
    if (n === null) throw new Error(`the reading subscriber was closed after ${received} bytes`);
    received += n;
  }
  assertEquals(received, total, "bytes the reading subscriber received");
}

/** Reads and drops what arrives on `connection` until the server closes it; the byte count. */
async function bytesUntilClosed(connection: RawConnection, timeoutMs: number): Promise<number> {
  const buffer = new Uint8Array(1024 * 1024);
  const deadline = Date.now() + timeoutMs;
  let received = connection.pending.length;
  while (true) {
    let n: number | null;
    try {
      n = await connection.readChunk(buffer, deadline);
    } catch (error: unknown) {
      if (error instanceof Deno.errors.ConnectionReset) return received;
      throw new Error(`the connection stayed open (${megabytes(received)} read): ${error}`);
    }
    if (n === null) return received;
    received += n;
  }
}

Deno.test({
  name: "pubsub memory: a subscriber that stops reading is disconnected at the output limit, " +
    "the server's memory stays bounded and others are served",
  ignore: procProblem !== null,
  async fn() {
    await using dir = await tempDir();
    await using server = await startServer({ walDir: dir.path });
    const pid = server.process.pid;

    using stalled = await RawConnection.connect(server.port);
    assertEquals(
      await respCall(stalled, "SUBSCRIBE", "flood"),
      "*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n",
    );
    // A subscriber that reads everything, on a channel that gets a share of the flood.
    using reader = await RawConnection.connect(server.port);
    assertEquals(
      await respCall(reader, "SUBSCRIBE", "steady"),
      "*3\r\n$9\r\nsubscribe\r\n$6\r\nsteady\r\n:1\r\n",
    );
    using probe = await RawConnection.connect(server.port);
    using publisher = await RawConnection.connect(server.port);
    assertEquals(await respCall(probe, "PING"), "+PONG\r\n");
    const baseline = await residentBytes(pid);

    const payload = new Uint8Array(MESSAGE_BYTES).fill(0x61);
    const batch = new Uint8Array(
      Array.from({ length: MESSAGES_PER_WRITE }, () => [...frame("PUBLISH", "flood", payload)])
        .flat(),
    );
    const steadyMessages = MESSAGES / MESSAGES_PER_WRITE;
    const steady = frame("PUBLISH", "steady", payload);

    let peak = baseline;
    let flooding = true;
    const sampling = (async () => {
      while (flooding) {
        peak = Math.max(peak, await residentBytes(pid));
        await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      }
    })();
    let slowestPing = 0;
    const probing = (async () => {
      while (flooding) {
        const started = performance.now();
        await probe.send(frame("PING"));
        assertEquals(await readRespReply(probe, PROBE_TIMEOUT_MS), "+PONG\r\n");
        slowestPing = Math.max(slowestPing, performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const reading = drainMessages(reader, "steady", MESSAGE_BYTES, steadyMessages);

    const started = performance.now();
    for (let i = 0; i < steadyMessages; i++) {
      await publisher.send(batch);
      await publisher.send(steady);
    }
    // Every PUBLISH is answered; the later ones reach only the reading subscriber.
    const counts = new Map<string, number>();
    for (let i = 0; i < MESSAGES + steadyMessages; i++) {
      const reply = await readRespReply(publisher, 60_000);
      counts.set(reply, (counts.get(reply) ?? 0) + 1);
    }
    const floodSeconds = (performance.now() - started) / 1000;
    await reading;
    flooding = false;
    await Promise.all([sampling, probing]);

    const grown = peak - baseline;
    console.log(
      `pubsub flood of ${megabytes(MESSAGES * MESSAGE_BYTES)} in ${floodSeconds.toFixed(1)} s: ` +
        `server RSS ${megabytes(baseline)} → peak ${megabytes(peak)} (+${megabytes(grown)}), ` +
        `slowest PING ${slowestPing.toFixed(0)} ms`,
    );
    assert(
      grown < FLOOD_ALLOWANCE_BYTES,
      `the server's RSS grew by ${megabytes(grown)}, over ${megabytes(FLOOD_ALLOWANCE_BYTES)}`,
    );
    // The stalled subscriber was closed: after what the kernel had buffered, the stream ends.
    const rest = await bytesUntilClosed(stalled, 10_000);
    assert(rest < 40 * MB, `the stalled subscriber got ${megabytes(rest)}`);
    assert(
      /scheduled to be closed ASAP for overcoming of output buffer limits \(pubsub hard limit/
        .test(server.stderrText()),
      `no output-limit line in the log:\n${server.stderrText()}`,
    );
    assert((counts.get(":0\r\n") ?? 0) > MESSAGES / 2, `PUBLISH replies: ${[...counts]}`);
    assertEquals(
      await respCall(publisher, "PUBSUB", "NUMSUB", "flood", "steady"),
      [
        "*4\r\n",
        "$5\r\nflood\r\n:0\r\n",
        "$6\r\nsteady\r\n:1\r\n",
      ].join(""),
    );
    assertEquals(await respCall(probe, "PING"), "+PONG\r\n");
  },
});
