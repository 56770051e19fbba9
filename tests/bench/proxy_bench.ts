/**
 * Throughput through nutcracker (twemproxy): the README's scale-out figures.
 * Runs `redis-benchmark -t set,get -n 100000 -c 50 -r 100000 -q`, one
 * request at a time and with `-P 16`, against one walkv directly, then
 * through nutcracker in front of one walkv node (with its default one
 * connection to the node, and with `server_connections: 8`) and of three, taking turns
 * round by round, and prints a Markdown table of requests per second (each
 * cell: the median over the rounds, then every round's figure).
 *
 * Every walkv runs with its defaults (`--fsync always`: each SET on disk
 * before its reply), its WAL in a temporary directory. `-r 100000` spreads
 * the keys, so that through three nodes every node gets a share (without it
 * redis-benchmark uses one key, which nutcracker sends to one node).
 *
 * ```sh
 * deno run --allow-net --allow-read --allow-write --allow-run --allow-env tests/bench/proxy_bench.ts [--rounds N]
 * ```
 *
 * @module
 */
import { startNutcracker } from "../helpers/nutcracker.ts";
import { runRedisTool } from "../helpers/redis_server.ts";
import { median } from "./median.ts";
import { ServerProcess } from "./server_process.ts";

/** redis-benchmark's flags, besides `-p` and `-P`. */
const BENCHMARK_ARGS = ["-t", "set,get", "-n", "100000", "-c", "50", "-r", "100000", "-q"];
const PIPELINES = [1, 16] as const;
const COMMANDS = ["SET", "GET"] as const;
const RUN_TIMEOUT_MS = 300_000;

/** One way of reaching walkv. */
interface Target {
  label: string;
  port: number;
}

/** `SET: 28985.51 requests per second, p50=…` in redis-benchmark's `-q` output, by command. */
function parseQuiet(output: string): Map<string, number> {
  const rates = new Map<string, number>();
  for (const line of output.split(/[\r\n]+/)) {
    const match = /^(\w+): ([\d.]+) requests per second/.exec(line.trim());
    if (match) rates.set(match[1], Number(match[2]));
  }
  for (const command of COMMANDS) {
    if (!(rates.get(command)! > 0)) {
      throw new SyntaxError(
        `No ${command} rate in redis-benchmark's output: ${JSON.stringify(output)}`,
      );
    }
  }
  return rates;
}

async function benchmark(port: number, pipeline: number): Promise<Map<string, number>> {
  const args = ["-p", String(port), ...BENCHMARK_ARGS, "-P", String(pipeline)];
  const result = await runRedisTool("redis-benchmark", args, { timeoutMs: RUN_TIMEOUT_MS });
  if (result.code !== 0 || /ERR|error/.test(result.stdoutText + result.stderr)) {
    throw new Error(
      `redis-benchmark ${args.join(" ")} failed:\n${result.stdoutText}\n${result.stderr}`,
    );
  }
  return parseQuiet(result.stdoutText);
}

/** Runs the bench and returns the Markdown report. */
export async function proxyBench(
  rounds: number,
  progress: (line: string) => void,
): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "walkv_proxy_bench_" });
  const servers: ServerProcess[] = [];
  const proxies: AsyncDisposable[] = [];
  try {
    const start = async () => {
      const server = await ServerProcess.walkv({ shards: 8 });
      servers.push(server);
      return server;
    };
    const direct = await start();
    const alone = await start();
    const three = [await start(), await start(), await start()];
    const proxy = async (
      label: string,
      nodes: ServerProcess[],
      serverConnections?: number,
    ): Promise<Target> => {
      const proxyDir = await Deno.makeTempDir({ dir, prefix: "nutcracker_" });
      const running = await startNutcracker(
        proxyDir,
        nodes.map((node, i) => ({ port: node.port, name: `node${i + 1}` })),
        [{ name: "walkv", autoEjectHosts: true, serverConnections }],
      );
      proxies.push(running);
      return { label, port: running.ports.get("walkv")! };
    };
    const targets: Target[] = [
      { label: "walkv directly", port: direct.port },
      await proxy("nutcracker, 1 node", [alone]),
      await proxy("nutcracker, 1 node, server_connections: 8", [alone], 8),
      await proxy("nutcracker, 3 nodes", three),
    ];
    const rates = new Map<string, number[]>();
    for (let round = 1; round <= rounds; round++) {
      // Each round starts with a different target, so a drift in the machine's load is shared.
      const order = targets.map((_, i) => targets[(i + round - 1) % targets.length]);
      for (const target of order) {
        for (const pipeline of PIPELINES) {
          progress(`round ${round}/${rounds}: ${target.label}, -P ${pipeline}`);
          for (const [command, rate] of await benchmark(target.port, pipeline)) {
            const key = `${target.label}|${command}|${pipeline}`;
            rates.set(key, [...rates.get(key) ?? [], rate]);
          }
        }
      }
    }
    const cell = (values: number[]) =>
      `${Math.round(median(values) / 1000)}k (${
        values.map((v) => Math.round(v / 1000)).join(", ")
      })`;
    const header = PIPELINES.flatMap((p) => COMMANDS.map((c) => `${c} -P ${p}`));
    return [
      `redis-benchmark -p PORT ${BENCHMARK_ARGS.join(" ")} [-P 16], ${rounds} rounds; ` +
      "requests/s, median (each round)",
      "",
      `| target | ${header.join(" | ")} |`,
      `| --- | ${header.map(() => "---").join(" | ")} |`,
      ...targets.map((target) =>
        `| ${target.label} | ${
          PIPELINES.flatMap((p) =>
            COMMANDS.map((c) => cell(rates.get(`${target.label}|${c}|${p}`)!))
          )
            .join(" | ")
        } |`
      ),
    ].join("\n");
  } finally {
    for (const proxy of proxies) await proxy[Symbol.asyncDispose]();
    for (const server of servers) await server[Symbol.asyncDispose]();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  const at = Deno.args.indexOf("--rounds");
  const rounds = at === -1 ? 2 : Number(Deno.args[at + 1]);
  if (!Number.isInteger(rounds) || rounds < 1) {
    console.error(
      `proxy_bench: --rounds expects a positive integer, found ${
        JSON.stringify(Deno.args[at + 1])
      }`,
    );
    Deno.exit(2);
  }
  console.log(`${new Date().toISOString()}, ${navigator.hardwareConcurrency} cores\n`);
  console.log(await proxyBench(rounds, (line) => console.error(line)));
}
