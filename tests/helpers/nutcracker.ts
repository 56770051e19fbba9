/**
 * nutcracker (twemproxy, Debian package `nutcracker`) in front of walkv
 * nodes, for the scale-out test and bench: writes its YAML config into a
 * temp dir, checks it with `nutcracker -t`, starts it on free loopback ports
 * and waits until every pool answers PING. `await using` kills it.
 *
 * @module
 */
import { frame } from "./resp_frames.ts";
import { freePort, RawConnection } from "./server_process.ts";

/**
 * The binary: Debian installs it as /usr/sbin/nutcracker, which is not on
 * an ordinary user's PATH; elsewhere, whatever PATH finds.
 */
const NUTCRACKER = (() => {
  try {
    Deno.statSync("/usr/sbin/nutcracker");
    return "/usr/sbin/nutcracker";
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return "nutcracker";
    throw error;
  }
})();

/** How often nutcracker refreshes its stats (`-i`; its default is 30 s). */
export const STATS_INTERVAL_MS = 100;

/** One backend server: its port and the name ketama hashes (so the key spread does not depend on the port). */
export interface NutcrackerNode {
  port: number;
  name: string;
}

/** One nutcracker pool: a listening port in front of all the nodes. */
export interface PoolOptions {
  /** The pool's name in the YAML. */
  name: string;
  /** `auto_eject_hosts`: take a node out of the ring after `server_failure_limit` failures. */
  autoEjectHosts: boolean;
  /** `server_retry_timeout` in ms: how long an ejected node stays out. Default 30000. */
  serverRetryTimeoutMs?: number;
  /** `server_failure_limit`. Default 1. */
  serverFailureLimit?: number;
  /** `server_connections`: connections to each node. Default nutcracker's, 1. */
  serverConnections?: number;
}

/** A running nutcracker. */
export interface Nutcracker extends AsyncDisposable {
  /** The port each pool listens on, by pool name. */
  readonly ports: ReadonlyMap<string, number>;
  /** The stats port (`-s`): a JSON document per connection. */
  readonly statsPort: number;
  /** The config file as written. */
  readonly config: string;
  /** nutcracker's log so far (`-o`). */
  logText(): Promise<string>;
  /** The stats JSON, parsed; at most {@linkcode STATS_INTERVAL_MS} old. */
  stats(): Promise<Record<string, unknown>>;
}

/** The YAML for `pools` over `nodes`, each pool on its own port. */
export function nutcrackerConfig(
  pools: readonly PoolOptions[],
  ports: ReadonlyMap<string, number>,
  nodes: readonly NutcrackerNode[],
): string {
  return pools.map((pool) =>
    [
      `${pool.name}:`,
      `  listen: 127.0.0.1:${ports.get(pool.name)}`,
      `  redis: true`,
      `  hash: fnv1a_64`,
      `  distribution: ketama`,
      `  auto_eject_hosts: ${pool.autoEjectHosts}`,
      `  server_retry_timeout: ${pool.serverRetryTimeoutMs ?? 30_000}`,
      `  server_failure_limit: ${pool.serverFailureLimit ?? 1}`,
      `  timeout: 5000`,
      ...(pool.serverConnections === undefined
        ? []
        : [`  server_connections: ${pool.serverConnections}`]),
      `  servers:`,
      ...nodes.map((node) => `    - 127.0.0.1:${node.port}:1 ${node.name}`),
      "",
    ].join("\n")
  ).join("\n");
}

/** Runs nutcracker to completion with `args` (for `-t`, `-V`). */
async function runNutcracker(args: string[]): Promise<Deno.CommandOutput> {
  try {
    return await new Deno.Command(NUTCRACKER, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(10_000),
    }).output();
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) {
      throw new Error("nutcracker is not installed (Debian package `nutcracker`)");
    }
    throw error;
  }
}

/**
 * Starts nutcracker with `pools` in front of `nodes`, its files in `dir`.
 *
 * @example
 * ```ts
 * await using proxy = await startNutcracker(dir.path, nodes, [{ name: "walkv", autoEjectHosts: true }]);
 * const port = proxy.ports.get("walkv")!;
 * ```
 */
export async function startNutcracker(
  dir: string,
  nodes: readonly NutcrackerNode[],
  pools: readonly PoolOptions[],
): Promise<Nutcracker> {
  const ports = new Map(pools.map((pool) => [pool.name, freePort()]));
  const statsPort = freePort();
  const config = nutcrackerConfig(pools, ports, nodes);
  const configPath = `${dir}/nutcracker.yml`;
  const logPath = `${dir}/nutcracker.log`;
  await Deno.writeTextFile(configPath, config);
  const check = await runNutcracker(["-t", "-c", configPath]);
  const checked = new TextDecoder().decode(check.stdout) + new TextDecoder().decode(check.stderr);
  if (!check.success || !checked.includes("syntax is ok")) {
    throw new Error(`nutcracker -t refused the config:\n${checked}\n--- config ---\n${config}`);
  }
  const child = new Deno.Command(NUTCRACKER, {
    args: [
      "-c",
      configPath,
      "-s",
      String(statsPort),
      "-a",
      "127.0.0.1",
      "-i",
      String(STATS_INTERVAL_MS),
      "-o",
      logPath,
      "-p",
      `${dir}/nutcracker.pid`,
    ],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const proxy: Nutcracker = {
    ports,
    statsPort,
    config,
    logText: () => Deno.readTextFile(logPath).catch(() => ""),
    async stats() {
      using connection = await RawConnection.connect(statsPort);
      return JSON.parse(new TextDecoder().decode(await connection.readToEnd()));
    },
    async [Symbol.asyncDispose]() {
      try {
        child.kill("SIGKILL");
      } catch (error: unknown) {
        if (!(error instanceof TypeError)) throw error; // TypeError: already exited
      }
      await child.status;
    },
  };
  try {
    for (const port of ports.values()) await untilPong(port, child.status);
  } catch (error: unknown) {
    await proxy[Symbol.asyncDispose]();
    throw new Error(`${String(error)}\n--- log ---\n${await proxy.logText()}`);
  }
  return proxy;
}

/** Waits (at most 10 s) until a PING through `port` answers PONG. */
async function untilPong(port: number, exited: Promise<Deno.CommandStatus>): Promise<void> {
  let hasExited = false;
  exited.then(() => hasExited = true);
  const deadline = Date.now() + 10_000;
  while (true) {
    if (hasExited) throw new Error("nutcracker exited before serving");
    try {
      using connection = await RawConnection.connect(port);
      await connection.send(frame("PING"));
      if (await connection.readText(1, 2_000) === "+PONG\r\n") return;
    } catch (error: unknown) {
      if (Date.now() > deadline) throw new Error(`nutcracker on port ${port}: ${String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
