/**
 * The floor part of `deno task bench` (`--only floor`): what this machine
 * allows before walkv's own code costs anything, measured in the same run
 * as walkv and redis-server, so the README's figures for it come from here.
 *
 * - **Deno's socket floor:** `redis-benchmark` (C, so the client is not the
 *   limit) drives redis-server, walkv and the canned Deno server
 *   (`canned_server.ts`: one canned reply per request, nothing parsed), all
 *   without persistence, GET and SET unpipelined and 16 deep, interleaved
 *   rounds, medians. The CPU each server spends per request, walkv's against
 *   the canned server's, says how much of walkv's time is its own code.
 * - **One `fdatasync`:** a 64-byte append then `syncData` on a file in the
 *   temporary directory the bench's WALs use, repeated; median and p99.
 *
 * @example
 * ```ts
 * console.log(await floorBench({ rounds: 3, progress: console.error }));
 * ```
 *
 * @module
 */
import { median } from "./median.ts";
import { preloadKeys } from "./preload_keys.ts";
import { formatRate, type Run, runTest, type Test } from "./redis_benchmark_bench.ts";
import { ServerProcess } from "./server_process.ts";

/** Options for {@linkcode floorBench}. */
export interface FloorBenchOptions {
  /** Runs of each test against each server; the report shows their median. */
  rounds: number;
  /** Where progress lines go (the report itself is returned). */
  progress: (message: string) => void;
}

const TESTS: readonly Test[] = [
  { command: "get", pipeline: 1, requests: 200_000 },
  { command: "get", pipeline: 16, requests: 1_000_000 },
  { command: "set", pipeline: 1, requests: 200_000 },
  { command: "set", pipeline: 16, requests: 1_000_000 },
];
/** Keys preloaded into walkv and redis-server, as redis-benchmark's `-r` names them. */
const KEY_COUNT = 10_000;
/** What redis-benchmark says of the canned server's answer to its opening `CONFIG GET`. */
const CANNED_CONFIG = /^WARNING: Could not fetch server CONFIG$/;
/** Syncs timed for the fdatasync figure. */
const SYNCS = 300;

interface Side {
  label: string;
  server: ServerProcess;
  runs: Map<Test, Run[]>;
}

/** Runs the part and returns its report section as Markdown; every server is stopped. */
export async function floorBench(options: FloorBenchOptions): Promise<string> {
  const { progress } = options;
  const sides: Side[] = [];
  try {
    progress("floor: starting redis-server, walkv and the canned Deno server (no persistence)");
    const redis = await ServerProcess.redis({ fsyncAlways: false });
    sides.push({ label: "redis", server: redis, runs: new Map() });
    const walkv = await ServerProcess.walkv({ shards: 8, persist: false });
    sides.push({ label: "walkv", server: walkv, runs: new Map() });
    sides.push({ label: "canned", server: await ServerProcess.canned(), runs: new Map() });
    await preloadKeys(redis.port, "resp", KEY_COUNT);
    await preloadKeys(walkv.port, "resp", KEY_COUNT);
    for (let round = 1; round <= options.rounds; round++) {
      progress(`floor: round ${round} of ${options.rounds}`);
      for (const test of TESTS) {
        const shift = (round - 1) % sides.length;
        for (const side of [...sides.slice(shift), ...sides.slice(0, shift)]) {
          const run = await runTest(
            side.server,
            test,
            side.label === "canned" ? CANNED_CONFIG : null,
          );
          side.runs.set(test, [...side.runs.get(test) ?? [], run]);
          progress(
            `  ${test.command.toUpperCase()} -P ${test.pipeline}`.padEnd(14) +
              `${side.label.padEnd(7)} ${formatRate(run.requestsPerSecond).padStart(6)}/s  ` +
              `CPU ${run.serverCpu.toFixed(0)}%`,
          );
        }
      }
    }
  } finally {
    for (const { server } of sides) await server.stop();
  }
  progress(`floor: timing ${SYNCS} fdatasyncs`);
  const syncs = await timeSyncs();
  return report(options, sides, syncs);
}

/** Milliseconds each of {@linkcode SYNCS} append-then-`syncData` rounds took. */
async function timeSyncs(): Promise<number[]> {
  const dir = await Deno.makeTempDir({ prefix: "walkv_bench_fsync_" });
  const times: number[] = [];
  try {
    using file = await Deno.open(`${dir}/wal`, { write: true, create: true, append: true });
    const record = new TextEncoder().encode(
      "3SET16key:000000000001" + "16" + "x".repeat(16) + "\n",
    );
    for (let i = 0; i < SYNCS; i++) {
      const started = performance.now();
      file.writeSync(record);
      await file.syncData();
      times.push(performance.now() - started);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return times;
}

function report(options: FloorBenchOptions, sides: Side[], syncs: number[]): string {
  const [redis, walkv, canned] = sides;
  const lines = [
    "## The floor: Deno's socket cost and one fdatasync",
    "",
    "- client: `redis-benchmark -h 127.0.0.1 -p PORT -c 50 -n N -r 10000 -d 16 -t TEST -P DEPTH " +
    "--csv`; all three servers without persistence (walkv `--no-persist --shards 8`, " +
    'redis-server `appendonly no`, `save ""`); the canned server answers every request ' +
    "with one 16-byte bulk and parses nothing",
    `- ${options.rounds} round(s), interleaved, the first server rotating; medians; ` +
    "CPU is the server's user+system time as % of one core; µs CPU/req is that CPU per request",
    "",
    "| test | redis req/s | walkv req/s | canned req/s | walkv / redis | walkv / canned | " +
    "canned / redis | CPU % redis / walkv / canned | µs CPU/req walkv / canned |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const test of TESTS) {
    const runs = (side: Side) => side.runs.get(test) ?? [];
    const rate = (side: Side) => median(runs(side).map((run) => run.requestsPerSecond));
    const cpu = (side: Side) => median(runs(side).map((run) => run.serverCpu));
    const usPerRequest = (side: Side) =>
      median(runs(side).map((run) => (run.serverCpu / 100) * 1e6 / run.requestsPerSecond));
    const ratio = (a: Side, b: Side) => `${(rate(a) / rate(b)).toFixed(2)}×`;
    lines.push(
      `| ${test.command.toUpperCase()} -P ${test.pipeline} | ${formatRate(rate(redis))} | ` +
        `${formatRate(rate(walkv))} | ${formatRate(rate(canned))} | ${ratio(walkv, redis)} | ` +
        `${ratio(walkv, canned)} | ${ratio(canned, redis)} | ` +
        `${cpu(redis).toFixed(0)} / ${cpu(walkv).toFixed(0)} / ${cpu(canned).toFixed(0)} | ` +
        `${usPerRequest(walkv).toFixed(2)} / ${usPerRequest(canned).toFixed(2)} |`,
    );
  }
  const sorted = [...syncs].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
  lines.push(
    "",
    `One 64-byte append + \`fdatasync\` in the bench's temporary directory (${SYNCS} in a ` +
      `row): median ${median(syncs).toFixed(3)} ms, p99 ${p99.toFixed(3)} ms.`,
  );
  return lines.join("\n");
}
