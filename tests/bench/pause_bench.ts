/**
 * The pause part of `deno task bench` (`--only pause`): does the garbage
 * collector stop walkv where clients can see it? Issue 13's bar: with 10M
 * keys, the p99.9 round trip of an unpipelined GET client, while another
 * client writes at full speed, is no worse than redis-server's in the same
 * run.
 *
 * redis-server, walkv `--store map` and walkv `--store arena` (all without
 * persistence, `--shards 8`) are each loaded with the same keys
 * (`key:000000000000`…, 16-byte values) and stay loaded; then, in
 * interleaved rounds, each in turn gets:
 *
 * - **the writer:** `redis-benchmark -c 1 -P 16 -t set -r KEYS -d 16`, one
 *   connection overwriting random keys 16 at a time as fast as the server
 *   answers (native, so the writer makes no garbage of its own);
 * - **the probe:** one connection from this process sending one `GET` of a
 *   random key at a time and timing each round trip into a
 *   {@linkcode LatencyHistogram}; its requests are encoded before the run
 *   and its replies read into one buffer, so the probe itself allocates
 *   next to nothing while it measures.
 *
 * The report gives each server's percentiles (medians over the rounds) and
 * the histogram of every round trip of every round, so a pause shows as a
 * tail, not only as one number.
 *
 * @example
 * ```ts
 * console.log(await pauseBench({ rounds: 3, keys: 1_000_000, seconds: 5, progress: console.error }));
 * ```
 *
 * @module
 */
import { closeQuietly } from "../../src/io/close_quietly.ts";
import { writeAll } from "../../src/io/write_all.ts";
import { bulkLoad } from "./bulk_load.ts";
import { processTicks, sampleCpu, TICKS_PER_SECOND } from "./cpu_sample.ts";
import { LatencyHistogram } from "./latency_histogram.ts";
import { median } from "./median.ts";
import { RespConnection } from "./resp_connection.ts";
import { ServerProcess } from "./server_process.ts";
import { keyName, valueFor } from "./workload_shape.ts";

/** Options for {@linkcode pauseBench}. */
export interface PauseBenchOptions {
  rounds: number;
  /** Keys loaded into every server. */
  keys: number;
  /** Measured seconds per server per round (after one unmeasured second). */
  seconds: number;
  progress: (message: string) => void;
}

/** Requests the probe cycles through, encoded once. */
const PROBE_REQUESTS = 4096;
/** A GET of a 16-byte value answers `$16\r\n` + 16 bytes + `\r\n`. */
const REPLY_BYTES = 23;
/** Unmeasured seconds with writer and probe running, before each measurement. */
const WARMUP_SECONDS = 1;
/** The histogram's bucket edges in ms (the last bucket is "≥ the last edge"). */
const EDGES = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100];

interface Side {
  label: string;
  server: ServerProcess;
  rounds: RoundResult[];
  all: LatencyHistogram;
}

interface RoundResult {
  gets: number;
  p50: number;
  p99: number;
  p999: number;
  max: number;
  setsPerSecond: number;
  serverCpu: number;
  probeCpu: number;
  writerCpu: number;
}

/** Runs the part and returns its report section as Markdown; every server is stopped. */
export async function pauseBench(options: PauseBenchOptions): Promise<string> {
  const { progress } = options;
  const sides: Side[] = [];
  const side = (label: string, server: ServerProcess): Side => ({
    label,
    server,
    rounds: [],
    all: new LatencyHistogram(),
  });
  const loads: string[] = [];
  try {
    progress(`pause: starting redis-server, walkv --store map and --store arena`);
    sides.push(side("redis-server", await ServerProcess.redis({ fsyncAlways: false })));
    sides.push(
      side(
        "walkv --store map",
        await ServerProcess.walkv({ shards: 8, persist: false, args: ["--store", "map"] }),
      ),
    );
    sides.push(
      side(
        "walkv --store arena",
        await ServerProcess.walkv({ shards: 8, persist: false, args: ["--store", "arena"] }),
      ),
    );
    for (const { label, server } of sides) {
      progress(`pause: loading ${options.keys} keys into ${label}`);
      const started = performance.now();
      await bulkLoad(server.port, { count: options.keys, value: valueFor });
      loads.push(`${label} ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    for (let round = 1; round <= options.rounds; round++) {
      progress(`pause: round ${round} of ${options.rounds}`);
      const shift = (round - 1) % sides.length;
      for (const s of [...sides.slice(shift), ...sides.slice(0, shift)]) {
        const result = await measure(s, options);
        s.rounds.push(result);
        progress(
          `  ${s.label.padEnd(20)} GET p99.9 ${result.p999.toFixed(3)} ms, max ` +
            `${result.max.toFixed(1)} ms, ${result.gets} GETs; writer ` +
            `${Math.round(result.setsPerSecond / 1000)}k SET/s`,
        );
      }
    }
  } finally {
    for (const { server } of sides) await server.stop();
  }
  return report(options, sides, loads);
}

/** One round against one server: the writer and the probe together. */
async function measure(side: Side, options: PauseBenchOptions): Promise<RoundResult> {
  const { server } = side;
  const writer = new Deno.Command("redis-benchmark", {
    args: [
      ...["-h", "127.0.0.1", "-p", String(server.port), "-c", "1", "-P", "16"],
      ...["-n", "2000000000", "-r", String(options.keys), "-d", "16", "-t", "set", "-q"],
    ],
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const writerErrors = new Response(writer.stderr).text();
  const probe = await Probe.connect(server.port, options.keys);
  let result: RoundResult;
  try {
    await probe.run(WARMUP_SECONDS, null);
    const commandsBefore = await commandsProcessed(server.port);
    const pids = [Deno.pid, server.pid, writer.pid];
    const before = await sampleCpu(pids);
    const started = performance.now();
    const histogram = new LatencyHistogram();
    await probe.run(options.seconds, histogram);
    const wallSeconds = (performance.now() - started) / 1000;
    const after = await sampleCpu(pids);
    const commandsAfter = await commandsProcessed(server.port);
    const cpu = (pid: number) =>
      100 * (processTicks(after, pid) - processTicks(before, pid)) / TICKS_PER_SECOND /
      wallSeconds;
    side.all.add(histogram);
    result = {
      gets: histogram.total,
      p50: histogram.percentileMillis(50),
      p99: histogram.percentileMillis(99),
      p999: histogram.percentileMillis(99.9),
      max: histogram.maxMillis(),
      // The INFO call and the probe's GETs are not the writer's.
      setsPerSecond: (commandsAfter - commandsBefore - 1 - histogram.total) / wallSeconds,
      serverCpu: cpu(server.pid),
      probeCpu: cpu(Deno.pid),
      writerCpu: cpu(writer.pid),
    };
  } finally {
    probe.close();
    try {
      writer.kill("SIGKILL");
    } catch {
      // Already exited: its stderr says why, below.
    }
  }
  const status = await writer.status;
  const stderr = await writerErrors;
  if (status.signal !== "SIGKILL") {
    throw new Error(`redis-benchmark (the writer) exited early: ${stderr.trim()}`);
  }
  return result;
}

/** `total_commands_processed` from INFO stats. */
async function commandsProcessed(port: number): Promise<number> {
  using connection = await RespConnection.connect(port);
  const reply = await connection.command(["INFO", "stats"]);
  const text = reply.kind === "bulk" ? reply.text ?? "" : "";
  const match = /^total_commands_processed:(\d+)/m.exec(text);
  if (match === null) throw new Error(`INFO stats has no total_commands_processed: ${text}`);
  return Number(match[1]);
}

/** One unpipelined GET connection that times every round trip. */
class Probe {
  readonly #conn: Deno.TcpConn;
  readonly #requests: Uint8Array[];
  readonly #reply = new Uint8Array(REPLY_BYTES);
  #next = 0;

  private constructor(conn: Deno.TcpConn, requests: Uint8Array[]) {
    this.#conn = conn;
    this.#requests = requests;
  }

  static async connect(port: number, keys: number): Promise<Probe> {
    const encoder = new TextEncoder();
    const requests: Uint8Array[] = [];
    for (let i = 0; i < PROBE_REQUESTS; i++) {
      const key = keyName(Math.floor(Math.random() * keys));
      requests.push(encoder.encode(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`));
    }
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new Probe(conn, requests);
  }

  /** Sends GETs one at a time for `seconds`, recording each round trip into `histogram`. */
  async run(seconds: number, histogram: LatencyHistogram | null): Promise<void> {
    const end = performance.now() + seconds * 1000;
    let now = performance.now();
    while (now < end) {
      const request = this.#requests[this.#next++ % PROBE_REQUESTS];
      await writeAll(this.#conn, request);
      let got = 0;
      while (got < REPLY_BYTES) {
        const n = await this.#conn.read(this.#reply.subarray(got));
        if (n === null) throw new Error("The server closed the probe's connection");
        got += n;
      }
      if (this.#reply[0] !== 0x24 || this.#reply[1] !== 0x31 || this.#reply[2] !== 0x36) {
        const text = new TextDecoder().decode(this.#reply);
        throw new Error(`The probe's GET got ${JSON.stringify(text)}, not a 16-byte value`);
      }
      const after = performance.now();
      histogram?.record(after - now, 1);
      now = after;
    }
  }

  close(): void {
    closeQuietly(this.#conn);
  }
}

function report(options: PauseBenchOptions, sides: Side[], loads: string[]): string {
  const ms = (n: number) => n < 10 ? n.toFixed(3) : n.toFixed(1);
  const mid = (side: Side, field: (r: RoundResult) => number) => median(side.rounds.map(field));
  const lines = [
    "## GC pauses: an unpipelined GET while another client writes",
    "",
    `- keys: ${options.keys} (\`key:000000000000\`…, 16-byte values), loaded into each server ` +
    `before the rounds (pipelined SETs, 4 connections: ${loads.join(", ")}); all three stay ` +
    "loaded, without persistence (walkv `--no-persist --shards 8`, redis-server " +
    '`appendonly no`, `save ""`)',
    "- writer: `redis-benchmark -c 1 -P 16 -t set -r KEYS -d 16`, overwriting random keys as " +
    "fast as the server answers",
    `- probe: one connection, one \`GET\` of a random key at a time, every round trip timed; ` +
    `${WARMUP_SECONDS} s unmeasured, then ${options.seconds} s measured`,
    `- ${options.rounds} round(s), the servers taking turns, the first rotating; each number is ` +
    "the median of the rounds; CPU = user+system time as % of one core",
    "",
    "| server | GETs | p50 ms | p99 ms | p99.9 ms | max ms | p99.9 range ms | writer SET/s | CPU % server / probe / writer |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const side of sides) {
    const p999 = side.rounds.map((r) => r.p999);
    lines.push(
      `| ${side.label} | ${Math.round(mid(side, (r) => r.gets))} | ${
        ms(mid(side, (r) => r.p50))
      } | ` +
        `${ms(mid(side, (r) => r.p99))} | ${ms(mid(side, (r) => r.p999))} | ` +
        `${ms(mid(side, (r) => r.max))} | ${ms(Math.min(...p999))}–${ms(Math.max(...p999))} | ` +
        `${Math.round(mid(side, (r) => r.setsPerSecond) / 1000)}k | ` +
        `${mid(side, (r) => r.serverCpu).toFixed(0)} / ${
          mid(side, (r) => r.probeCpu).toFixed(0)
        } / ` +
        `${mid(side, (r) => r.writerCpu).toFixed(0)} |`,
    );
  }
  const redis = sides[0];
  const redisP999 = mid(redis, (r) => r.p999);
  lines.push("");
  for (const side of sides.slice(1)) {
    const ratio = mid(side, (r) => r.p999) / redisP999;
    lines.push(
      `- ${side.label} / redis-server, p99.9: ${ratio.toFixed(2)}× ` +
        `(target ≤ 1.0×: ${ratio <= 1 ? "met" : "missed"})`,
    );
  }
  lines.push(
    "",
    "Every measured round trip of every round, by latency (share of the GETs, and their count):",
    "",
  );
  const labels = EDGES.map((edge, i) => i === 0 ? `< ${edge} ms` : `${EDGES[i - 1]}–${edge} ms`);
  labels.push(`≥ ${EDGES[EDGES.length - 1]} ms`);
  lines.push(`| latency | ${sides.map((s) => s.label).join(" | ")} |`);
  lines.push(`| --- | ${sides.map(() => "---").join(" | ")} |`);
  const below = sides.map((s) => [0, ...EDGES.map((e) => s.all.countBelow(e)), s.all.total]);
  for (let b = 0; b < labels.length; b++) {
    const cells = sides.map((s, i) => {
      const count = below[i][b + 1] - below[i][b];
      const share = (100 * count / Math.max(1, s.all.total)).toFixed(count === 0 ? 0 : 3);
      return `${share}% (${count})`;
    });
    lines.push(`| ${labels[b]} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
