/**
 * Test support: walkv's `main.ts` as a real subprocess on a free loopback
 * port, with its WAL in a temp dir and Deno permissions as narrow as
 * `deno task start` grants (net on 127.0.0.1, read/write on the WAL's dir).
 */

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const READY_TIMEOUT_MS = 15_000;
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A port nothing listens on right now. */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** Runs `main.ts` to completion (for runs expected to exit by themselves). */
export async function runMain(
  args: string[],
  permissions: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...permissions, MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

/** Options for {@linkcode ServerProcess.start}. */
export interface StartOptions {
  /** Extra flags after the port and WAL flags. */
  args?: string[];
  /** Folder for the WAL; a new temp dir when absent (removed by `cleanup`). */
  dir?: string;
  /** Pass no --port/--wal (for Go-style flag tests that spell their own). */
  bareArgs?: boolean;
}

/** A running walkv. */
export class ServerProcess {
  readonly port: number;
  readonly dir: string;
  readonly walPath: string;
  readonly #child: Deno.ChildProcess;
  readonly #ownsDir: boolean;
  #stdout = "";
  #stderr = "";
  readonly #drained: Promise<void>;
  #status: Promise<Deno.CommandStatus>;

  private constructor(
    child: Deno.ChildProcess,
    port: number,
    dir: string,
    ownsDir: boolean,
  ) {
    this.#child = child;
    this.port = port;
    this.dir = dir;
    this.walPath = `${dir}/wal`;
    this.#ownsDir = ownsDir;
    this.#drained = Promise.all([
      this.#pump(child.stdout, (text) => this.#stdout += text),
      this.#pump(child.stderr, (text) => this.#stderr += text),
    ]).then(() => {});
    this.#status = child.status;
  }

  /** Starts walkv and resolves once it logs that it is listening. */
  static async start(options: StartOptions = {}): Promise<ServerProcess> {
    const ownsDir = options.dir === undefined;
    const dir = options.dir ?? await Deno.makeTempDir({ prefix: "walkv_it_" });
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = freePort();
      const flags = options.bareArgs ? [] : ["--port", String(port), "--wal", `${dir}/wal`];
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--allow-net=127.0.0.1",
          `--allow-read=${dir}`,
          `--allow-write=${dir}`,
          MAIN,
          ...flags,
          ...(options.args ?? []),
        ],
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const server = new ServerProcess(child, port, dir, ownsDir);
      const ready = await server.#waitReady();
      if (ready) return server;
      const status = await server.#finish();
      if (server.stderr.includes("already in use")) continue; // lost a race for the port
      await server.cleanup();
      throw new Error(
        `walkv did not start (exit ${status.code}):\n${server.stdout}\n${server.stderr}`,
      );
    }
    throw new Error("walkv did not start: no free port after 3 tries");
  }

  get stdout(): string {
    return this.#stdout;
  }

  get stderr(): string {
    return this.#stderr;
  }

  /** Sends a signal and waits for the exit. */
  async stop(signal: Deno.Signal = "SIGTERM"): Promise<Deno.CommandStatus> {
    try {
      this.#child.kill(signal);
    } catch {
      // already gone
    }
    return await this.#finish();
  }

  /** kill -9, as a crash. */
  kill(): Promise<Deno.CommandStatus> {
    return this.stop("SIGKILL");
  }

  /** Waits for the exit without signalling. */
  async #finish(): Promise<Deno.CommandStatus> {
    const status = await this.#status;
    await this.#drained;
    return status;
  }

  /** Stops the process if still running and removes a temp dir it made. */
  async cleanup(): Promise<void> {
    try {
      this.#child.kill("SIGKILL");
    } catch {
      // already gone
    }
    await this.#finish();
    if (this.#ownsDir) await Deno.remove(this.dir, { recursive: true });
  }

  async #waitReady(): Promise<boolean> {
    const deadline = Date.now() + READY_TIMEOUT_MS;
    let exited = false;
    this.#status.then(() => exited = true);
    while (Date.now() < deadline) {
      if (this.#stdout.includes("listening on")) return true;
      if (exited) return false;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  async #pump(stream: ReadableStream<Uint8Array>, sink: (text: string) => void): Promise<void> {
    const textDecoder = new TextDecoder();
    for await (const chunk of stream) sink(textDecoder.decode(chunk, { stream: true }));
  }
}

/**
 * Sends `request` over a fresh connection and reads until `lines` newlines
 * have come back (or the server closes, or 10 s pass); returns the raw text.
 */
export async function exchange(port: number, request: string, lines: number): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await writeText(conn, request);
    return await readLines(conn, lines);
  } finally {
    conn.close();
  }
}

/** Writes all of `text`. */
export async function writeText(conn: Deno.Conn, text: string): Promise<void> {
  const bytes = encoder.encode(text);
  for (let written = 0; written < bytes.length;) {
    written += await conn.write(bytes.subarray(written));
  }
}

/**
 * One read, bounded in time: the byte count, `null` at end of stream, or
 * `"timeout"`. After a timeout the read is still pending; close the conn.
 */
async function readWithin(
  conn: Deno.Conn,
  buffer: Uint8Array,
  ms: number,
): Promise<number | null | "timeout"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const read = conn.read(buffer).catch((error: unknown) => {
    if (error instanceof Deno.errors.ConnectionReset) return null;
    if (error instanceof Deno.errors.BadResource) return null; // closed after a timeout
    if (error instanceof Deno.errors.Interrupted) return null;
    throw error;
  });
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ms);
  });
  try {
    return await Promise.race([read, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads until `lines` newlines arrived, the peer closed, or 10 s passed. */
export async function readLines(conn: Deno.Conn, lines: number): Promise<string> {
  const buffer = new Uint8Array(64 * 1024);
  const chunks: Uint8Array[] = [];
  let seen = 0;
  const deadline = Date.now() + 10_000;
  while (seen < lines) {
    const n = await readWithin(conn, buffer, Math.max(1, deadline - Date.now()));
    if (n === null || n === "timeout") break;
    for (let i = 0; i < n; i++) if (buffer[i] === 0x0a) seen++;
    chunks.push(buffer.slice(0, n));
  }
  const total = new Uint8Array(chunks.reduce((sum, c) => sum + c.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    total.set(chunk, offset);
    offset += chunk.length;
  }
  return decoder.decode(total);
}

/** Whether the peer closes the connection within 5 s (data before the close is skipped). */
export async function closedByPeer(conn: Deno.Conn): Promise<boolean> {
  const buffer = new Uint8Array(64 * 1024);
  const deadline = Date.now() + 5000;
  while (true) {
    const n = await readWithin(conn, buffer, Math.max(1, deadline - Date.now()));
    if (n === null) return true;
    if (n === "timeout") return false;
  }
}
