/**
 * The data-types part of `deno task bench` (`--only types`): Redis's own
 * `redis-benchmark` drives walkv and redis-server side by side with the
 * container commands (HSET/HGET, SADD, LPUSH/RPOP, ZADD/ZRANGE), unpipelined
 * and at depth 16, both servers syncing every write (walkv `--fsync always`,
 * redis-server `appendfsync always`); then the resident memory each needs to
 * hold one container of 1M members (a hash of 1M fields, a list of 1M
 * elements, a set and a sorted set of 1M members), each in a fresh server,
 * and 100k small ones of 10 members each (what Redis keeps in listpacks).
 *
 * A command walkv does not have yet is reported as such and skipped.
 *
 * @example
 * ```ts
 * console.log(await typesBench({ rounds: 3, progress: console.error }));
 * ```
 *
 * @module
 */
import { runRedisTool } from "../helpers/redis_server.ts";
import { residentBytes } from "../helpers/process_memory.ts";
import { processTicks, sampleCpu, TICKS_PER_SECOND } from "./cpu_sample.ts";
import { median } from "./median.ts";
import { parseRate } from "./redis_benchmark_bench.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection } from "../helpers/server_process.ts";
import { ServerProcess } from "./server_process.ts";

/** Options for {@linkcode typesBench}. */
export interface TypesBenchOptions {
  rounds: number;
  progress: (message: string) => void;
}

/** One redis-benchmark run: a built-in test (`-t`) or a command of our own. */
interface Test {
  name: string;
  /** redis-benchmark's arguments after the connection and count ones. */
  args: string[];
  /** The row redis-benchmark's CSV names. */
  row: string;
  /** A command walkv must have for the test to run. */
  needs: string;
  requests: number;
}

const CLIENTS = 50;
const RANDOM_KEYS = 100_000;
const RUN_TIMEOUT_MS = 120_000;
const WALKV_ARGS = ["--compact-min-size", String(1024 ** 3)];
const REDIS_ARGS = ["--auto-aof-rewrite-percentage", "0"];

/** The tests, each unpipelined and at depth 16. */
const TESTS: readonly Omit<Test, "requests">[] = [
  { name: "HSET", args: ["-t", "hset"], row: "HSET", needs: "HSET" },
  {
    name: "HGET",
    args: ["HGET", "myhash", "element:__rand_int__"],
    row: "HGET myhash element:__rand_int__",
    needs: "HGET",
  },
  { name: "SADD", args: ["-t", "sadd"], row: "SADD", needs: "SADD" },
  { name: "LPUSH", args: ["-t", "lpush"], row: "LPUSH", needs: "LPUSH" },
  { name: "RPOP", args: ["-t", "rpop"], row: "RPOP", needs: "RPOP" },
  { name: "ZADD", args: ["-t", "zadd"], row: "ZADD", needs: "ZADD" },
  {
    name: "ZRANGE 0 9",
    args: ["ZRANGE", "myzset", "0", "9"],
    row: "ZRANGE myzset 0 9",
    needs: "ZRANGE",
  },
];
const DEPTHS = [1, 16] as const;

/** Members of each container in the memory section. */
const MEMBERS = 1_000_000;
/** Members per command while loading one. */
const PER_COMMAND = 1000;
/** Small containers for the second memory table, and members in each (Redis keeps such in listpacks). */
const SMALL_CONTAINERS = 100_000;
const SMALL_MEMBERS = 10;
/** Commands per write while loading small containers. */
const SMALL_BATCH = 1000;

/** Container types of the memory tables, and the command that fills each. */
const FILLS = [["hash", "HSET"], ["list", "RPUSH"], ["set", "SADD"], ["zset", "ZADD"]] as const;
type Fill = typeof FILLS[number][0];

/** The arguments after the key that add members `first`…`end - 1` to a container of `type`. */
function members(type: Fill, first: number, end: number): string[] {
  const args: string[] = [];
  for (let i = first; i < end; i++) {
    const member = `member:${String(i).padStart(12, "0")}`;
    if (type === "hash") args.push(member, `value:${i}`);
    else if (type === "zset") args.push(String(i), member);
    else args.push(member);
  }
  return args;
}

interface Run {
  rate: number;
  cpu: number;
}

/** Whether the server on `port` has `command` (COMMAND INFO answers nil otherwise). */
async function hasCommand(port: number, command: string): Promise<boolean> {
  using connection = await RawConnection.connect(port);
  // A command's info is an array; an unknown one's, a null.
  return (await respCall(connection, "COMMAND", "INFO", command)).startsWith("*1\r\n*");
}

async function runTest(server: ServerProcess, test: Test, depth: number): Promise<Run> {
  const args = [
    "-h",
    "127.0.0.1",
    "-p",
    String(server.port),
    "-c",
    String(CLIENTS),
    "-n",
    String(test.requests),
    "-r",
    String(RANDOM_KEYS),
    "-P",
    String(depth),
    "--csv",
    ...test.args,
  ];
  const before = await sampleCpu([server.pid]);
  const started = performance.now();
  const result = await runRedisTool("redis-benchmark", args, { timeoutMs: RUN_TIMEOUT_MS });
  const seconds = (performance.now() - started) / 1000;
  const after = await sampleCpu([server.pid]);
  const command = `redis-benchmark ${args.join(" ")} against ${server.name}`;
  if (result.code !== 0) throw new Error(`${command} failed: ${result.stderr}`);
  const ticks = processTicks(after, server.pid) - processTicks(before, server.pid);
  return {
    rate: parseRate(result.stdoutText, test.row, command),
    cpu: (100 * ticks) / TICKS_PER_SECOND / seconds,
  };
}

/** Loads one container of {@linkcode MEMBERS} into `server` with pipelined commands. */
async function loadContainer(server: ServerProcess, type: Fill): Promise<void> {
  const command = FILLS.find(([t]) => t === type)![1];
  const commands: string[][] = [];
  for (let at = 0; at < MEMBERS; at += PER_COMMAND) {
    commands.push([command, "big", ...members(type, at, at + PER_COMMAND)]);
  }
  await sendAll(server, type, commands, 100);
}

/** Loads {@linkcode SMALL_CONTAINERS} containers of {@linkcode SMALL_MEMBERS} members each. */
async function loadSmall(server: ServerProcess, type: Fill): Promise<void> {
  const command = FILLS.find(([t]) => t === type)![1];
  const commands: string[][] = [];
  for (let key = 0; key < SMALL_CONTAINERS; key++) {
    const first = key * SMALL_MEMBERS;
    commands.push([command, `small:${key}`, ...members(type, first, first + SMALL_MEMBERS)]);
  }
  await sendAll(server, type, commands, SMALL_BATCH);
}

/** Sends `commands`, `perWrite` at a time, reading every reply; fails on an error reply. */
async function sendAll(
  server: ServerProcess,
  type: Fill,
  commands: string[][],
  perWrite: number,
): Promise<void> {
  using connection = await RawConnection.connect(server.port);
  for (let first = 0; first < commands.length; first += perWrite) {
    const batch = commands.slice(first, first + perWrite);
    await connection.send(concat(...batch.map((args) => frame(...args))));
    for (let i = 0; i < batch.length; i++) {
      const reply = await readRespReply(connection, 60_000);
      if (reply.startsWith("-")) throw new Error(`loading a ${type} into ${server.name}: ${reply}`);
    }
  }
}

function formatRate(rate: number): string {
  return rate >= 10_000 ? `${(rate / 1000).toFixed(0)}k` : rate.toFixed(0);
}

function formatMb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** Runs both sections and returns them as Markdown. */
export async function typesBench(options: TypesBenchOptions): Promise<string> {
  const { progress } = options;
  const lines = [
    "## Data types, walkv and redis-server side by side (redis-benchmark)",
    "",
    `- client: \`redis-benchmark -c ${CLIENTS} -n N -r ${RANDOM_KEYS} -P DEPTH --csv <test>\`; ` +
    "both servers sync every write before answering it (walkv `--fsync always`, its WAL in a " +
    "temporary directory; redis-server `appendonly yes`, `appendfsync always`)",
    `- ${options.rounds} round(s), the servers taking turns to go first; medians; CPU = the ` +
    "server's user+system time over the run, % of one core",
    "",
    "| test | depth | walkv req/s | walkv CPU % | redis req/s | redis CPU % | walkv / redis |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  const walkv = await ServerProcess.walkv({ shards: 8, args: WALKV_ARGS });
  const redis = await ServerProcess.redis({ fsyncAlways: true, args: REDIS_ARGS });
  try {
    for (const base of TESTS) {
      if (!(await hasCommand(walkv.port, base.needs))) {
        lines.push(`| ${base.name} | — | walkv has no ${base.needs} yet | | | | |`);
        continue;
      }
      for (const depth of DEPTHS) {
        const test = { ...base, requests: depth === 1 ? 50_000 : 300_000 };
        const runs = { walkv: [] as Run[], redis: [] as Run[] };
        for (let round = 1; round <= options.rounds; round++) {
          const order = round % 2 === 1 ? ["walkv", "redis"] as const : ["redis", "walkv"] as const;
          for (const side of order) {
            const run = await runTest(side === "walkv" ? walkv : redis, test, depth);
            runs[side].push(run);
            progress(
              `  types: ${base.name} -P ${depth} ${side} ${formatRate(run.rate)}/s, ` +
                `CPU ${run.cpu.toFixed(0)}%`,
            );
          }
        }
        const rate = (side: Run[]) => median(side.map((run) => run.rate));
        const cpu = (side: Run[]) => median(side.map((run) => run.cpu)).toFixed(0);
        lines.push(
          `| ${base.name} | ${depth} | ${formatRate(rate(runs.walkv))} | ${cpu(runs.walkv)} | ` +
            `${formatRate(rate(runs.redis))} | ${cpu(runs.redis)} | ` +
            `${(rate(runs.walkv) / rate(runs.redis)).toFixed(2)}× |`,
        );
      }
    }
  } finally {
    await walkv.stop();
    await redis.stop();
  }

  lines.push(
    "",
    `## Memory for one container of ${MEMBERS / 1e6}M members`,
    "",
    "- each in a fresh server (walkv `--shards 8`, default flags; redis-server without " +
      "persistence), loaded by pipelined commands of 1000 members (`member:` and 12 digits; " +
      "hash values `value:<i>`, sorted-set scores `i`); RSS from `/proc/<pid>/status` after the " +
      "load, minus the RSS of the same server empty",
    "",
    "| container | walkv | redis-server | walkv / redis |",
    "| --- | --- | --- | --- |",
  );
  for (const [type, command] of FILLS) {
    const row = await memoryRow(type, command, loadContainer, progress, `${MEMBERS} in a ${type}`);
    lines.push(row);
  }
  lines.push(
    "",
    `## Memory for ${SMALL_CONTAINERS / 1000}k small containers of ${SMALL_MEMBERS} members`,
    "",
    `- as above, but ${SMALL_CONTAINERS / 1000}k keys \`small:<n>\`, each one command of ` +
      `${SMALL_MEMBERS} members (Redis 7.0 keeps each in a listpack; OBJECT ENCODING says so ` +
      "on both); RSS growth divided by the containers: bytes per container",
    "",
    "| container | walkv | redis-server | walkv / redis | walkv B/container | redis B/container |",
    "| --- | --- | --- | --- | --- | --- |",
  );
  for (const [type, command] of FILLS) {
    const row = await memoryRow(type, command, loadSmall, progress, `small ${type}s`);
    lines.push(row);
  }
  return lines.join("\n");
}

/**
 * One memory table row: `type` loaded by `load` into a fresh walkv and a
 * fresh redis-server, each one's RSS growth, and (for the small table) per
 * container.
 */
async function memoryRow(
  type: Fill,
  command: string,
  load: (server: ServerProcess, type: Fill) => Promise<void>,
  progress: (message: string) => void,
  what: string,
): Promise<string> {
  const walkv = await ServerProcess.walkv({ shards: 8, args: WALKV_ARGS });
  const redis = await ServerProcess.redis({ fsyncAlways: false });
  try {
    if (!(await hasCommand(walkv.port, command))) {
      return `| ${type} | walkv has no ${command} yet | | |`;
    }
    const grown: number[] = [];
    for (const server of [walkv, redis]) {
      const empty = await residentBytes(server.pid);
      await load(server, type);
      grown.push((await residentBytes(server.pid)) - empty);
      progress(`  types: ${what}, ${server.name}: +${formatMb(grown.at(-1)!)}`);
    }
    const cells = [
      type,
      formatMb(grown[0]),
      formatMb(grown[1]),
      `${(grown[0] / grown[1]).toFixed(2)}×`,
    ];
    if (load === loadSmall) {
      cells.push(...grown.map((bytes) => String(Math.round(bytes / SMALL_CONTAINERS))));
    }
    return `| ${cells.join(" | ")} |`;
  } finally {
    await walkv.stop();
    await redis.stop();
  }
}
