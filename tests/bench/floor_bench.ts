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
 * - **SET by fsync policy:** unpipelined `redis-benchmark -t set` against
 *   walkv under each `--fsync` policy and `--no-persist`, and redis-server
 *   under each `appendfsync`; for walkv's `always`, how many records one
 *   group commit's `fdatasync` covered (INFO's `wal_records_written` over
 *   `wal_syncs` across the run).
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
import { RespConnection } from "./resp_connection.ts";
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

/** The fsync-policy table's test: durable-or-not SETs, one at a time per client. */
const POLICY_TEST: Test = { command: "set", pipeline: 1, requests: 100_000 };
/** walkv's WAL never compacts by itself during the bench. */
const NO_COMPACTION = ["--compact-min-size", String(1024 ** 3)];

/** A server of the fsync-policy table and how to start it. */
interface PolicySide {
  label: string;
  start: () => Promise<ServerProcess>;
  runs: Run[];
  /** walkv's records per fdatasync in each run (`always` only). */
  recordsPerSync: number[];
}

function policySides(): PolicySide[] {
  const walkv = (fsync: string) => () =>
    ServerProcess.walkv({ shards: 8, args: ["--fsync", fsync, ...NO_COMPACTION] });
  const redis = (fsync: string) => () =>
    ServerProcess.redis({
      fsyncAlways: fsync === "always",
      args: ["--appendonly", "yes", "--appendfsync", fsync, "--auto-aof-rewrite-percentage", "0"],
    });
  const side = (label: string, start: () => Promise<ServerProcess>): PolicySide => ({
    label,
    start,
    runs: [],
    recordsPerSync: [],
  });
  return [
    side("walkv --fsync always", walkv("always")),
    side("walkv --fsync everysec", walkv("everysec")),
    side("walkv --fsync no", walkv("no")),
    side("walkv --no-persist", () => ServerProcess.walkv({ shards: 8, persist: false })),
    side("redis appendfsync always", redis("always")),
    side("redis appendfsync everysec", redis("everysec")),
    side("redis appendfsync no", redis("no")),
  ];
}

/** walkv's `wal_syncs` and `wal_records_written` (INFO persistence). */
async function walCommits(port: number): Promise<{ syncs: number; records: number }> {
  using connection = await RespConnection.connect(port);
  const reply = await connection.command(["INFO", "persistence"]);
  const text = reply.kind === "bulk" ? reply.text ?? "" : "";
  const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, "m").exec(text)?.[1]);
  return { syncs: field("wal_syncs"), records: field("wal_records_written") };
}

/** Runs the fsync-policy table's test against each side in turn, `rounds` times. */
async function policyRounds(rounds: number, progress: (m: string) => void): Promise<PolicySide[]> {
  const sides = policySides();
  for (let round = 1; round <= rounds; round++) {
    progress(`floor: fsync policies, round ${round} of ${rounds}`);
    const shift = (round - 1) % sides.length;
    for (const side of [...sides.slice(shift), ...sides.slice(0, shift)]) {
      await using server = await side.start();
      const always = side.label === "walkv --fsync always";
      const before = always ? await walCommits(server.port) : null;
      const run = await runTest(server, POLICY_TEST);
      side.runs.push(run);
      if (before !== null) {
        const after = await walCommits(server.port);
        side.recordsPerSync.push((after.records - before.records) / (after.syncs - before.syncs));
      }
      progress(`  ${side.label.padEnd(27)} ${formatRate(run.requestsPerSecond).padStart(6)}/s`);
    }
  }
  return sides;
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
  const policies = await policyRounds(options.rounds, progress);
  progress(`floor: timing ${SYNCS} fdatasyncs`);
  const syncs = await timeSyncs();
  return report(options, sides, syncs) + "\n\n" + policyReport(options, policies);
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
    "CPU is the server's user+system time as % of one core; µs CPU/req is that CPU per " +
    "request; client CPU is redis-benchmark's own (the generator), % of one core",
    "",
    "| test | redis req/s | walkv req/s | canned req/s | walkv / redis | walkv / canned | " +
    "canned / redis | CPU % redis / walkv / canned | µs CPU/req walkv / canned | " +
    "client CPU % redis / walkv / canned |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const test of TESTS) {
    const runs = (side: Side) => side.runs.get(test) ?? [];
    const rate = (side: Side) => median(runs(side).map((run) => run.requestsPerSecond));
    const cpu = (side: Side) => median(runs(side).map((run) => run.serverCpu));
    const client = (side: Side) => median(runs(side).map((run) => run.clientCpu)).toFixed(0);
    const usPerRequest = (side: Side) =>
      median(runs(side).map((run) => (run.serverCpu / 100) * 1e6 / run.requestsPerSecond));
    const ratio = (a: Side, b: Side) => `${(rate(a) / rate(b)).toFixed(2)}×`;
    lines.push(
      `| ${test.command.toUpperCase()} -P ${test.pipeline} | ${formatRate(rate(redis))} | ` +
        `${formatRate(rate(walkv))} | ${formatRate(rate(canned))} | ${ratio(walkv, redis)} | ` +
        `${ratio(walkv, canned)} | ${ratio(canned, redis)} | ` +
        `${cpu(redis).toFixed(0)} / ${cpu(walkv).toFixed(0)} / ${cpu(canned).toFixed(0)} | ` +
        `${usPerRequest(walkv).toFixed(2)} / ${usPerRequest(canned).toFixed(2)} | ` +
        `${client(redis)} / ${client(walkv)} / ${client(canned)} |`,
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

function policyReport(options: FloorBenchOptions, sides: PolicySide[]): string {
  const lines = [
    "### SET by fsync policy",
    "",
    "- client: `redis-benchmark -h 127.0.0.1 -p PORT -c 50 -n 100000 -r 10000 -d 16 -t set " +
    "-P 1 --csv`; walkv RESP `--shards 8`, no automatic compaction; redis-server " +
    '`appendonly yes` with each `appendfsync`, `save ""`; each server started afresh for ' +
    `its run; ${options.rounds} round(s), interleaved; medians`,
    "",
    "| server | SET/s | range | records per fdatasync |",
    "| --- | --- | --- | --- |",
  ];
  for (const side of sides) {
    const rates = side.runs.map((run) => run.requestsPerSecond);
    lines.push(
      `| ${side.label} | ${formatRate(median(rates))} | ` +
        `${formatRate(Math.min(...rates))}–${formatRate(Math.max(...rates))} | ` +
        `${side.recordsPerSync.length > 0 ? median(side.recordsPerSync).toFixed(1) : "—"} |`,
    );
  }
  return lines.join("\n");
}
