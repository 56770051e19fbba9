/**
 * walkv's benchmark (`deno task bench`): starts walkv, then redis-server, as
 * child processes on loopback, drives each with the same closed-loop load
 * generator (50 connections), and prints a Markdown report to stdout:
 * throughput, p50/p99 round-trip latency, and the CPU each side used, for
 * GET and durable SET, unpipelined and at pipeline depth 16, on the
 * single-map and the sharded store, over walkv's text protocol and over
 * RESP, and the walkv/Redis ratios. Then Redis's own `redis-benchmark`
 * against walkv and redis-server side by side (`redis_benchmark_bench.ts`),
 * a client in C that is not capped where this generator is. Then the WAL
 * part (`restart_bench.ts`): WAL size before and after compaction, and the
 * time a restarted walkv takes to answer, next to a restarted redis-server
 * loading its AOF.
 *
 * Redis is both the yardstick and the proof that the generator is not the
 * bottleneck: if the same generator pushes redis-server to more requests per
 * second than walkv, it can drive more than walkv serves. The CPU columns are
 * the second proof: a client process well under one core while the server
 * sits near one core means the server is the limit.
 *
 * Flags (progress goes to stderr, the report to stdout):
 *   --seconds N      measured seconds per workload        (default 3)
 *   --warmup N       unmeasured seconds before each one    (default 0.5)
 *   --rounds N       measure everything N times, interleaved; report the
 *                    median and the range                  (default 3)
 *   --only LIST      parts to run: get1,get16,set1,set16 (throughput workloads),
 *                    rb (redis-benchmark), types (data types: throughput by
 *                    redis-benchmark and memory for 1M-member containers),
 *                    floor (the canned Deno server beside walkv and redis-server,
 *                    and one fdatasync's cost), memory (RSS of redis-server,
 *                    walkv --store map and --store arena holding the same
 *                    string keys), pause (an unpipelined GET's tail latency
 *                    beside a full-speed writer, with --pause-keys keys
 *                    loaded) and restart (the WAL part) (default all)
 *   --memory-keys N  keys the memory part loads          (default 1000000)
 *   --pause-keys N   keys loaded for the pause part       (default 10000000)
 *   --connections N  client connections                   (default 50)
 *   --workers N      client Worker threads; 0 = main thread (default 0)
 *   --no-redis       skip the redis-server comparison
 *   --baseline DIR   also run walkv from DIR, another checkout (e.g. the
 *                    commit before a change), interleaved with the rest, and
 *                    report this walkv against it
 *
 * @example
 * ```sh
 * deno task bench --seconds 1 --only get1,set1,rb
 * ```
 *
 * @module
 */
import { LoadDriver } from "./load_driver.ts";
import { preloadKeys } from "./preload_keys.ts";
import { processTicks, sampleCpu, TICKS_PER_SECOND } from "./cpu_sample.ts";
import { median } from "./median.ts";
import { floorBench } from "./floor_bench.ts";
import { pauseBench } from "./pause_bench.ts";
import { redisBenchmarkBench } from "./redis_benchmark_bench.ts";
import { memoryBench } from "./memory_bench.ts";
import { restartBench } from "./restart_bench.ts";
import { typesBench } from "./types_bench.ts";
import { ServerProcess } from "./server_process.ts";
import type { Operation, Protocol } from "./workload_shape.ts";

/** One row of the report's workload list. */
interface Workload {
  name: string;
  operation: Operation;
  depth: number;
  /** The target from the brief, in requests per second, if there is one. */
  target: number | null;
}

const WORKLOADS: readonly Workload[] = [
  { name: "get1", operation: "GET", depth: 1, target: 60_000 },
  { name: "get16", operation: "GET", depth: 16, target: 600_000 },
  { name: "set1", operation: "SET", depth: 1, target: 40_000 },
  { name: "set16", operation: "SET", depth: 16, target: null },
];

/**
 * The issue's bar for RESP: GET (unpipelined and at depth 16) and durable
 * SET at ≥ 0.8× Redis (durable SET against `appendfsync always`).
 */
const RESP_RATIO_TARGET = 0.8;

/** `--only`'s name for the WAL compaction and restart part. */
const RESTART = "restart";
/** `--only`'s name for the redis-benchmark part. */
const REDIS_BENCHMARK = "rb";
/** `--only`'s name for the data-types part. */
const TYPES = "types";
/** `--only`'s name for the floor part: the canned Deno server and one fdatasync. */
const FLOOR = "floor";
/** `--only`'s name for the GC pause part: a GET probe beside a full-speed writer. */
const PAUSE = "pause";
/** `--only`'s name for the memory part. */
const MEMORY = "memory";

/** Keys preloaded for GET and overwritten by SET. */
const KEY_COUNT = 10_000;

/** The benchmark's command line. */
interface BenchOptions {
  seconds: number;
  warmup: number;
  workloads: Workload[];
  /** Whether to run the redis-benchmark part. */
  redisBenchmark: boolean;
  /** Whether to run the data-types part. */
  types: boolean;
  /** Whether to run the floor part. */
  floor: boolean;
  /** Whether to run the pause part, and with how many keys. */
  pause: boolean;
  pauseKeys: number;
  /** Whether to run the memory part. */
  memory: boolean;
  /** Keys the memory part loads. */
  memoryKeys: number;
  /** Whether to run the WAL compaction and restart part. */
  restart: boolean;
  connections: number;
  workers: number;
  rounds: number;
  redis: boolean;
  /** Another checkout of walkv to measure beside this one, or null. */
  baseline: string | null;
}

/** One measured workload against one server. */
interface Measurement {
  workload: Workload;
  server: string;
  opsPerSecond: number;
  p50: number;
  p99: number;
  serverCpu: number;
  clientCpu: number;
  /** Busy CPU on the machine that was neither server nor client (other load). */
  otherCpu: number;
  /** CPU the hypervisor took away from this machine. */
  stealCpu: number;
}

/** A server configuration to run workloads against. */
interface Target {
  label: string;
  protocol: Protocol;
  start: () => Promise<ServerProcess>;
  /** Which of the selected workloads apply. */
  runs: (workload: Workload) => boolean;
}

function parseOptions(args: string[]): BenchOptions {
  const options: BenchOptions = {
    seconds: 3,
    warmup: 0.5,
    workloads: [...WORKLOADS],
    redisBenchmark: true,
    types: true,
    floor: true,
    pause: true,
    pauseKeys: 10_000_000,
    memory: true,
    memoryKeys: 1_000_000,
    restart: true,
    connections: 50,
    workers: 0,
    rounds: 3,
    redis: true,
    baseline: null,
  };
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const text = inline ?? args[++i];
      if (text === undefined) throw new TypeError(`Flag ${flag} needs a value`);
      return text;
    };
    const number = (min: number, max: number) => {
      const text = value();
      const n = Number(text);
      if (text.trim() === "" || !(n >= min && n <= max)) {
        throw new RangeError(`Flag ${flag} must be from ${min} to ${max}, found "${text}"`);
      }
      return n;
    };
    switch (flag) {
      case "--seconds":
        options.seconds = number(0.1, 60);
        break;
      case "--warmup":
        options.warmup = number(0, 10);
        break;
      case "--connections":
        options.connections = Math.round(number(1, 1000));
        break;
      case "--workers":
        options.workers = Math.round(number(0, 8));
        break;
      case "--rounds":
        options.rounds = Math.round(number(1, 10));
        break;
      case "--pause-keys":
        options.pauseKeys = Math.round(number(1000, 100_000_000));
        break;
      case "--memory-keys":
        options.memoryKeys = Math.round(number(1, 100_000_000));
        break;
      case "--no-redis":
        options.redis = false;
        break;
      case "--baseline": {
        const dir = value();
        try {
          Deno.statSync(`${dir}/main.ts`);
        } catch {
          throw new TypeError(`Flag --baseline needs a walkv checkout, found "${dir}"`);
        }
        options.baseline = Deno.realPathSync(dir);
        break;
      }
      case "--only": {
        const names = value().split(",").map((name) => name.trim()).filter((n) => n !== "");
        const parts = [REDIS_BENCHMARK, TYPES, FLOOR, MEMORY, PAUSE, RESTART];
        for (const name of names) {
          if (!parts.includes(name) && !WORKLOADS.some((w) => w.name === name)) {
            const known = [...WORKLOADS.map((w) => w.name), ...parts].join(",");
            throw new TypeError(`Unknown part "${name}" in --only; expected some of ${known}`);
          }
        }
        options.workloads = WORKLOADS.filter((w) => names.includes(w.name));
        options.redisBenchmark = names.includes(REDIS_BENCHMARK);
        options.types = names.includes(TYPES);
        options.floor = names.includes(FLOOR);
        options.pause = names.includes(PAUSE);
        options.memory = names.includes(MEMORY);
        options.restart = names.includes(RESTART);
        break;
      }
      default:
        throw new TypeError(
          `Unknown flag "${args[i]}"; expected --seconds, --warmup, --rounds, --only, ` +
            `--connections, --workers, --memory-keys, --pause-keys, --no-redis or --baseline`,
        );
    }
  }
  return options;
}

/** A target's server, started and preloaded. */
interface Running {
  target: Target;
  server: ServerProcess;
}

/** Drives one workload against one server for one round and measures it. */
async function measure(
  running: Running,
  workload: Workload,
  options: BenchOptions,
  driver: LoadDriver,
): Promise<Measurement> {
  const { target, server } = running;
  const shape = {
    protocol: target.protocol,
    operation: workload.operation,
    depth: workload.depth,
    keyCount: KEY_COUNT,
  };
  await driver.open(server.port, shape, options.connections);
  try {
    if (options.warmup > 0) await driver.run(options.warmup);
    const pids = [Deno.pid, server.pid];
    const before = await sampleCpu(pids);
    const started = performance.now();
    const phase = await driver.run(options.seconds);
    const wallSeconds = (performance.now() - started) / 1000;
    const after = await sampleCpu(pids);
    const percent = (ticks: number) => (100 * ticks) / TICKS_PER_SECOND / wallSeconds;
    const serverCpu = percent(processTicks(after, server.pid) - processTicks(before, server.pid));
    const clientCpu = percent(processTicks(after, Deno.pid) - processTicks(before, Deno.pid));
    const machineCpu = percent(after.machineBusy - before.machineBusy);
    const m: Measurement = {
      workload,
      server: target.label,
      opsPerSecond: phase.requests / (phase.elapsedMillis / 1000),
      p50: phase.latencies.percentileMillis(50),
      p99: phase.latencies.percentileMillis(99),
      serverCpu,
      clientCpu,
      otherCpu: Math.max(0, machineCpu - serverCpu - clientCpu),
      stealCpu: percent(after.machineSteal - before.machineSteal),
    };
    progress(
      `  ${workload.name.padEnd(5)} ${target.label.padEnd(24)} ` +
        `${formatOps(m.opsPerSecond).padStart(6)}/s  p50 ${m.p50.toFixed(3)} ms  ` +
        `CPU server ${m.serverCpu.toFixed(0)}%, client ${m.clientCpu.toFixed(0)}%, ` +
        `other ${m.otherCpu.toFixed(0)}%, steal ${m.stealCpu.toFixed(0)}%`,
    );
    return m;
  } finally {
    await driver.closeConnections();
  }
}

/** Every round of one workload on one server, summed up by their medians. */
interface Summary {
  /**
   * Each number is the median of that number over the rounds (ops/s, latency
   * and CPU each on its own), so it need not be any one round's.
   */
  median: Measurement;
  minOps: number;
  maxOps: number;
  rounds: number;
}

/** Groups measurements by server and workload, in first-seen order. */
function summarize(measurements: Measurement[]): Summary[] {
  const groups = new Map<string, Measurement[]>();
  for (const m of measurements) {
    const key = `${m.server}\u0000${m.workload.name}`;
    groups.set(key, [...groups.get(key) ?? [], m]);
  }
  return [...groups.values()].map((group) => {
    const ops = group.map((m) => m.opsPerSecond);
    const middle = (field: (m: Measurement) => number) => median(group.map(field));
    const summary: Measurement = {
      workload: group[0].workload,
      server: group[0].server,
      opsPerSecond: median(ops),
      p50: middle((m) => m.p50),
      p99: middle((m) => m.p99),
      serverCpu: middle((m) => m.serverCpu),
      clientCpu: middle((m) => m.clientCpu),
      otherCpu: middle((m) => m.otherCpu),
      stealCpu: middle((m) => m.stealCpu),
    };
    return {
      median: summary,
      minOps: Math.min(...ops),
      maxOps: Math.max(...ops),
      rounds: group.length,
    };
  });
}

/** The report's title and what it ran on. */
function reportHeader(): string {
  return [
    "# walkv benchmark",
    "",
    `- date: ${new Date().toISOString()}`,
    `- nproc: ${navigator.hardwareConcurrency}`,
    `- Deno: ${Deno.version.deno} (V8 ${Deno.version.v8})`,
  ].join("\n");
}

/** The prefix of the baseline checkout's labels. */
const BASELINE = "baseline ";

/** The throughput part of the report. */
function report(
  options: BenchOptions,
  walkv: Summary[],
  redis: Summary[],
  baseline: Summary[],
): string {
  const lines: string[] = [];
  lines.push(
    `- load: ${options.connections} connections, closed loop, ${options.seconds} s measured ` +
      `after ${options.warmup} s warm-up, ${options.rounds} round(s) interleaved across ` +
      `servers; each number is the median of the rounds, "range" shows all rounds; ` +
      `walkv/Redis ratios are of the medians; client on ` +
      (options.workers === 0 ? "the main thread" : `${options.workers} Worker thread(s)`),
    `- keys: ${KEY_COUNT} preloaded, 16-byte keys and values; GETs all hit`,
    "- latency: per request round trip; a pipelined batch's round trip counts for each " +
      "request in it",
    "- CPU: user+system time from /proc/<pid>/stat during the measured seconds, " +
      "as % of one core (100% = one core busy); other = CPU busy on the machine outside " +
      "server and client (other load, kernel threads), which disturbs the numbers when high",
    "",
  );
  lines.push("## walkv", "");
  lines.push(...table(walkv, true), "");
  if (baseline.length > 0) {
    lines.push(`## baseline: walkv from ${options.baseline}`, "");
    lines.push(...table(baseline, false), "");
    lines.push(...againstBaseline(options, walkv, redis, baseline), "");
  }
  if (redis.length === 0) return lines.join("\n");
  lines.push("## redis-server, same generator (RESP)", "");
  lines.push(...table(redis, false), "");
  lines.push("## walkv / Redis", "");
  for (const workload of options.workloads) {
    const against = workload.operation === "GET"
      ? "redis no persistence"
      : "redis appendfsync always";
    const base = find(redis, against, workload);
    if (base === undefined) continue;
    const parts = walkv.filter((s) => s.median.workload === workload).map((s) => {
      const ratio = s.median.opsPerSecond / base.median.opsPerSecond;
      const goal = s.median.server.startsWith("RESP")
        ? ` (target ≥ ${RESP_RATIO_TARGET}×: ${ratio >= RESP_RATIO_TARGET ? "met" : "missed"})`
        : "";
      return `${s.median.server} ${ratio.toFixed(2)}×${goal}`;
    });
    lines.push(
      `- ${describe(workload)}: ${parts.join(", ")} (vs ${against}, ` +
        `${formatOps(base.median.opsPerSecond)}/s)`,
    );
  }
  lines.push("", "## Is the generator ahead of walkv?", "");
  for (const workload of options.workloads) {
    const bare = find(redis, "redis no persistence", workload);
    const mine = walkv.filter((s) => s.median.workload === workload);
    if (bare === undefined || mine.length === 0) continue;
    const top = mine.reduce((a, b) => (b.median.opsPerSecond > a.median.opsPerSecond ? b : a))
      .median;
    const headroom = bare.median.opsPerSecond / top.opsPerSecond;
    const verdict = headroom > 1
      ? "ahead: the same generator drives more than walkv serves"
      : "NOT shown: walkv kept up with the most the generator drove";
    lines.push(
      `- ${describe(workload)}: (a) redis-server (no persistence) reached ` +
        `${formatOps(bare.median.opsPerSecond)}/s = ${headroom.toFixed(2)}× walkv's fastest ` +
        `${formatOps(top.opsPerSecond)}/s (medians): ${verdict}. (b) walkv's fastest: server ` +
        `${top.serverCpu.toFixed(0)}% vs client ${top.clientCpu.toFixed(0)}% of a core ` +
        `(against Redis the client used ${bare.median.clientCpu.toFixed(0)}%).`,
    );
  }
  return lines.join("\n");
}

/**
 * This walkv against the baseline, store by store: the ratio of their
 * medians, and each one's ratio to redis-server where it ran.
 */
function againstBaseline(
  options: BenchOptions,
  walkv: Summary[],
  redis: Summary[],
  baseline: Summary[],
): string[] {
  const lines = ["## walkv / baseline", ""];
  for (const workload of options.workloads) {
    const against = workload.operation === "GET"
      ? "redis no persistence"
      : "redis appendfsync always";
    const base = find(redis, against, workload);
    const parts = walkv.filter((s) => s.median.workload === workload).map((s) => {
      const old = find(baseline, BASELINE + s.median.server, workload);
      if (old === undefined) return `${s.median.server}: no baseline`;
      const now = s.median.opsPerSecond;
      const before = old.median.opsPerSecond;
      const toRedis = base === undefined
        ? ""
        : ` (vs Redis ${(now / base.median.opsPerSecond).toFixed(2)}× now, ` +
          `${(before / base.median.opsPerSecond).toFixed(2)}× before)`;
      return `${s.median.server} ${(now / before).toFixed(2)}×${toRedis}`;
    });
    lines.push(`- ${describe(workload)}: ${parts.join("; ")}`);
  }
  return lines;
}

function find(summaries: Summary[], server: string, workload: Workload): Summary | undefined {
  return summaries.find((s) => s.median.server === server && s.median.workload === workload);
}

function table(summaries: Summary[], withTargets: boolean): string[] {
  const header = [
    "workload",
    "store",
    "ops/s",
    "p50 ms",
    "p99 ms",
    "server CPU %",
    "client CPU %",
    "other CPU %",
    "ops/s range",
  ];
  if (withTargets) header.push("target ops/s");
  const rows = [`| ${header.join(" | ")} |`, `|${header.map(() => " --- ").join("|")}|`];
  for (const { median: m, minOps, maxOps, rounds } of summaries) {
    const cells = [
      describe(m.workload, m.server),
      m.server,
      formatOps(m.opsPerSecond),
      m.p50.toFixed(3),
      m.p99.toFixed(3),
      m.serverCpu.toFixed(0),
      m.clientCpu.toFixed(0),
      m.otherCpu.toFixed(0),
      rounds > 1 ? `${formatOps(minOps)}–${formatOps(maxOps)}` : "—",
    ];
    if (withTargets) {
      const target = m.workload.target;
      cells.push(
        target === null
          ? "—"
          : `≥ ${formatOps(target)} (${m.opsPerSecond >= target ? "met" : "missed"})`,
      );
    }
    rows.push(`| ${cells.join(" | ")} |`);
  }
  return rows;
}

/** The workload's name for the report; a SET is durable unless `server` keeps nothing. */
function describe(workload: Workload, server?: string): string {
  const durable = workload.operation === "SET" && server !== "redis no persistence"
    ? "durable "
    : "";
  return `${durable}${workload.operation} depth ${workload.depth}`;
}

function formatOps(ops: number): string {
  return ops >= 10_000 ? `${(ops / 1000).toFixed(0)}k` : ops.toFixed(0);
}

function progress(message: string): void {
  console.error(`bench: ${message}`);
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(Deno.args);
  } catch (error: unknown) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    console.error(`bench: ${error.message}`);
    return 2;
  }
  const driver = LoadDriver.create({ workers: options.workers });
  // Ctrl-C must not leave servers or temporary directories behind.
  const onInterrupt = () => {
    driver.terminate();
    for (const server of [...ServerProcess.live]) server.killNow();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  /** walkv over both protocols on both stores, from `checkout` (default: this one). */
  const walkvTargets = (prefix: string, checkout?: string): Target[] =>
    (["walkv", "resp"] as const).flatMap((protocol) =>
      [1, 8].map((shards) => ({
        label: `${prefix}${protocol === "resp" ? "RESP" : "text"}, ` +
          (shards === 1 ? "single map (--shards 1)" : `sharded (--shards ${shards})`),
        protocol,
        start: () => ServerProcess.walkv({ shards, checkout }),
        runs: () => true,
      }))
    );
  const baselineTargets = options.baseline === null ? [] : walkvTargets(BASELINE, options.baseline);
  const redisTargets: Target[] = [false, true].map((fsyncAlways) => ({
    label: fsyncAlways ? "redis appendfsync always" : "redis no persistence",
    protocol: "resp",
    start: () => ServerProcess.redis({ fsyncAlways }),
    // Durable Redis is the SET comparison; non-durable Redis runs everything,
    // to show how fast the generator can go.
    runs: (workload) => !fsyncAlways || workload.operation === "SET",
  }));
  const running: Running[] = [];
  try {
    console.log(reportHeader());
    const targets = [
      ...walkvTargets(""),
      ...baselineTargets,
      ...(options.redis ? redisTargets : []),
    ]
      .filter((target) => options.workloads.some(target.runs));
    const preload = options.workloads.some((w) => w.operation === "GET");
    for (const target of targets) {
      progress(`starting ${target.label}${preload ? `, preloading ${KEY_COUNT} keys` : ""}`);
      const server = await target.start();
      running.push({ target, server });
      if (preload) await preloadKeys(server.port, target.protocol, KEY_COUNT);
    }
    // Rounds and servers interleave, so a slow spell on a shared host hits
    // every server's numbers instead of one server's.
    const measurements: Measurement[] = [];
    for (let round = 1; round <= options.rounds; round++) {
      if (options.workloads.length > 0) progress(`round ${round} of ${options.rounds}`);
      for (const workload of options.workloads) {
        for (const r of running.filter((r) => r.target.runs(workload))) {
          measurements.push(await measure(r, workload, options, driver));
        }
      }
    }
    if (options.workloads.length > 0) {
      const summaries = summarize(measurements);
      const isRedis = (s: Summary) => s.median.server.startsWith("redis");
      const isBaseline = (s: Summary) => s.median.server.startsWith(BASELINE);
      const mine = summaries.filter((s) => !isRedis(s) && !isBaseline(s));
      console.log(
        report(options, mine, summaries.filter(isRedis), summaries.filter(isBaseline)),
      );
    }
    for (const { server } of running.splice(0)) await server.stop();
    if (options.redisBenchmark) {
      progress("redis-benchmark part");
      const { rounds, redis } = options;
      const baseline = options.baseline ?? undefined;
      console.log("\n" + await redisBenchmarkBench({ rounds, redis, progress, baseline }));
    }
    if (options.types && options.redis) {
      progress("data types part");
      console.log("\n" + await typesBench({ rounds: options.rounds, progress }));
    }
    if (options.floor && options.redis) {
      progress("floor part");
      console.log("\n" + await floorBench({ rounds: options.rounds, progress }));
    }
    if (options.pause && options.redis) {
      progress("GC pause part");
      const { rounds, pauseKeys: keys, seconds } = options;
      console.log("\n" + await pauseBench({ rounds, keys, seconds: 3 * seconds, progress }));
    }
    if (options.memory && options.redis) {
      progress("memory part");
      console.log("\n" + await memoryBench({ keys: options.memoryKeys, progress }));
    }
    if (options.restart) {
      progress("WAL compaction and restart");
      console.log("\n" + await restartBench({ redis: options.redis, progress }));
    }
    return 0;
  } catch (error: unknown) {
    for (const { target, server } of running) {
      const stderr = server.stderr.trim();
      if (stderr !== "") progress(`${target.label} stderr:\n${stderr}`);
    }
    throw error;
  } finally {
    driver.terminate();
    for (const server of [...ServerProcess.live]) await server.stop();
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

if (import.meta.main) Deno.exit(await main());
