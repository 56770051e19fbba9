/**
 * Test support for the Redis compatibility tests in `tests/server/`: a real
 * `redis-server` to compare walkv's answers with, and a way to run Redis's
 * own tools (`redis-cli`, `redis-benchmark`) to completion.
 *
 * The tools are required, not optional: CI installs `redis-server` and
 * `redis-tools`, so a missing binary fails the test with a message saying
 * what to install instead of skipping it.
 *
 * @module
 */
import { freePort } from "./server_process.ts";
import { tempDir } from "./temp_dir.ts";

/** How long a redis-server may take to say it accepts connections. */
const READY_TIMEOUT_MS = 10_000;
/** How many times to retry when another process grabbed the free port first. */
const PORT_ATTEMPTS = 5;
/** How long a tool run may take before it is killed. */
const TOOL_TIMEOUT_MS = 30_000;

const decoder = new TextDecoder();

/** A running redis-server, stopped (and its temp dir removed) on `await using`. */
export interface RedisServer extends AsyncDisposable {
  readonly port: number;
  /** Everything the server logged so far. */
  outputText(): string;
}

/** Options for {@linkcode startRedisServer}. */
export interface RedisServerOptions {
  /** More `--name value` settings, e.g. `["--databases", "1"]`. Default: none. */
  args?: string[];
  /** A config file to start from (redis-server's first argument), for CONFIG REWRITE. */
  configFile?: string;
}

/**
 * Starts a throwaway `redis-server` on a free loopback port, with no RDB
 * snapshots and no AOF, running in a temp dir of its own, and resolves once
 * it logs that it accepts connections. `await using` kills it and removes
 * the dir.
 *
 * @throws {Error} when `redis-server` is not installed or does not start,
 *   quoting its output.
 * @example
 * ```ts
 * await using redis = await startRedisServer({ args: ["--databases", "1"] });
 * const result = await runRedisTool("redis-cli", ["-p", String(redis.port), "PING"]);
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  for (let attempt = 1;; attempt++) {
    const dir = await tempDir();
    const port = freePort();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("redis-server", {
        args: [
          ...(options.configFile === undefined ? [] : [options.configFile]),
          "--port",
          String(port),
          "--bind",
          "127.0.0.1",
          "--save",
          "",
          "--appendonly",
          "no",
          "--dir",
          dir.path,
          "--daemonize",
          "no",
          ...(options.args ?? []),
        ],
        cwd: dir.path,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
    } catch (error: unknown) {
      await dir[Symbol.asyncDispose]();
      throw missingTool("redis-server", "redis-server", error);
    }

    let output = "";
    const ready = Promise.withResolvers<"ready" | "exited" | "timed out">();
    const drained = Promise.all([
      drain(child.stdout, (text) => {
        output += text;
        if (output.includes("Ready to accept connections")) ready.resolve("ready");
      }),
      drain(child.stderr, (text) => output += text),
    ]);
    let hasExited = false;
    child.status.then(() => {
      hasExited = true;
      ready.resolve("exited");
    });
    const timer = setTimeout(() => ready.resolve("timed out"), READY_TIMEOUT_MS);
    const outcome = await ready.promise;
    clearTimeout(timer);

    const dispose = async () => {
      if (!hasExited) {
        try {
          child.kill("SIGKILL");
        } catch (error: unknown) {
          if (!(error instanceof TypeError)) throw error; // TypeError: already exited
        }
      }
      await drained;
      await child.status;
      await dir[Symbol.asyncDispose]();
    };
    if (outcome === "ready") {
      return { port, outputText: () => output, [Symbol.asyncDispose]: dispose };
    }
    await dispose();
    if (/already in use/i.test(output) && attempt < PORT_ATTEMPTS) continue;
    throw new Error(`redis-server did not start (${outcome}) on port ${port}:\n${output}`);
  }
}

/** What a finished tool run printed, and how it exited. */
export interface ToolResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: Uint8Array;
  stderr: string;
  /** `stdout` decoded as UTF-8. */
  stdoutText: string;
}

/** Options for {@linkcode runRedisTool}. */
export interface ToolOptions {
  /** Bytes (or UTF-8 text) fed to the tool's stdin, which is then closed. Default: none. */
  stdin?: string | Uint8Array;
  /** Milliseconds before the run is killed. Default 30 000. */
  timeoutMs?: number;
}

/**
 * Runs one of Redis's command-line tools to completion and returns its
 * output; a run that takes longer than `timeoutMs` is killed, which shows
 * in the result's `signal`.
 *
 * @throws {Error} when the tool is not installed, naming the package.
 * @example
 * ```ts
 * const result = await runRedisTool("redis-cli", ["-p", "6379"], { stdin: "PING\n" });
 * result.stdoutText; // "PONG\n"
 * ```
 */
export async function runRedisTool(
  tool: "redis-cli" | "redis-benchmark",
  args: string[],
  options: ToolOptions = {},
): Promise<ToolResult> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(tool, {
      args,
      stdin: options.stdin === undefined ? "null" : "piped",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(options.timeoutMs ?? TOOL_TIMEOUT_MS),
    }).spawn();
  } catch (error: unknown) {
    throw missingTool(tool, "redis-tools", error);
  }
  // Output is collected while input is written, so neither pipe can fill and stall the other.
  const finished = child.output();
  if (options.stdin !== undefined) {
    const input = typeof options.stdin === "string"
      ? new TextEncoder().encode(options.stdin)
      : options.stdin;
    const writer = child.stdin.getWriter();
    try {
      await writer.write(input);
      await writer.close();
    } catch (error: unknown) {
      // The tool may exit before reading all of its input; its output says why.
      if (!(error instanceof Deno.errors.BrokenPipe)) throw error;
    }
  }
  const output = await finished;
  return {
    code: output.code,
    signal: output.signal,
    stdout: output.stdout,
    stderr: decoder.decode(output.stderr),
    stdoutText: decoder.decode(output.stdout),
  };
}

function missingTool(tool: string, pkg: string, error: unknown): unknown {
  if (!(error instanceof Deno.errors.NotFound)) return error;
  return new Error(
    `${tool} is not installed; these tests need it (apt-get install ${pkg}, as .ci/run does)`,
  );
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  onText: (text: string) => void,
): Promise<void> {
  for await (const text of stream.pipeThrough(new TextDecoderStream())) onText(text);
}
