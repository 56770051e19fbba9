/**
 * RANDOMKEY must cost the same whatever the keyspace's size: with 1M keys, a
 * client pipelining RANDOMKEY nonstop must not hold up another client. When
 * each call walked a `Map` to a random position, that client's PINGs waited
 * p99 73 ms with 8 shards and ~700 ms with `--shards 1`.
 */
import { assert, assertEquals } from "@std/assert";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";

/** Keys loaded before measuring. */
const KEYS = 1_000_000;
/** Key/value pairs per MSET while loading. */
const PAIRS_PER_MSET = 1000;
/** Connections the keys are loaded over, each sending its share pipelined. */
const LOADERS = 4;
/** RANDOMKEYs per write of the pipelining client; it reads all their replies before the next. */
const RANDOMKEYS_PER_WRITE = 256;
/** How long the pinging client samples while RANDOMKEY runs. */
const MEASURE_MS = 4000;
/** The pinging client's pause between PINGs, so it samples rather than floods. */
const PING_PAUSE_MS = 2;
/**
 * The bound on the pinging client's p99. With O(1) RANDOMKEY it stays within a
 * few milliseconds; walking the map gave 185–345 ms with 8 shards and 1.0–1.3 s
 * with one. Wide, for a shared machine.
 */
const P99_BOUND_MS = 50;
/** Any single wait for the server; far above what loopback needs. */
const REPLY_TIMEOUT_MS = 30_000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Key `i`: always 11 bytes, so every RANDOMKEY reply is `$11\r\nkey:NNNNNNN\r\n`. */
function keyName(i: number): string {
  return `key:${String(i).padStart(7, "0")}`;
}
const REPLY_PREFIX = encoder.encode("$11\r\nkey:");
const REPLY_BYTES = REPLY_PREFIX.length + 7 + 2;

/** `MSET` of keys `first` … `first + PAIRS_PER_MSET - 1`, each to "v". */
function msetFrame(first: number): Uint8Array {
  let text = `*${1 + 2 * PAIRS_PER_MSET}\r\n$4\r\nMSET\r\n`;
  for (let i = first; i < first + PAIRS_PER_MSET; i++) {
    text += `$11\r\n${keyName(i)}\r\n$1\r\nv\r\n`;
  }
  return encoder.encode(text);
}

/** Loads `KEYS` keys over `LOADERS` connections, each pipelining all its MSETs. */
async function loadKeys(port: number): Promise<void> {
  const msets = KEYS / PAIRS_PER_MSET;
  await Promise.all(Array.from({ length: LOADERS }, async (_, loader) => {
    using connection = await RawConnection.connect(port);
    let sent = 0;
    for (let m = loader; m < msets; m += LOADERS, sent++) {
      await connection.send(msetFrame(m * PAIRS_PER_MSET));
    }
    const replies = await connection.readReplies(sent, REPLY_TIMEOUT_MS);
    assertEquals(replies.length, sent * 5, "every MSET answers +OK");
  }));
}

/** The value at fraction `q` of sorted `values`. */
function percentile(values: number[], q: number): number {
  return values[Math.min(values.length - 1, Math.floor(q * values.length))];
}

/**
 * Pipelines RANDOMKEY on `connection` until `running()` says stop, checking
 * every reply is one of the loaded keys' shape; returns how many were answered
 * and how many distinct keys came back among the first batch.
 */
async function pipelineRandomKeys(
  connection: Deno.Conn,
  running: () => boolean,
): Promise<{ answered: number; distinctInFirstBatch: number }> {
  const one = frame("RANDOMKEY");
  const batch = new Uint8Array(one.length * RANDOMKEYS_PER_WRITE);
  for (let i = 0; i < RANDOMKEYS_PER_WRITE; i++) batch.set(one, i * one.length);
  const expected = REPLY_BYTES * RANDOMKEYS_PER_WRITE;
  const buffer = new Uint8Array(expected);
  let answered = 0;
  let distinctInFirstBatch = 0;
  while (running()) {
    for (let at = 0; at < batch.length;) at += await connection.write(batch.subarray(at));
    let received = 0;
    while (received < expected) {
      const n = await connection.read(buffer.subarray(received));
      if (n === null) throw new Error(`connection closed after ${answered} RANDOMKEY replies`);
      received += n;
    }
    const keys = new Set<string>();
    for (let r = 0; r < RANDOMKEYS_PER_WRITE; r++) {
      const reply = buffer.subarray(r * REPLY_BYTES, (r + 1) * REPLY_BYTES);
      if (!REPLY_PREFIX.every((byte, i) => reply[i] === byte)) {
        throw new Error(`unexpected RANDOMKEY reply ${JSON.stringify(decoder.decode(reply))}`);
      }
      if (answered === 0) keys.add(decoder.decode(reply));
    }
    if (answered === 0) distinctInFirstBatch = keys.size;
    answered += RANDOMKEYS_PER_WRITE;
  }
  return { answered, distinctInFirstBatch };
}

for (const shards of ["1", "8"]) {
  Deno.test(`RANDOMKEY with 1M keys leaves another client's PING p99 bounded (--shards ${shards})`, async () => {
    await using dir = await tempDir();
    await using server = await startServer({
      walDir: dir.path,
      args: ["--no-persist", "--shards", shards],
    });
    const loadStarted = performance.now();
    await loadKeys(server.port);
    const loadMs = performance.now() - loadStarted;
    using pinger = await RawConnection.connect(server.port);
    assertEquals(await respCall(pinger, "DBSIZE"), `:${KEYS}\r\n`);
    using picker = await RawConnection.connect(server.port);

    const ping = frame("PING");
    const latencies: number[] = [];
    let measuring = true;
    const pick = pipelineRandomKeys(picker.conn, () => measuring).finally(() => measuring = false);
    const sample = (async () => {
      const started = performance.now();
      while (measuring && performance.now() - started < MEASURE_MS) {
        const sent = performance.now();
        await pinger.send(ping);
        assertEquals(await readRespReply(pinger, REPLY_TIMEOUT_MS), "+PONG\r\n");
        latencies.push(performance.now() - sent);
        await new Promise((resolve) => setTimeout(resolve, PING_PAUSE_MS));
      }
    })().finally(() => measuring = false);
    const [{ answered, distinctInFirstBatch }] = await Promise.all([pick, sample]);

    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 0.5);
    const p99 = percentile(latencies, 0.99);
    const max = latencies[latencies.length - 1];
    console.log(
      `--shards ${shards}: ${KEYS} keys loaded in ${loadMs.toFixed(0)} ms; ` +
        `${answered} RANDOMKEYs answered in ${MEASURE_MS} ms; ${latencies.length} PINGs: ` +
        `p50 ${p50.toFixed(2)} ms, p99 ${p99.toFixed(2)} ms, max ${max.toFixed(2)} ms`,
    );
    assert(answered > 0, "RANDOMKEY was never answered");
    assert(
      distinctInFirstBatch > RANDOMKEYS_PER_WRITE / 2,
      `only ${distinctInFirstBatch} distinct keys in ${RANDOMKEYS_PER_WRITE} RANDOMKEYs`,
    );
    assert(p99 < P99_BOUND_MS, `PING p99 ${p99.toFixed(2)} ms is over ${P99_BOUND_MS} ms`);
    const pings = latencies.length;
    assert(pings >= 100, `only ${pings} PINGs were answered in ${MEASURE_MS} ms`);
  });
}
