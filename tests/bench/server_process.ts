/**
 * A server under test, run as a child process: walkv (`deno run main.ts`) or
 * `redis-server`, each on a free loopback port with its files in its own
 * temporary directory. Its output is drained so a full pipe never stalls it,
 * {@linkcode ServerProcess.restart} kills it and starts it again on the same
 * files (to time a restart), and {@linkcode ServerProcess.stop} kills it and
 * removes the directory.
 *
 * @example
 * ```ts
 * await using server = await ServerProcess.walkv({ shards: 8 });
 * console.log(server.port, server.pid);
 * await server.restart("SIGKILL"); // same port, same WAL; not serving yet
 * ```
 */
import { freePort } from "../helpers/server_process.ts";
export class ServerProcess implements AsyncDisposable {
  /** Every server not yet stopped, so a Ctrl-C can still clean up. */
  static readonly live = new Set<ServerProcess>();

  readonly name: string;
  readonly port: number;
  /** The server's temporary directory, holding its WAL or AOF. */
  readonly dir: string;
  readonly #command: Deno.Command;
  #child!: Deno.ChildProcess;
  #stdout!: OutputTail;
  #stderr!: OutputTail;
  #spawnedAt = 0;
  #stopped: Promise<void> | null = null;

  private constructor(name: string, port: number, dir: string, command: Deno.Command) {
    this.name = name;
    this.port = port;
    this.dir = dir;
    this.#command = command;
    this.#spawn();
    ServerProcess.live.add(this);
  }

  /** The server's process id, e.g. to read its CPU time. */
  get pid(): number {
    return this.#child.pid;
  }

  /** When the current process was spawned, in `performance.now()` time. */
  get spawnedAt(): number {
    return this.#spawnedAt;
  }

  /** The last few kilobytes the current process wrote to stderr. */
  get stderr(): string {
    return this.#stderr.text;
  }

  /** The last few kilobytes the current process wrote to stdout (walkv's info log). */
  get stdout(): string {
    return this.#stdout.text;
  }

  /**
   * Starts walkv from this repository (or from `checkout`, another
   * checkout of it, e.g. an earlier commit's) with its WAL in a new temporary
   * directory (or with no WAL) and waits for its "listening on" line.
   * `args` are more flags, e.g. `["--compact-min-size", "1073741824"]`.
   */
  static async walkv(
    options: { shards: number; persist?: boolean; args?: string[]; checkout?: string },
  ): Promise<ServerProcess> {
    const dir = await Deno.makeTempDir({ prefix: "walkv_bench_" });
    const port = freePort();
    const repo = options.checkout === undefined
      ? new URL("../../", import.meta.url)
      : new URL(`file://${options.checkout.replace(/\/*$/, "/")}`);
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
      ...options.args ?? [],
    ];
    if (options.persist === false) args.push("--no-persist");
    const command = new Deno.Command(Deno.execPath(), {
      args,
      cwd: repo.pathname,
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const server = new ServerProcess(`walkv --shards ${options.shards}`, port, dir, command);
    try {
      await server.waitForOutput(/listening on/, 0, 20_000);
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * Starts the canned Deno server (`canned_server.ts`, Deno's socket floor)
   * and waits for its "listening on" line.
   */
  static async canned(): Promise<ServerProcess> {
    const dir = await Deno.makeTempDir({ prefix: "walkv_bench_canned_" });
    const port = freePort();
    const command = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net=127.0.0.1",
        new URL("canned_server.ts", import.meta.url).pathname,
        "--port",
        String(port),
      ],
      env: { NO_COLOR: "1" },
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const server = new ServerProcess("canned Deno server", port, dir, command);
    try {
      await server.waitForOutput(/listening on/, 0, 20_000);
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * Starts `redis-server` on loopback with no snapshots, and with an
   * append-only file synced before every reply when `fsyncAlways` is set,
   * then waits until it accepts connections. `args` are more settings, e.g.
   * `["--auto-aof-rewrite-percentage", "0"]`.
   */
  static async redis(options: { fsyncAlways: boolean; args?: string[] }): Promise<ServerProcess> {
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
    args.push(...options.args ?? []);
    const command = new Deno.Command("redis-server", {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    });
    const name = options.fsyncAlways ? "redis appendfsync always" : "redis no persistence";
    let server: ServerProcess;
    try {
      server = new ServerProcess(name, port, dir, command);
    } catch (error: unknown) {
      await Deno.remove(dir, { recursive: true });
      if (error instanceof Deno.errors.NotFound) {
        throw new Error(
          "Cannot run redis-server: not found on PATH (apt-get install redis-server)",
        );
      }
      throw error;
    }
    try {
      await server.#waitForConnect();
    } catch (error: unknown) {
      await server.stop();
      throw error;
    }
    return server;
  }

  /**
   * Ends the server with `signal` (SIGKILL, the default, is a crash; SIGTERM
   * a clean shutdown), waits for it to exit, and starts it again with the
   * same command line: same port, same files. Resolves as soon as the new
   * process is spawned, not when it serves, so the caller can time its start
   * from {@linkcode spawnedAt}.
   */
  async restart(signal: Deno.Signal = "SIGKILL"): Promise<void> {
    if (this.#stopped !== null) throw new Error(`${this.name} was stopped; it cannot restart`);
    await this.#end(signal);
    this.#spawn();
  }

  /**
   * How many characters the current process has written to stdout so far: a
   * mark to pass to {@linkcode waitForOutput} to wait for a line printed after
   * this moment.
   */
  outputMark(): number {
    return this.#stdout.total;
  }

  /**
   * Waits until the current process prints a line matching `pattern` to
   * stdout after the first `after` characters (see {@linkcode outputMark}),
   * and returns the match. Fails if it exits or `timeoutMs` pass first.
   */
  async waitForOutput(
    pattern: RegExp,
    after: number,
    timeoutMs: number,
  ): Promise<RegExpMatchArray> {
    try {
      return await this.#stdout.waitFor(pattern, after, timeoutMs);
    } catch (error: unknown) {
      if (!(error instanceof Error)) throw error;
      throw new Error(
        `${this.name}: ${error.message}; stdout: ${JSON.stringify(this.stdout.slice(-1000))}; ` +
          `stderr: ${JSON.stringify(this.stderr)}`,
      );
    }
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
      Deno.removeSync(this.dir, { recursive: true });
    } catch {
      // Already gone.
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }

  #spawn(): void {
    this.#spawnedAt = performance.now();
    this.#child = this.#command.spawn();
    this.#stdout = new OutputTail(this.#child.stdout, 16 * 1024);
    this.#stderr = new OutputTail(this.#child.stderr, 4096);
  }

  async #stop(): Promise<void> {
    await this.#end("SIGTERM");
    await Deno.remove(this.dir, { recursive: true }).catch(() => {});
    ServerProcess.live.delete(this);
  }

  /** Sends `signal` (then SIGKILL after 5 s) and waits for the exit and the output's end. */
  async #end(signal: Deno.Signal): Promise<void> {
    try {
      this.#child.kill(signal);
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
    await Promise.all([this.#stdout.done, this.#stderr.done]);
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

/**
 * Drains a stream, keeping only its last `limit` characters as text, and
 * lets a caller wait for a pattern to appear in it.
 */
class OutputTail {
  text = "";
  /** Characters received in all, trimmed ones included. */
  total = 0;
  readonly done: Promise<void>;
  #ended = false;
  /** Called after every chunk and at the end. */
  readonly #watchers = new Set<() => void>();

  constructor(stream: ReadableStream<Uint8Array>, limit: number) {
    this.done = (async () => {
      for await (const chunk of stream.pipeThrough(new TextDecoderStream())) {
        this.text = (this.text + chunk).slice(-limit);
        this.total += chunk.length;
        for (const watcher of this.#watchers) watcher();
      }
    })().catch(() => {}).finally(() => {
      this.#ended = true;
      for (const watcher of this.#watchers) watcher();
    });
  }

  /** The first match of `pattern` in the text after character `after` (see `total`). */
  waitFor(pattern: RegExp, after: number, timeoutMs: number): Promise<RegExpMatchArray> {
    const { promise, resolve, reject } = Promise.withResolvers<RegExpMatchArray>();
    const check = () => {
      const from = Math.max(0, after - (this.total - this.text.length));
      const match = this.text.slice(from).match(pattern);
      if (match !== null) resolve(match);
      else if (this.#ended) reject(new Error(`exited before printing ${pattern}`));
    };
    const timer = setTimeout(
      () => reject(new Error(`printed no ${pattern} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    this.#watchers.add(check);
    check();
    return promise.finally(() => {
      clearTimeout(timer);
      this.#watchers.delete(check);
    });
  }
}
