/**
 * The memory part of `deno task bench` (`--only memory`): the resident memory
 * redis-server 7.0, walkv `--store map` and walkv `--store arena` need for
 * the same string keys, side by side in one run.
 *
 * Each server starts fresh with persistence off (walkv `--no-persist`,
 * redis-server `appendonly no`, `save ""`), its empty RSS is read, then
 * `redis-cli --pipe` sends `SET key:000000000000 val:000000000000` … (16-byte
 * keys and values, one SET per key) from a file, and once the load is done
 * the RSS is read again after it settles: sampled every 250 ms until two
 * samples in a row differ by under 1 %, at most 10 s. RSS is `VmRSS` from
 * `/proc/<pid>/status`: what the process takes from the machine, runtime,
 * heap, arenas and allocator slack included.
 *
 * @example
 * ```ts
 * console.log(await memoryBench({ keys: 1_000_000, progress: console.error }));
 * ```
 *
 * @module
 */
import { residentBytes } from "../helpers/process_memory.ts";
import { ServerProcess } from "./server_process.ts";
import { keyName, valueFor } from "./workload_shape.ts";

/** Options for {@linkcode memoryBench}. */
export interface MemoryBenchOptions {
  /** Keys to load into each server. */
  keys: number;
  /** Where progress lines go (the report itself is returned). */
  progress: (message: string) => void;
}

/** The bars: walkv `--store arena` against redis-server, by key count. */
export function memoryTarget(keys: number): number {
  return keys >= 10_000_000 ? 0.7 : 0.8;
}

/** V8's `Map` holds at most ~16.7M entries: past that the map store cannot load the keys. */
const MAP_LIMIT = 16_000_000;
/** SETs per chunk of the pipe file written at once. */
const CHUNK = 100_000;
/** How long the load may take; 50M keys take minutes. */
const LOAD_TIMEOUT_MS = 30 * 60_000;
const SETTLE_INTERVAL_MS = 250;
const SETTLE_MAX_MS = 10_000;

/** One server's figures. */
interface Row {
  name: string;
  emptyBytes: number;
  loadedBytes: number;
  loadSeconds: number;
  /** Resident bytes by mapping after the load: mapped files, `[heap]`, anonymous. */
  parts: ResidentParts;
}

/** Where a process's resident pages are, from `/proc/<pid>/smaps`. */
interface ResidentParts {
  /** Pages of mapped files: the executable's code and data, shared libraries. */
  files: number;
  /** The C heap (`[heap]`: malloc's brk area). */
  heap: number;
  /** Anonymous mappings: V8's heap, `ArrayBuffer`s over malloc's mmap threshold, thread stacks. */
  anonymous: number;
}

/** Sums `Rss:` of `/proc/<pid>/smaps` by kind of mapping (read by `cat`, as `residentBytes` does). */
async function residentParts(pid: number): Promise<ResidentParts> {
  const output = await new Deno.Command("cat", { args: [`/proc/${pid}/smaps`], stdin: "null" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  const parts = { files: 0, heap: 0, anonymous: 0 };
  let kind: keyof ResidentParts | null = null;
  for (const line of text.split("\n")) {
    const mapping = line.match(/^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$/);
    if (mapping !== null) {
      const name = mapping[1];
      kind = name === ""
        ? "anonymous"
        : name === "[heap]"
        ? "heap"
        : name.startsWith("/")
        ? "files"
        : null;
    } else if (kind !== null && line.startsWith("Rss:")) {
      parts[kind] += Number(line.split(/\s+/)[1]) * 1024;
    }
  }
  return parts;
}

/** Writes the `redis-cli --pipe` input for `keys` SETs to `path`. */
async function writePipeFile(path: string, keys: number): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  for (let first = 0; first < keys; first += CHUNK) {
    let text = "";
    for (let i = first; i < Math.min(keys, first + CHUNK); i++) {
      const key = keyName(i);
      const value = valueFor(i);
      text += `*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`;
    }
    const bytes = encoder.encode(text);
    for (let at = 0; at < bytes.length;) at += await file.write(bytes.subarray(at));
  }
}

/** Runs `redis-cli --pipe` against `port` with `path` on stdin and checks its summary. */
async function pipeLoad(port: number, path: string, keys: number): Promise<void> {
  using input = await Deno.open(path, { read: true });
  const child = new Deno.Command("redis-cli", {
    args: ["-p", String(port), "--pipe", "--pipe-timeout", String(LOAD_TIMEOUT_MS / 1000)],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  await input.readable.pipeTo(child.stdin);
  const output = await child.output();
  const text = new TextDecoder().decode(output.stdout);
  // "errors: 0, replies: 1000000"
  const match = text.match(/errors: (\d+), replies: (\d+)/);
  if (!output.success || match === null || match[1] !== "0" || Number(match[2]) !== keys) {
    throw new Error(
      `redis-cli --pipe of ${keys} SETs to port ${port} ended with ${JSON.stringify(text)}, ` +
        `stderr ${JSON.stringify(new TextDecoder().decode(output.stderr))}`,
    );
  }
}

/** RSS once it stops moving (two samples within 1 %), or after {@linkcode SETTLE_MAX_MS}. */
async function settledResident(pid: number): Promise<number> {
  let last = await residentBytes(pid);
  const deadline = performance.now() + SETTLE_MAX_MS;
  while (performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_INTERVAL_MS));
    const now = await residentBytes(pid);
    if (Math.abs(now - last) < last * 0.01) return now;
    last = now;
  }
  return last;
}

/** Starts one server, loads it, measures it and stops it. */
async function measure(
  name: string,
  start: () => Promise<ServerProcess>,
  pipeFile: string,
  options: MemoryBenchOptions,
): Promise<Row> {
  await using server = await start();
  const emptyBytes = await settledResident(server.pid);
  const started = performance.now();
  await pipeLoad(server.port, pipeFile, options.keys);
  const loadSeconds = (performance.now() - started) / 1000;
  const loadedBytes = await settledResident(server.pid);
  const parts = await residentParts(server.pid);
  options.progress(
    `  memory: ${name}: ${mb(emptyBytes)} empty, ${mb(loadedBytes)} with ${options.keys} keys ` +
      `(loaded in ${loadSeconds.toFixed(1)} s)`,
  );
  return { name, emptyBytes, loadedBytes, loadSeconds, parts };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(0)} MB`;
}

/** Runs the three servers one after another and returns the report section as Markdown. */
export async function memoryBench(options: MemoryBenchOptions): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "walkv_bench_memory_" });
  try {
    const pipeFile = `${dir}/sets.resp`;
    options.progress(`memory: writing ${options.keys} SETs for redis-cli --pipe`);
    await writePipeFile(pipeFile, options.keys);
    const walkv = (store: string) => () =>
      ServerProcess.walkv({ shards: 1, persist: false, args: ["--store", store] });
    const rows: Row[] = [
      await measure(
        "redis-server",
        () => ServerProcess.redis({ fsyncAlways: false }),
        pipeFile,
        options,
      ),
      ...(options.keys <= MAP_LIMIT
        ? [await measure("walkv --store map", walkv("map"), pipeFile, options)]
        : []),
      await measure("walkv --store arena", walkv("arena"), pipeFile, options),
    ];
    const redis = rows[0];
    const arena = rows[rows.length - 1];
    const ratio = arena.loadedBytes / redis.loadedBytes;
    const target = memoryTarget(options.keys);
    const perKey = (row: Row) => ((row.loadedBytes - row.emptyBytes) / options.keys).toFixed(0);
    return [
      `## Memory: ${options.keys.toLocaleString("en")} string keys`,
      "",
      `- keys \`${keyName(0)}\` … with 16-byte values \`${valueFor(0)}\` …, one SET each, ` +
      "loaded by `redis-cli --pipe` from a file; persistence off on all (walkv `--no-persist " +
      '--shards 1`, redis-server `appendonly no`, `save ""`); each server fresh, one at a time',
      "- RSS: `VmRSS` from `/proc/<pid>/status`, read once it settles (two samples 250 ms apart " +
      "within 1 %, at most 10 s), empty and after the load; MB = 10⁶ bytes",
      "",
      "| server | RSS empty | RSS loaded | loaded / redis | bytes per key over empty | " +
      "loaded: mapped files / C heap / anonymous | load s |",
      "| --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map((row) =>
        `| ${row.name} | ${mb(row.emptyBytes)} | ${mb(row.loadedBytes)} | ` +
        `${(row.loadedBytes / redis.loadedBytes).toFixed(2)}× | ${perKey(row)} | ` +
        `${mb(row.parts.files)} / ${mb(row.parts.heap)} / ${mb(row.parts.anonymous)} | ` +
        `${row.loadSeconds.toFixed(1)} |`
      ),
      "",
      ...(options.keys > MAP_LIMIT
        ? [`- walkv --store map is left out: its \`Map\` holds at most ~16.7M keys`]
        : []),
      `- walkv --store arena / redis-server: ${ratio.toFixed(2)}× (target ≤ ${target}×: ` +
      `${ratio <= target ? "met" : "missed"})`,
    ].join("\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}
