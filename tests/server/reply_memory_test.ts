/**
 * What replies cost the server's memory, measured from outside as its
 * resident set (VmRSS in `/proc`): clients that pipeline large GETs and never
 * read must not grow it without bound (backpressure), and must not starve
 * anyone else; a single reply far larger than the backpressure bound still
 * arrives whole; and idle connections must not keep the buffer of their
 * largest reply. Each runs over the text protocol and RESP.
 *
 * Bounds are wide, bounded against unbounded rather than a size to the byte:
 * the garbage collector and the allocator decide when freed memory leaves
 * the process, and the machine is shared.
 */
import { assert, assertEquals } from "@std/assert";
import { canReadProcessMemory, megabytes, residentBytes } from "../helpers/process_memory.ts";
import { bulkReply, concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const PROTOCOLS = ["text", "RESP"] as const;
type Protocol = typeof PROTOCOLS[number];

const MB = 1_000_000;
const MIB = 1024 * 1024;

/** The flood: this many connections each pipeline {@linkcode FLOOD_GETS} GETs of a 1 MB value. */
const FLOOD_CONNECTIONS = 20;
const FLOOD_GETS = 200;
const FLOOD_VALUE_BYTES = MB;
/**
 * What one flooding connection may add to the server's RSS: the 1 MiB bound
 * on unsent replies plus one reply, with room for copies and garbage not yet
 * collected (measured: about 5 MB). What the kernel queues on the socket
 * (about 3.8 MB of replies on loopback here before the server's writes
 * block) is the kernel's memory, not the server's RSS. Unbounded, each
 * connection asks for 200 MB.
 */
const FLOOD_ALLOWANCE_BYTES = 16 * MB;
/** How long the flood is watched. */
const FLOOD_WATCH_MS = 5_000;
/** How often the server's RSS is sampled while it is watched. */
const SAMPLE_MS = 50;
/** The longest round trip another client may see during the flood. */
const PROBE_TIMEOUT_MS = 3_000;

/** One reply far above the 1 MiB bound, which must still go out whole. */
const LARGE_VALUE_BYTES = 64 * MIB;

/** The idle test: this many connections, one after another, each read one GET of a 20 MiB value. */
const IDLE_CONNECTIONS = 30;
const IDLE_VALUE_BYTES = 20 * MIB;
/**
 * What all the idle connections together may still add to the server's RSS
 * once their replies are written: a third of what they hold if each keeps
 * its reply's buffer (30 × 20 MiB, over 600 MB). Given back, what is left is
 * the garbage of the last few replies, which the collector has not reached
 * yet (measured: 23–86 MB).
 */
const IDLE_ALLOWANCE_BYTES = 200 * MB;
/** How long the server may take to give the memory back. */
const IDLE_SETTLE_MS = 5_000;

const procProblem = canReadProcessMemory()
  ? null
  : "no /proc/<pid>/status to read a process's memory from";
if (procProblem !== null) console.warn(`reply_memory_test: ignored: ${procProblem}`);

/** `length` bytes of lowercase letters in no short period, so a shifted byte shows. */
function letters(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    bytes[i] = 0x61 + (Math.imul(i ^ (i >>> 13), 0x5bd1e995) >>> 0) % 26;
  }
  return bytes;
}

/** A GET of `key` as the protocol frames it. */
function getRequest(protocol: Protocol, key: string): Uint8Array {
  return protocol === "text" ? concat(`GET ${key}\n`) : frame("GET", key);
}

/** The exact bytes of a GET's reply carrying `value`. */
function valueReply(protocol: Protocol, value: Uint8Array): Uint8Array {
  return protocol === "text" ? concat("+OK ", value, "\n") : bulkReply(value);
}

/** `request` `times` over, as one write. */
function repeated(request: Uint8Array, times: number): Uint8Array {
  const bytes = new Uint8Array(request.length * times);
  for (let i = 0; i < times; i++) bytes.set(request, i * request.length);
  return bytes;
}

/** Stores `value` under `key` over RESP, which carries any size in one request. */
async function setValue(port: number, key: string, value: Uint8Array): Promise<void> {
  using connection = await RawConnection.connect(port);
  assertEquals(await respCall(connection, "SET", key, value), "+OK\r\n");
}

/**
 * Reads exactly `reply` `times` over from `connection`, checking every byte
 * as it arrives, without keeping it: large replies need neither a copy in the
 * test nor `RawConnection`'s growing buffer. Fails on the first wrong byte,
 * on EOF, or after `timeoutMs`.
 */
async function expectReplies(
  connection: RawConnection,
  reply: Uint8Array,
  times: number,
  timeoutMs: number,
): Promise<void> {
  assertEquals(connection.pending.length, 0, "bytes already read off this connection");
  const total = reply.length * times;
  const buffer = new Uint8Array(MIB);
  const deadline = Date.now() + timeoutMs;
  let received = 0;
  while (received < total) {
    const n = await connection.readChunk(buffer, deadline).catch((error: Error) => {
      throw new Error(`${error.message}, after ${received} of ${total} bytes in ${timeoutMs} ms`);
    });
    if (n === null) throw new Error(`connection closed after ${received} of ${total} bytes`);
    for (let i = 0; i < n; i++) {
      const at = (received + i) % reply.length;
      if (buffer[i] !== reply[at]) {
        throw new Error(
          `byte ${received + i} of ${total} is ${buffer[i]}, expected ${reply[at]} ` +
            `(byte ${at} of reply ${Math.floor((received + i) / reply.length)})`,
        );
      }
    }
    received += n;
  }
}

/** One small GET round trip on `connection`; its reply is checked. */
async function probe(connection: RawConnection, protocol: Protocol): Promise<void> {
  await connection.send(getRequest(protocol, "small"));
  if (protocol === "text") {
    assertEquals(await connection.readText(1, PROBE_TIMEOUT_MS), "+OK s\n");
  } else {
    assertEquals(await readRespReply(connection, PROBE_TIMEOUT_MS), "$1\r\ns\r\n");
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops `server` with SIGTERM and asserts a clean exit. */
async function stopCleanly(server: ServerProcess): Promise<void> {
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
}

/** One flood test: see the file's opening comment and the constants above. */
async function floodTest(protocol: Protocol): Promise<void> {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  const pid = server.process.pid;
  const value = letters(FLOOD_VALUE_BYTES);
  await setValue(server.port, "big", value);
  await setValue(server.port, "small", concat("s"));
  const before = await residentBytes(pid);
  const bound = FLOOD_CONNECTIONS * FLOOD_ALLOWANCE_BYTES;

  const flooders: RawConnection[] = [];
  try {
    using prober = await RawConnection.connect(server.port);
    await probe(prober, protocol);
    const flood = repeated(getRequest(protocol, "big"), FLOOD_GETS);
    for (let i = 0; i < FLOOD_CONNECTIONS; i++) {
      const flooder = await RawConnection.connect(server.port);
      flooders.push(flooder);
      await flooder.send(flood);
    }

    // Sample the RSS while another client keeps asking; stop once the bound
    // is crossed, so a server without backpressure is not driven further.
    const deadline = Date.now() + FLOOD_WATCH_MS;
    let peak = before;
    let crossed = false;
    const sampling = (async () => {
      while (Date.now() < deadline && !crossed) {
        peak = Math.max(peak, await residentBytes(pid));
        crossed = peak - before > bound;
        if (!crossed) await delay(SAMPLE_MS);
      }
    })();
    let slowest = 0;
    let trips = 0;
    const probing = (async () => {
      while (Date.now() < deadline && !crossed) {
        const start = performance.now();
        await probe(prober, protocol);
        slowest = Math.max(slowest, performance.now() - start);
        trips++;
        await delay(SAMPLE_MS);
      }
    })();
    const [sampled, probed] = await Promise.allSettled([sampling, probing]);
    if (sampled.status === "rejected") throw sampled.reason;
    const summary = `RSS ${megabytes(before)} before the flood, peak ${megabytes(peak)} ` +
      `(+${megabytes(peak - before)}; allowed +${megabytes(bound)}); ${trips} probe round ` +
      `trips, slowest ${slowest.toFixed(0)} ms`;
    console.log(`${protocol} flood: ${summary}`);
    const problems: string[] = [];
    if (crossed) problems.push(`RSS grew past the bound`);
    if (probed.status === "rejected") problems.push(`a probe failed: ${probed.reason}`);
    else if (trips === 0) problems.push("no probe round trip finished");
    assertEquals(problems, [], `${FLOOD_CONNECTIONS} flooding connections: ${summary}`);

    // Held back, not dropped: a flooder that starts reading gets every reply.
    await expectReplies(flooders[0], valueReply(protocol, value), FLOOD_GETS, 30_000);
  } finally {
    for (const flooder of flooders) flooder.close();
  }
  await stopCleanly(server);
}

/**
 * One idle test. The connections take turns, as clients arriving one after
 * another do, and that matters: a buffer given back is freed only when V8's
 * garbage collector runs, and an idle server runs none. Measured on a server
 * that gives its buffers back: taking turns, the later GETs' allocations
 * set off collections that free the earlier buffers, so the RSS is down by
 * the time the last reply is read. With all 30 GETs at once it stayed 1.2 GB
 * up for 35 s (a second of small GETs, or three more 20 MiB GETs, set off no
 * collection), then fell only to +530 MB. A test-only hook to force a
 * collection would prove nothing about a real server, so the test relies on
 * ordinary allocations alone.
 */
async function idleTest(protocol: Protocol): Promise<void> {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  const pid = server.process.pid;
  const value = letters(IDLE_VALUE_BYTES);
  await setValue(server.port, "v", value);
  await setValue(server.port, "small", concat("s"));
  const before = await residentBytes(pid);
  const reply = valueReply(protocol, value);
  const idle: RawConnection[] = [];
  try {
    for (let i = 0; i < IDLE_CONNECTIONS; i++) {
      const connection = await RawConnection.connect(server.port);
      idle.push(connection);
      await connection.send(getRequest(protocol, "v"));
      await expectReplies(connection, reply, 1, 30_000);
    }
    const start = Date.now();
    const loaded = await residentBytes(pid);
    let now = loaded;
    while (now - before > IDLE_ALLOWANCE_BYTES && Date.now() - start < IDLE_SETTLE_MS) {
      await delay(500);
      now = await residentBytes(pid);
    }
    const summary = `RSS ${megabytes(before)} before the GETs, +${megabytes(loaded - before)} ` +
      `once all were read, +${megabytes(now - before)} after ${Date.now() - start} ms ` +
      `(allowed +${megabytes(IDLE_ALLOWANCE_BYTES)})`;
    console.log(`${protocol} idle: ${summary}`);
    assert(
      now - before <= IDLE_ALLOWANCE_BYTES,
      `${IDLE_CONNECTIONS} idle connections keep memory: ${summary}`,
    );
    // Still open and served: giving memory back must not cost the connection.
    for (const connection of idle) await probe(connection, protocol);
  } finally {
    for (const connection of idle) connection.close();
  }
  await stopCleanly(server);
}

/** One large-reply test: a value 64 times the reply bound, in one GET. */
async function largeReplyTest(protocol: Protocol): Promise<void> {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  const value = letters(LARGE_VALUE_BYTES);
  await setValue(server.port, "large", value);
  {
    using connection = await RawConnection.connect(server.port);
    await connection.send(getRequest(protocol, "large"));
    await expectReplies(connection, valueReply(protocol, value), 1, 30_000);
    // The reply ended where it should: the next one follows right after it.
    await setValue(server.port, "small", concat("s"));
    await probe(connection, protocol);
  }
  await stopCleanly(server);
}

const ignored = procProblem === null ? "" : ` (ignored: ${procProblem})`;
for (const protocol of PROTOCOLS) {
  Deno.test({
    name: `${protocol} GET flood from clients that never read keeps the server's memory ` +
      `bounded and other clients served${ignored}`,
    ignore: procProblem !== null,
    fn: () => floodTest(protocol),
  });
  Deno.test(
    `${protocol} GET of a value far above the reply bound arrives whole and exact`,
    () => largeReplyTest(protocol),
  );
  Deno.test({
    name: `${protocol} idle connections give back the buffer of their largest reply${ignored}`,
    ignore: procProblem !== null,
    fn: () => idleTest(protocol),
  });
}
