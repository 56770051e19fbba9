/**
 * The redis-benchmark part of `deno task bench` (`--only rb` runs it alone):
 * Redis's own load tool, written in C, drives walkv and redis-server side by
 * side. The bench's own generator runs in Deno and tops out near 70k
 * unpipelined requests per second, below what redis-server serves; this part
 * measures both servers with a client that costs less per request.
 *
 * Both servers have every SET on disk before they answer it: walkv with its
 * defaults (RESP, `--shards 8`, `--fsync always`) and its WAL in a temporary
 * directory, redis-server with `appendonly yes` and `appendfsync always` in
 * another. Automatic compaction is off on both, so no rewrite runs during a
 * measurement, and 10,000 keys are preloaded so every GET hits. Each test
 * runs once per round against each server, the two taking turns to go first,
 * and the report gives each server's median, the range, and the ratio of the
 * medians.
 *
 * @example
 * ```ts
 * const markdown = await redisBenchmarkBench({ rounds: 3, redis: true, progress: console.error });
 * console.log(markdown);
 * ```
 *
 * @module
 */
import { runRedisTool } from "../helpers/redis_server.ts";
import { childTicks, processTicks, sampleCpu, TICKS_PER_SECOND } from "./cpu_sample.ts";
import { median } from "./median.ts";
import { preloadKeys } from "./preload_keys.ts";
import { ServerProcess } from "./server_process.ts";
import { FIELD_BYTES } from "./workload_shape.ts";

/** Options for {@linkcode redisBenchmarkBench}. */
export interface RedisBenchmarkBenchOptions {
  /** Runs of each test against each server; the report shows their median. */
  rounds: number;
  /** Whether to run redis-server for comparison. */
  redis: boolean;
  /** Where progress lines go (the report itself is returned). */
  progress: (message: string) => void;
  /** Another checkout of walkv (e.g. an earlier commit) to run beside this one. */
  baseline?: string;
}

/** One redis-benchmark run: one command at one pipeline depth. */
export interface Test {
  /** redis-benchmark's `-t`. */
  command: "get" | "set";
  /** `-P`: requests each client sends before it reads their replies. */
  pipeline: number;
  /** `-n`: requests in all, sized for a few seconds per run on a 2-core machine. */
  requests: number;
}

const TESTS: readonly Test[] = [
  { command: "get", pipeline: 1, requests: 200_000 },
  { command: "get", pipeline: 16, requests: 1_000_000 },
  { command: "set", pipeline: 1, requests: 100_000 },
  { command: "set", pipeline: 16, requests: 500_000 },
];

/** `-c`: client connections, as in the bench's own workloads. */
const CLIENTS = 50;
/**
 * `-r`: redis-benchmark's keys are `key:` and 12 digits below this, the
 * names `preloadKeys` writes.
 */
const KEY_COUNT = 10_000;
/** A run taking longer than this is killed, and the part fails. */
const RUN_TIMEOUT_MS = 120_000;
/** walkv's flags beyond the defaults: far above any WAL here, so it never compacts by itself. */
const WALKV_ARGS = ["--compact-min-size", String(1024 ** 3)];
/** redis-server's settings beyond `appendonly yes`, `appendfsync always`, `save ""`. */
const REDIS_ARGS = ["--auto-aof-rewrite-percentage", "0"];
/** Words in redis-benchmark's output that mean a server answered with an error. */
const ERROR_WORDS = ["ERR", "error", "WARNING"];

/** The servers' names in the report. */
const WALKV = "walkv";
const REDIS = "redis";
const BASELINE = "baseline";

/** One run of one test against one server. */
export interface Run {
  requestsPerSecond: number;
  /** The server's user+system CPU over the run, as % of one core. */
  serverCpu: number;
  /** redis-benchmark's own user+system CPU over the run, as % of one core. */
  clientCpu: number;
  /** CPU the hypervisor took from the machine over the run, as % of one core. */
  stealCpu: number;
}

/** A server of this part and its runs, by test. */
interface Side {
  label: string;
  server: ServerProcess;
  runs: Map<Test, Run[]>;
}

/**
 * Runs every test `rounds` times against walkv (and redis-server) and
 * returns the report section as Markdown. Both servers are stopped before it
 * returns or throws.
 */
export async function redisBenchmarkBench(options: RedisBenchmarkBenchOptions): Promise<string> {
  const { progress } = options;
  const sides: Side[] = [];
  try {
    const servers = [
      "walkv",
      ...options.redis ? ["redis-server"] : [],
      ...options.baseline ? [`the baseline walkv`] : [],
    ].join(", ");
    progress(`rb: starting ${servers}, preloading ${KEY_COUNT} keys`);
    const walkv = await ServerProcess.walkv({ shards: 8, args: WALKV_ARGS });
    sides.push({ label: WALKV, server: walkv, runs: new Map() });
    if (options.redis) {
      const redis = await ServerProcess.redis({ fsyncAlways: true, args: REDIS_ARGS });
      sides.push({ label: REDIS, server: redis, runs: new Map() });
    }
    if (options.baseline) {
      const checkout = options.baseline;
      const baseline = await ServerProcess.walkv({ shards: 8, args: WALKV_ARGS, checkout });
      sides.push({ label: BASELINE, server: baseline, runs: new Map() });
    }
    for (const { server } of sides) await preloadKeys(server.port, "resp", KEY_COUNT);
    for (let round = 1; round <= options.rounds; round++) {
      progress(`rb: round ${round} of ${options.rounds}`);
      for (const test of TESTS) {
        // Whoever goes first in one round goes later in the next.
        const shift = (round - 1) % sides.length;
        const order = [...sides.slice(shift), ...sides.slice(0, shift)];
        for (const side of order) {
          const run = await runTest(side.server, test);
          side.runs.set(test, [...side.runs.get(test) ?? [], run]);
          progress(
            `  ${describe(test).padEnd(18)} ${side.label.padEnd(8)} ` +
              `${formatRate(run.requestsPerSecond).padStart(6)}/s  CPU server ` +
              `${run.serverCpu.toFixed(0)}%, client ${run.clientCpu.toFixed(0)}%, ` +
              `steal ${run.stealCpu.toFixed(0)}%`,
          );
        }
      }
    }
    return report(options, sides);
  } finally {
    for (const { server } of sides) await server.stop();
  }
}

/**
 * Runs redis-benchmark once for `test` against `server` and reads its CSV.
 * Lines of its stderr matching `tolerate` are not taken for errors.
 */
export async function runTest(
  server: ServerProcess,
  test: Test,
  tolerate: RegExp | null = null,
): Promise<Run> {
  const args = [...toolArgs(test, server.port), "--csv"];
  const pids = [server.pid, Deno.pid];
  const before = await sampleCpu(pids);
  const started = performance.now();
  const result = await runRedisTool("redis-benchmark", args, { timeoutMs: RUN_TIMEOUT_MS });
  const wallSeconds = (performance.now() - started) / 1000;
  const after = await sampleCpu(pids);
  const output = `stdout: ${JSON.stringify(result.stdoutText)}, stderr: ${
    JSON.stringify(result.stderr)
  }`;
  const command = `redis-benchmark ${args.join(" ")} against ${server.name}`;
  if (result.signal !== null || result.code !== 0) {
    const how = result.signal === null ? `exit code ${result.code}` : `signal ${result.signal}`;
    throw new Error(`${command} failed (${how}); ${output}`);
  }
  const stderr = result.stderr.split("\n").filter((line) => !tolerate?.test(line)).join("\n");
  const word = ERROR_WORDS.find((w) => result.stdoutText.includes(w) || stderr.includes(w));
  if (word !== undefined) throw new Error(`${command} printed "${word}"; ${output}`);
  const percent = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / wallSeconds;
  return {
    requestsPerSecond: parseRate(result.stdoutText, test.command.toUpperCase(), command),
    serverCpu: percent(processTicks(after, server.pid) - processTicks(before, server.pid)),
    clientCpu: percent(childTicks(after, Deno.pid) - childTicks(before, Deno.pid)),
    stealCpu: percent(after.machineSteal - before.machineSteal),
  };
}

/** redis-benchmark's arguments for `test` against `port`, without the output format. */
function toolArgs(test: Test, port: number): string[] {
  return [
    "-h",
    "127.0.0.1",
    "-p",
    String(port),
    "-c",
    String(CLIENTS),
    "-n",
    String(test.requests),
    "-r",
    String(KEY_COUNT),
    "-d",
    String(FIELD_BYTES),
    "-t",
    test.command,
    "-P",
    String(test.pipeline),
  ];
}

/**
 * The `rps` of test `name` in redis-benchmark's `--csv` output: a header
 * line `"test","rps",…`, then one line per test, every field quoted.
 */
export function parseRate(csv: string, name: string, command: string): number {
  const rows = csv.trim().split("\n").map((line) =>
    line.split(",").map((field) => field.trim().replace(/^"(.*)"$/, "$1"))
  );
  const column = rows[0]?.indexOf("rps") ?? -1;
  const row = rows.find((fields) => fields[0] === name);
  const rate = column < 0 || row === undefined ? NaN : Number(row[column]);
  if (!(rate > 0)) {
    throw new SyntaxError(
      `Expected a "${name}" row with requests per second from ${command}, found ` +
        JSON.stringify(csv),
    );
  }
  return rate;
}

/** The report section: one row per test, medians and ranges of each server, and the ratios. */
function report(options: RedisBenchmarkBenchOptions, sides: Side[]): string {
  const walkv = sides[0];
  const others = sides.slice(1);
  const lines = [
    "## redis-benchmark, walkv and redis-server side by side",
    "",
    `- client: \`redis-benchmark -h 127.0.0.1 -p PORT -c ${CLIENTS} -n N -r ${KEY_COUNT} ` +
    `-d ${FIELD_BYTES} -t TEST -P DEPTH --csv\`, TEST, DEPTH and N as in each row; ` +
    "requests/s as it reports them",
    "- walkv: RESP, defaults (`--shards 8`, `--fsync always`), its WAL in a temporary " +
    `directory, \`${WALKV_ARGS.join(" ")}\` (no automatic compaction)`,
    ...options.baseline
      ? [`- baseline: walkv run the same way from the checkout \`${options.baseline}\``]
      : [],
    '- redis-server: `appendonly yes`, `appendfsync always`, `save ""`, ' +
    `\`${REDIS_ARGS.join(" ").replace(/^--/, "")}\`, in a temporary directory; ` +
    "both sync each SET before answering it",
    `- keys: ${KEY_COUNT} preloaded, 16-byte keys and values, so GETs hit; SETs write ` +
    `${FIELD_BYTES}-byte values`,
    `- ${options.rounds} round(s), interleaved: each test against every server in turn, the ` +
    'first one rotating by round; each number is the median of the rounds, "range" ' +
    "shows all rounds; ratios are of the medians",
    "- CPU: the server's user+system time over the run, as % of one core (client CPU: " +
    "redis-benchmark's own, the generator); steal: CPU the " +
    "hypervisor took from the machine (all servers' runs), as % of one core",
    ...options.baseline
      ? ["- CPU/req: walkv's server CPU per request over the baseline's (below 1: cheaper)"]
      : [],
    "",
  ];
  const header = ["test", "-n"];
  for (const side of sides) {
    header.push(
      `${side.label} req/s`,
      `${side.label} range`,
      `${side.label} CPU %`,
      `${side.label} client CPU %`,
    );
  }
  header.push("steal %", ...others.map((side) => `walkv / ${side.label}`));
  if (options.baseline) header.push("CPU/req walkv / baseline");
  lines.push(`| ${header.join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`);
  for (const test of TESTS) {
    const runs = (side: Side) => side.runs.get(test) ?? [];
    const rate = (side: Side) => median(runs(side).map((run) => run.requestsPerSecond));
    const cpuPerRequest = (side: Side) =>
      median(runs(side).map((run) => run.serverCpu / run.requestsPerSecond));
    const steal = median(sides.flatMap((side) => runs(side).map((run) => run.stealCpu)));
    const baseline = sides.find((side) => side.label === BASELINE);
    lines.push(
      `| ${
        [
          describe(test),
          String(test.requests),
          ...sides.flatMap((side) => columns(runs(side))),
          steal.toFixed(0),
          ...others.map((side) => `${(rate(walkv) / rate(side)).toFixed(2)}×`),
          ...baseline ? [`${(cpuPerRequest(walkv) / cpuPerRequest(baseline)).toFixed(2)}×`] : [],
        ].join(" | ")
      } |`,
    );
  }
  return lines.join("\n");
}

/** A server's median rate, range and median CPU for one test. */
function columns(runs: Run[]): string[] {
  const rates = runs.map((run) => run.requestsPerSecond);
  return [
    formatRate(median(rates)),
    runs.length > 1 ? `${formatRate(Math.min(...rates))}–${formatRate(Math.max(...rates))}` : "—",
    median(runs.map((run) => run.serverCpu)).toFixed(0),
    median(runs.map((run) => run.clientCpu)).toFixed(0),
  ];
}

/** The test's name in the report; every SET here is durable on both servers. */
function describe(test: Test): string {
  return `${test.command === "set" ? "durable SET" : "GET"} -P ${test.pipeline}`;
}

/** Requests per second as the reports print them: `93k`, `870`. */
export function formatRate(rate: number): string {
  return rate >= 10_000 ? `${(rate / 1000).toFixed(0)}k` : rate.toFixed(0);
}
