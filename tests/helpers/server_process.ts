/**
 * Test support for the integration tests in `tests/server/`: walkv's
 * `main.ts` as a real subprocess on a free loopback port, with its WAL in a
 * temp dir, and a raw socket that reads replies byte for byte.
 *
 * Every process started here is awaited and every socket closed by the
 * caller's `await using` (or an explicit `stop`/`kill`/`close`), so Deno's op
 * and resource sanitizers stay on.
 *
 * @module
 */

/** The repository root, found from this file so tests run from any cwd. */
export const REPO_ROOT = new URL("../../", import.meta.url).pathname;
/** How long a server may take to print its "listening" line. */
const READY_TIMEOUT_MS = 15_000;
/** How long a run that should exit by itself may take. */
const RUN_TIMEOUT_MS = 15_000;
/** How many times to retry when another process grabbed the free port first. */
const PORT_ATTEMPTS = 5;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A port nothing listens on right now (it may be taken again before use). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** The permissions `deno task start` grants, with `dir` in place of `wal_files`. */
export function serverPermissions(dir: string): string[] {
  return ["--allow-net=127.0.0.1", `--allow-read=${dir}`, `--allow-write=${dir}`];
}

/** Options for {@linkcode startServer}. */
export interface StartOptions {
  /** Flags after `--port P --wal <walPath>` (or after `argv`'s flags). */
  args?: string[];
  /** The folder holding the WAL; the caller owns it (see {@linkcode tempDir}). */
  walDir: string;
  /** The WAL's file name inside `walDir`. Default `wal`. */
  walName?: string;
  /**
   * Replaces the default `["--port", P, "--wal", walPath]`, e.g. to spell the
   * flags Go-style.
   */
  argv?: (port: number, walPath: string) => string[];
  /** Deno permission flags. Default {@linkcode serverPermissions}(walDir). */
  permissions?: string[];
  /**
   * Runs this executable with `argv` + `args` instead of `deno run main.ts`
   * (for the compiled binary).
   */
  executable?: string;
  /**
   * The script to run instead of `main.ts`, relative to the repository:
   * `tests/helpers/walkv_with_hooks.ts` for the compaction test hooks.
   */
  entry?: string;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /**
   * A command the server is started through, given the usual executable and
   * arguments after its own, e.g. one that lowers a resource limit and then
   * execs them. Default: none (the server is started directly).
   */
  commandPrefix?: string[];
  /**
   * The log line that means "started", given the port. Default
   * `listening on 127.0.0.1:<port>`, logged once the WAL is replayed and
   * every command runs; `accepting connections on 127.0.0.1:<port>` comes
   * before the replay, while commands still get -LOADING.
   */
  readyText?: (port: number) => string;
  /** How long the server may take to print its "listening" line (a long replay). Default 15 s. */
  readyTimeoutMs?: number;
  /**
   * Listen on this port instead of a free one, e.g. to restart a server where
   * its clients will reconnect; no retry on another port if it is taken.
   */
  port?: number;
}

/** A running walkv. */
export interface ServerProcess extends AsyncDisposable {
  readonly port: number;
  readonly walPath: string;
  readonly process: Deno.ChildProcess;
  /** Everything the server printed on stdout so far. */
  stdoutText(): string;
  /** Everything the server printed on stderr so far. */
  stderrText(): string;
  /** Sends `signal` (default SIGTERM) and waits for the exit and the output. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
  /** SIGKILL, then waits for the exit and the output. */
  kill(): Promise<Deno.CommandStatus>;
  /** Waits for the exit (and the end of the output) without signalling. */
  exited(): Promise<Deno.CommandStatus>;
}

/**
 * Starts walkv on a free loopback port and resolves once it prints
 * `listening on 127.0.0.1:<port>`. Stdout and stderr are drained all along, so
 * the pipes never fill. If the process exits first, this throws with its
 * stderr; if the exit was for a port someone else took meanwhile, it retries
 * on another port. `await using` stops a server still running with SIGKILL.
 *
 * @example
 * ```ts
 * await using dir = await tempDir();
 * await using server = await startServer({ walDir: dir.path, args: ["--shards", "1"] });
 * const status = await server.stop("SIGTERM");
 * ```
 */
export async function startServer(options: StartOptions): Promise<ServerProcess> {
  for (let attempt = 1;; attempt++) {
    const server = spawnServer(options, options.port ?? freePort());
    const outcome = await server.ready;
    if (outcome === "ready") return server;
    const status = await server.exited();
    const stderr = server.stderrText();
    const retry = options.port === undefined && attempt < PORT_ATTEMPTS;
    if (status.code === 1 && /already in use/.test(stderr) && retry) continue;
    throw new Error(
      `walkv did not start (${outcome}): exit code ${status.code}, signal ${status.signal}\n` +
        `--- stderr ---\n${stderr}\n--- stdout ---\n${server.stdoutText()}`,
    );
  }
}

/**
 * `WALKV_TEST_STORE` (`map` or `arena`), when set, is passed on as `--store`
 * to every server started here that does not choose one itself, so any
 * server suite can run against either store:
 * `WALKV_TEST_STORE=arena deno test … tests/server/crash_test.ts`.
 */
function storeFlags(args: readonly string[]): string[] {
  const store = Deno.env.get("WALKV_TEST_STORE");
  if (store === undefined || store === "" || args.some((arg) => /^--?store\b/.test(arg))) return [];
  return ["--store", store];
}

function spawnServer(
  options: StartOptions,
  port: number,
): ServerProcess & { ready: Promise<"ready" | "exited" | "timed out"> } {
  const walPath = `${options.walDir}/${options.walName ?? "wal"}`;
  const flags = [
    ...(options.argv ?? defaultArgv)(port, walPath),
    ...(options.args ?? []),
  ];
  if (!options.executable) flags.push(...storeFlags(flags));
  const executable = options.executable ?? Deno.execPath();
  const args = options.executable ? flags : [
    "run",
    ...(options.permissions ?? serverPermissions(options.walDir)),
    options.entry ?? "main.ts",
    ...flags,
  ];
  const prefix = options.commandPrefix ?? [];
  const command = prefix.length > 0 ? prefix[0] : executable;
  const commandArgs = prefix.length > 0 ? [...prefix.slice(1), executable, ...args] : args;
  const child = new Deno.Command(command, {
    args: commandArgs,
    cwd: REPO_ROOT,
    env: options.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();

  let stdout = "";
  let stderr = "";
  const listening = options.readyText?.(port) ?? `listening on 127.0.0.1:${port}`;
  const readyOrExit = Promise.withResolvers<"ready" | "exited">();
  const drained = Promise.all([
    drain(child.stdout, (text) => {
      stdout += text;
      if (stdout.includes(listening)) readyOrExit.resolve("ready");
    }),
    drain(child.stderr, (text) => stderr += text),
  ]);
  const status = child.status;
  let hasExited = false;
  status.then(() => {
    hasExited = true;
    readyOrExit.resolve("exited");
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timed out">((resolve) => {
    timer = setTimeout(() => resolve("timed out"), options.readyTimeoutMs ?? READY_TIMEOUT_MS);
  });
  const ready = Promise.race([readyOrExit.promise, timeout]).then((outcome) => {
    clearTimeout(timer);
    if (outcome === "timed out") {
      try {
        child.kill("SIGKILL");
      } catch { /* already gone */ }
    }
    return outcome;
  });

  let finished: Promise<Deno.CommandStatus> | null = null;
  const exited = () => finished ??= drained.then(() => status);
  const signal = (sig: Deno.Signal) => {
    try {
      child.kill(sig);
    } catch (error: unknown) {
      if (!(error instanceof TypeError)) throw error; // TypeError: already exited
    }
  };
  return {
    port,
    walPath,
    process: child,
    ready,
    stdoutText: () => stdout,
    stderrText: () => stderr,
    stop(sig: Deno.Signal = "SIGTERM") {
      signal(sig);
      return exited();
    },
    kill() {
      signal("SIGKILL");
      return exited();
    },
    exited,
    async [Symbol.asyncDispose]() {
      if (!hasExited) signal("SIGKILL");
      await exited();
    },
  };
}

function defaultArgv(port: number, walPath: string): string[] {
  return ["--port", String(port), "--wal", walPath];
}

async function drain(
  stream: ReadableStream<Uint8Array>,
  onText: (text: string) => void,
): Promise<void> {
  for await (const text of stream.pipeThrough(new TextDecoderStream())) onText(text);
}

/** What a finished run printed, and how it exited. */
export interface RunResult {
  code: number;
  signal: Deno.Signal | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `deno run <permissions> main.ts <args>` to completion, for runs that
 * should exit by themselves (bad flags, busy port, `--help`). A run that
 * takes longer than 15 s is killed, and the result says so by its signal.
 */
export async function runWalkv(args: string[], permissions: string[]): Promise<RunResult> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, "main.ts", ...args],
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(RUN_TIMEOUT_MS),
  }).output();
  return {
    code: output.code,
    signal: output.signal,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/**
 * A raw TCP connection to walkv that reads replies as exact bytes: no line
 * splitting or trimming on the client side to hide a framing bug.
 */
export class RawConnection implements Disposable {
  readonly conn: Deno.TcpConn | Deno.TlsConn;
  /** Bytes received but not yet returned by a read method. */
  #pending = new Uint8Array(0);
  #closed = false;

  private constructor(conn: Deno.TcpConn | Deno.TlsConn) {
    this.conn = conn;
  }

  /** Connects to walkv on loopback, with Nagle off. */
  static async connect(port: number): Promise<RawConnection> {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    conn.setNoDelay(true);
    return new RawConnection(conn);
  }

  /** Connects over TLS to walkv's `--tls-port` on loopback, trusting `caPem`'s certificate. */
  static async connectTls(port: number, caPem: string): Promise<RawConnection> {
    const conn = await Deno.connectTls({ hostname: "127.0.0.1", port, caCerts: [caPem] });
    await conn.handshake();
    return new RawConnection(conn);
  }

  /** Writes all of `data` (text is UTF-8 encoded). */
  async send(data: string | Uint8Array): Promise<void> {
    let bytes = typeof data === "string" ? encoder.encode(data) : data;
    while (bytes.length > 0) bytes = bytes.subarray(await this.conn.write(bytes));
  }

  /**
   * Reads until `count` newline-terminated replies have arrived and returns
   * their exact bytes. Fails on timeout or on EOF first, quoting what came.
   * Bytes after the `count`-th newline stay pending for the next read.
   */
  async readReplies(count: number, timeoutMs = 10_000): Promise<Uint8Array> {
    let seen = 0;
    let end = 0;
    const scan = () => {
      while (seen < count) {
        const i = this.#pending.indexOf(0x0a, end);
        if (i === -1) return false;
        end = i + 1;
        seen++;
      }
      return true;
    };
    await this.#readWhile(() => !scan(), timeoutMs, `${count} replies`, false);
    const replies = this.#pending.slice(0, end);
    this.#pending = this.#pending.slice(end);
    return replies;
  }

  /** Like {@linkcode readReplies}, decoded as UTF-8 text. */
  async readText(count: number, timeoutMs = 10_000): Promise<string> {
    return decoder.decode(await this.readReplies(count, timeoutMs));
  }

  /**
   * Reads until the server closes the connection, returning everything that
   * arrived (pending bytes included). A reset counts as a close.
   */
  async readToEnd(timeoutMs = 10_000): Promise<Uint8Array> {
    await this.#readWhile(() => true, timeoutMs, "the server to close the connection", true);
    const rest = this.#pending;
    this.#pending = new Uint8Array(0);
    return rest;
  }

  /**
   * Reads once into `buffer`, bypassing the pending bytes (for replies too
   * large to keep): the byte count, or `null` at EOF. Past `deadline` (a
   * `Date.now()` time) it closes the connection and throws.
   */
  async readChunk(buffer: Uint8Array, deadline: number): Promise<number | null> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), Math.max(0, deadline - Date.now()));
    });
    const read = this.conn.read(buffer);
    const n = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
    if (n !== "timeout") return n;
    this.close(); // settles the read, so no op outlives the test
    await read.catch(() => {});
    throw new Error(`timed out reading from the server; ${this.#pending.length} bytes pending`);
  }

  /** Bytes received but not yet returned. */
  get pending(): Uint8Array {
    return this.#pending;
  }

  /** Reads while `more()` says so; EOF ends the wait if `untilEof`, else fails it. */
  async #readWhile(
    more: () => boolean,
    timeoutMs: number,
    what: string,
    untilEof: boolean,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const buffer = new Uint8Array(64 * 1024);
    while (more()) {
      const left = deadline - Date.now();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), Math.max(0, left));
      });
      const read = this.conn.read(buffer).catch((error: unknown) => {
        if (error instanceof Deno.errors.ConnectionReset) return null;
        if (error instanceof Deno.errors.BadResource && this.#closed) return null;
        throw error;
      });
      const n = await Promise.race([read, timeout]).finally(() => clearTimeout(timer));
      if (n === "timeout") {
        this.close(); // settles the pending read, so no op leaks
        await read.catch(() => {});
        throw new Error(
          `timed out after ${timeoutMs} ms waiting for ${what}; received ` +
            JSON.stringify(decoder.decode(this.#pending)),
        );
      }
      if (n === null) {
        if (untilEof) return;
        throw new Error(
          `connection closed while waiting for ${what}; received ` +
            JSON.stringify(decoder.decode(this.#pending)),
        );
      }
      const grown = new Uint8Array(this.#pending.length + n);
      grown.set(this.#pending);
      grown.set(buffer.subarray(0, n), this.#pending.length);
      this.#pending = grown;
    }
  }

  /** Closes the connection; closing twice is fine. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      this.conn.close();
    } catch (error: unknown) {
      if (!(error instanceof Deno.errors.BadResource)) throw error;
    }
  }

  [Symbol.dispose](): void {
    this.close();
  }
}

/** One request, one reply line, as text without its newline. */
export async function request(connection: RawConnection, line: string): Promise<string> {
  await connection.send(line + "\n");
  return (await connection.readText(1)).slice(0, -1);
}

/** The UTF-8 bytes of `text`, for byte-exact comparisons. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}
