/**
 * A server under test, run as a child process: walkv (`deno run main.ts`) or
 * `redis-server`, each on a free loopback port with its files in its own
 * temporary directory. Its output is drained so a full pipe never stalls it,
 * and {@linkcode ServerProcess.stop} kills it and removes the directory.
 *
 * @example
 * ```ts
 * await using server = await ServerProcess.walkv({ shards: 8 });
 * console.log(server.port, server.pid);
 * ```
 */
import { freePort } from "../helpers/server_process.ts";
export class ServerProcess implements AsyncDisposable {
  /** Every server not yet stopped, so a Ctrl-C can still clean up. */
  static readonly live = new Set<ServerProcess>();

  readonly name: string;
  readonly port: number;
  readonly #child: Deno.ChildProcess;
  readonly #dir: string;
  readonly #stderr: OutputTail;
  #stopped: Promise<void> | null = null;

  private constructor(
    name: string,
    port: number,
    child: Deno.ChildProcess,
    dir: string,
    stderr: OutputTail,
  ) {
    this.name = name;
    this.port = port;
    this.#child = child;
    this.#dir = dir;
    this.#stderr = stderr;
    ServerProcess.live.add(this);
  }

  /** The server's process id, e.g. to read its CPU time. */
  get pid(): number {
    return this.#child.pid;
  }

  /** The last few kilobytes the server wrote to stderr. */
  get stderr(): string {
    return this.#stderr.text;
  }

  /**
   * Starts walkv from this repository with its WAL in a new temporary
   * directory (or with no WAL) and waits for its "listening on" line.
   */
  static async walkv(options: { shards: number; persist?: boolean }): Promise<ServerProcess> {
    const dir = await Deno.makeTempDir({ prefix: "walkv_bench_" });
    const port = freePort();
    const repo = new URL("../../", import.meta.url);
    const args = [
      "run",
      "--allow-net=127.0.0.1",
      `--allow-read=${dir}`,
      `--allow-write=${dir}`,
      new URL("main.ts", repo).pathname,
      "--port",
      String(port),
      "--wal",
      `${dir}/wal`,
      "--shards",
      String(options.shards),
    ];
    if (options.persist === false) args.push("--no-persist");
    const child = new Deno.Command(Deno.execPath(), {
      args,
      cwd: repo.pathname,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const stderr = new OutputTail(child.stderr);
    const server = new ServerProcess(`walkv --shards ${options.shards}`, port, child, dir, stderr);
    try {
      await server.#waitForLine(child.stdout, "listening on");
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * Starts `redis-server` on loopback with no snapshots, and with an
   * append-only file synced before every reply when `fsyncAlways` is set,
   * then waits until it accepts connections.
   */
  static async redis(options: { fsyncAlways: boolean }): Promise<ServerProcess> {
    const dir = await Deno.makeTempDir({ prefix: "walkv_bench_redis_" });
    const port = freePort();
    const args = [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--daemonize",
      "no",
      "--dir",
      dir,
      "--appendonly",
      options.fsyncAlways ? "yes" : "no",
    ];
    if (options.fsyncAlways) args.push("--appendfsync", "always");
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command("redis-server", {
        args,
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).spawn();
    } catch (error: unknown) {
      await Deno.remove(dir, { recursive: true });
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          "Cannot run redis-server: not found on PATH (apt-get install redis-server)",
        );
      }
      throw error;
    }
    const name = options.fsyncAlways ? "redis appendfsync always" : "redis no persistence";
    const server = new ServerProcess(name, port, child, dir, new OutputTail(child.stderr));
    try {
      await server.#waitForConnect();
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and removes its directory. */
  stop(): Promise<void> {
    this.#stopped ??= this.#stop();
    return this.#stopped;
  }

  /**
   * The synchronous last resort for an interrupted benchmark: SIGKILL and
   * remove the directory, without waiting.
   */
  killNow(): void {
    ServerProcess.live.delete(this);
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // Already exited.
    }
    try {
      Deno.removeSync(this.#dir, { recursive: true });
    } catch {
      // Already gone.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  async #stop(): Promise<void> {
    try {
      this.#child.kill("SIGTERM");
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error; // TypeError: already exited.
    }
    const killer = setTimeout(() => {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // Exited meanwhile.
      }
    }, 5_000);
    await this.#child.status;
    clearTimeout(killer);
    await this.#stderr.done;
    await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    ServerProcess.live.delete(this);
  }

  /** Reads `stdout` until a line containing `marker`, then discards the rest. */
  async #waitForLine(stdout: ReadableStream<Uint8Array>, marker: string): Promise<void> {
    const reader = stdout.pipeThrough(new TextDecoderStream()).getReader();
    let seen = "";
    const timeout = setTimeout(() => this.#child.kill("SIGKILL"), 20_000);
    try {
      while (!seen.includes(marker)) {
        const { value, done } = await reader.read();
        if (done) {
          throw new Error(
            `${this.name} exited before printing "${marker}"; stdout: ${JSON.stringify(seen)}; ` +
              `stderr: ${JSON.stringify(this.stderr)}`,
          );
        }
        seen = (seen + value).slice(-4096);
      }
    } finally {
      clearTimeout(timeout);
    }
    // Keep draining, so the server's log lines never fill the pipe.
    (async () => {
      while (!(await reader.read()).done) { /* discard */ }
    })().catch(() => {});
  }

  async #waitForConnect(): Promise<void> {
    const deadline = performance.now() + 20_000;
    while (true) {
      try {
        const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.port });
        conn.close();
        return;
      } catch (error: unknown) {
        if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
        if (performance.now() > deadline) {
          throw new Error(`${this.name} did not accept connections on port ${this.port} in 20 s`);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  }
}

/** Drains a stream, keeping only its last few kilobytes as text. */
class OutputTail {
  text = "";
  readonly done: Promise<void>;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text = (this.text + chunk).slice(-4096);
      }
    })().catch(() => {});
  }
}
