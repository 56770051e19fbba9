/**
 * The restart part of `deno task bench` (`--only restart` runs it alone):
 * how big walkv's WAL grows, what compaction makes of it, and how long a
 * restarted walkv takes to answer its first request, next to a restarted
 * redis-server loading its append-only file.
 *
 * Two measurements, each a report section:
 *
 * 1. **Compaction.** 100k keys, each written 10 times, with automatic
 *    compaction out of reach; the WAL's size and a restart; `BGREWRITEAOF`;
 *    the WAL's size, the compaction's longest slice and a restart again; then
 *    a fresh WAL with each key written once, for the size a compacted WAL
 *    should come near (target: compacted ≤ 1.5× fresh).
 * 2. **Restart with 1M live keys.** walkv's WAL and Redis's AOF of the same
 *    1M SETs; time from spawn to the first answered GET for both, interleaved
 *    over 3 restarts (target: walkv no slower than Redis), with each one's
 *    own replay or load time from its log, and a 1-key restart of each as
 *    the start-up baseline; the same for walkv `--store arena`, whose replay
 *    copies SET records' bytes straight into its arenas (target: ≤ 0.5× Redis).
 *
 * A restart is a real one: the process is killed and started again with the
 * same command line, port and files, and the clock runs from the spawn.
 *
 * @example
 * ```ts
 * const markdown = await restartBench({ redis: true, progress: console.error });
 * console.log(markdown);
 * ```
 *
 * @module
 */
import { bulkLoad } from "./bulk_load.ts";
import { timeToFirstReply } from "./first_reply.ts";
import { RespConnection } from "./resp_connection.ts";
import { ServerProcess } from "./server_process.ts";
import { FIELD_BYTES, keyName, valueFor } from "./workload_shape.ts";

/** Options for {@linkcode restartBench}. */
export interface RestartBenchOptions {
  /** Whether to run redis-server for comparison. */
  redis: boolean;
  /** Where progress lines go (the report itself is returned). */
  progress: (message: string) => void;
}

/** Keys of the compaction measurement, and how often each is written. */
const COMPACTION_KEYS = 100_000;
const WRITES_PER_KEY = 10;
/** The bar: a compacted WAL at most this many times a fresh one's size. */
const SIZE_RATIO_TARGET = 1.5;
/** Keys of the restart measurement. */
const RESTART_KEYS = 1_000_000;
/** The bar: walkv's time to first reply at most this many times Redis's. */
const TIME_RATIO_TARGET = 1.0;
/** The compact-store issue's bar for `--store arena`: at most this many times Redis's. */
const ARENA_RATIO_TARGET = 0.5;
/** Restarts per configuration; the report shows the best and the range. */
const RESTARTS = 3;
/** Far above any WAL here, so only BGREWRITEAOF compacts. */
const NO_AUTO_COMPACTION = String(1024 ** 3);
/** walkv's flags for the compaction measurement, after `--port`, `--wal` and `--shards 8`. */
const COMPACTION_FLAGS = ["--fsync", "always", "--compact-min-size", NO_AUTO_COMPACTION];
const SHARDS = 8;
/** redis-server's settings beyond the bench's `appendonly yes`, `appendfsync always`, `save ""`. */
const REDIS_AOF_ARGS = ["--auto-aof-rewrite-percentage", "0"];
/** How the keys are written: connections at once, and SETs per write (see `bulkLoad`). */
const LOAD = { connections: 4, batch: 1000 };
/** How the report says it. */
const LOAD_TEXT =
  `pipelined RESP \`SET\` (${LOAD.connections} connections, ${LOAD.batch} SETs per write)`;
/** How long one restart, one load or one compaction may take. */
const TIMEOUT_MS = 120_000;

/** walkv's replay log line (see `src/server/start_server.ts`). */
const REPLAYED =
  /replayed (\d+) records \((\d+) bytes\) from .*?: (\d+) keys loaded in ([\d.]+) ms/;
/** walkv's log line at the end of a compaction. */
const COMPACTED =
  /compaction finished in ([\d.]+) ms: (\d+) -> (\d+) records, (\d+) -> (\d+) bytes, longest slice ([\d.]+) ms/;
/** redis-server's log line at the end of loading its AOF. */
const REDIS_LOADED = /DB loaded from append only file: ([\d.]+) seconds/;

/** One timed restart. */
interface Restart {
  /** Spawn to the first GET answered with the right value. */
  firstReplyMs: number;
  /** The server's own replay or load time, from its log. */
  loadMs: number;
  /** Records replayed, from walkv's log; `null` for Redis. */
  records: number | null;
}

/**
 * Runs both measurements and returns their report sections as Markdown.
 * Every server it starts is stopped before it returns or throws.
 */
export async function restartBench(options: RestartBenchOptions): Promise<string> {
  const lines = [
    ...await compactionSection(options),
    "",
    ...await restartSection(options),
  ];
  return lines.join("\n");
}

/** Measurement 1: one key space written 10 times, compacted, and written once. */
async function compactionSection({ progress }: RestartBenchOptions): Promise<string[]> {
  const lastKey = COMPACTION_KEYS - 1;
  const check = { key: keyName(lastKey), value: valueFor(lastKey) };
  progress(
    `restart: walkv ${COMPACTION_FLAGS.join(" ")}: writing ${COMPACTION_KEYS} keys ` +
      `${WRITES_PER_KEY} times`,
  );
  await using walkv = await ServerProcess.walkv({ shards: SHARDS, args: COMPACTION_FLAGS });
  const loadStarted = performance.now();
  for (let round = 1; round <= WRITES_PER_KEY; round++) {
    // Earlier rounds write other values of the same length; the last writes the final ones.
    const value = round === WRITES_PER_KEY ? valueFor : (i: number) => roundValue(round, i);
    await bulkLoad(walkv.port, { count: COMPACTION_KEYS, value, ...LOAD });
  }
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const walPath = `${walkv.dir}/wal`;
  const logSize = (await Deno.stat(walPath)).size;
  const logRestarts = await timeRestarts(
    progress,
    walkv,
    check,
    `walkv, ${WRITES_PER_KEY} writes per key`,
  );

  progress("restart: BGREWRITEAOF");
  const mark = walkv.outputMark();
  const compactStarted = performance.now();
  {
    using conn = await RespConnection.connect(walkv.port);
    const reply = await conn.command(["BGREWRITEAOF"]);
    if (reply.kind !== "simple" || !reply.text.startsWith("Background append only file")) {
      throw new Error(`walkv answered BGREWRITEAOF with ${JSON.stringify(reply)}`);
    }
  }
  const finished = await walkv.waitForOutput(COMPACTED, mark, TIMEOUT_MS);
  const compactSeconds = (performance.now() - compactStarted) / 1000;
  // A rewrite counts as in progress for at least 100 ms (as Redis notices a
  // finished one on its next cron tick), which a fast one can finish inside.
  let info = await persistenceInfo(walkv.port);
  for (let tries = 0; tries < 50 && info.get("aof_rewrite_in_progress") === "1"; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    info = await persistenceInfo(walkv.port);
  }
  if (info.get("aof_rewrite_in_progress") !== "0" || info.get("aof_rewrites") !== "1") {
    throw new Error(
      `walkv logged "${finished[0]}" but INFO says aof_rewrite_in_progress:` +
        `${info.get("aof_rewrite_in_progress")}, aof_rewrites:${info.get("aof_rewrites")}`,
    );
  }
  const compactedSize = (await Deno.stat(walPath)).size;
  const compactedRestarts = await timeRestarts(progress, walkv, check, "walkv, after BGREWRITEAOF");
  await walkv.stop();

  progress(`restart: fresh walkv, writing ${COMPACTION_KEYS} keys once`);
  await using fresh = await ServerProcess.walkv({ shards: SHARDS, args: COMPACTION_FLAGS });
  await bulkLoad(fresh.port, { count: COMPACTION_KEYS, value: valueFor, ...LOAD });
  const freshSize = (await Deno.stat(`${fresh.dir}/wal`)).size;
  const freshRestarts = await timeRestarts(progress, fresh, check, "walkv, each key written once");
  await fresh.stop();

  const ratio = compactedSize / freshSize;
  const [, millis, recordsBefore, recordsAfter, bytesBefore, bytesAfter, longestSlice] = finished;
  const row = (wal: string, size: number, restarts: Restart[]) => [
    wal,
    formatCount(restarts[0].records ?? 0),
    formatBytes(size),
    formatMs(best(restarts).firstReplyMs),
    formatRange(restarts.map((r) => r.firstReplyMs)),
    formatLoad(Math.min(...restarts.map((r) => r.loadMs))),
  ];
  return [
    `## WAL compaction: ${formatCount(COMPACTION_KEYS)} keys, each written ${WRITES_PER_KEY} times`,
    "",
    `- walkv: \`--shards ${SHARDS} ${COMPACTION_FLAGS.join(" ")}\` (1 GiB: no automatic ` +
    `compaction; only BGREWRITEAOF compacts)`,
    `- writes: ${FIELD_BYTES}-byte keys \`${keyName(0)}\` … \`${keyName(lastKey)}\` and ` +
    `${FIELD_BYTES}-byte values, ${LOAD_TEXT}; ` +
    `every key ${WRITES_PER_KEY} times, the last round writing the final values: ` +
    `${formatCount(COMPACTION_KEYS * WRITES_PER_KEY)} SETs in ${loadSeconds.toFixed(1)} s`,
    `- restart: SIGKILL, then the same command line again; time to first reply = spawn → first ` +
    `\`GET ${check.key}\` answered with its value (polled every 1 ms); ${RESTARTS} restarts: ` +
    "best and range; replay = walkv's own `replayed … in <ms> ms` log line, best",
    "",
    ...markdownTable(
      ["WAL", "records", "size", "time to first reply", "range", "replay (log)"],
      [
        row(`${WRITES_PER_KEY} writes per key, before compaction`, logSize, logRestarts),
        row("after BGREWRITEAOF", compactedSize, compactedRestarts),
        row("fresh WAL, each key written once", freshSize, freshRestarts),
      ],
    ),
    "",
    `- BGREWRITEAOF (from walkv's log): compaction finished in ${formatMs(Number(millis))}: ` +
    `${formatCount(Number(recordsBefore))} → ${formatCount(Number(recordsAfter))} records, ` +
    `${formatBytes(Number(bytesBefore))} → ${formatBytes(Number(bytesAfter))}, longest slice ` +
    `${formatMs(Number(longestSlice))}; BGREWRITEAOF sent → log line seen: ` +
    `${(compactSeconds * 1000).toFixed(0)} ms`,
    `- compacted / fresh WAL size: ${ratio.toFixed(2)}× (target ≤ ${SIZE_RATIO_TARGET}×: ` +
    `${ratio <= SIZE_RATIO_TARGET ? "met" : "missed"})`,
  ];
}

/** Measurement 2: 1M keys, walkv's WAL against Redis's AOF, restarts interleaved. */
async function restartSection(options: RestartBenchOptions): Promise<string[]> {
  const { progress } = options;
  const lastKey = RESTART_KEYS - 1;
  const check = { key: keyName(lastKey), value: valueFor(lastKey) };
  const baseline = { key: keyName(0), value: valueFor(0) };
  type Row = {
    server: string;
    data: string;
    size: number;
    sizeNote: string;
    restarts: Restart[];
  };
  const rows: Row[] = [];
  let pauses: Pauses | null = null;

  // Start-up baselines: a 1-key WAL or AOF, so the start-up cost shows apart from loading.
  {
    progress("restart: walkv and redis-server with 1 key (start-up baseline)");
    await using walkv = await ServerProcess.walkv({ shards: SHARDS });
    await bulkLoad(walkv.port, { count: 1, value: valueFor, connections: 1 });
    rows.push({
      server: "walkv",
      data: "1 key (start-up baseline)",
      size: (await Deno.stat(`${walkv.dir}/wal`)).size,
      sizeNote: "",
      restarts: await timeRestarts(progress, walkv, baseline, "walkv, 1 key"),
    });
    if (options.redis) {
      await using redis = await ServerProcess.redis({ fsyncAlways: true, args: REDIS_AOF_ARGS });
      await bulkLoad(redis.port, { count: 1, value: valueFor, connections: 1 });
      const aof = await aofSize(redis);
      rows.push({
        server: "redis-server",
        data: "1 key (start-up baseline)",
        size: aof.total,
        sizeNote: aof.note,
        restarts: await timeRestarts(progress, redis, baseline, "redis, 1 key"),
      });
    }
  }

  progress(`restart: walkv, writing ${RESTART_KEYS} keys`);
  await using walkv = await ServerProcess.walkv({ shards: SHARDS });
  let started = performance.now();
  await bulkLoad(walkv.port, { count: RESTART_KEYS, value: valueFor, ...LOAD });
  const walkvLoadSeconds = (performance.now() - started) / 1000;
  const walSize = (await Deno.stat(`${walkv.dir}/wal`)).size;
  const walkvRow: Row = {
    server: "walkv",
    data: `${formatCount(RESTART_KEYS)} keys, WAL`,
    size: walSize,
    sizeNote: "",
    restarts: [],
  };
  rows.push(walkvRow);

  progress(`restart: walkv --store arena, writing ${RESTART_KEYS} keys`);
  await using arena = await ServerProcess.walkv({ shards: SHARDS, args: ["--store", "arena"] });
  await bulkLoad(arena.port, { count: RESTART_KEYS, value: valueFor, ...LOAD });
  const arenaRow: Row = {
    server: "walkv --store arena",
    data: `${formatCount(RESTART_KEYS)} keys, WAL`,
    size: (await Deno.stat(`${arena.dir}/wal`)).size,
    sizeNote: "",
    restarts: [],
  };
  rows.push(arenaRow);

  let redis: ServerProcess | null = null;
  let redisLoadSeconds = 0;
  const redisRow: Row = {
    server: "redis-server",
    data: `${formatCount(RESTART_KEYS)} keys, AOF of commands`,
    size: 0,
    sizeNote: "",
    restarts: [],
  };
  try {
    if (options.redis) {
      progress(`restart: redis-server, writing ${RESTART_KEYS} keys`);
      redis = await ServerProcess.redis({ fsyncAlways: true, args: REDIS_AOF_ARGS });
      started = performance.now();
      await bulkLoad(redis.port, { count: RESTART_KEYS, value: valueFor, ...LOAD });
      redisLoadSeconds = (performance.now() - started) / 1000;
      const aof = await aofSize(redis);
      redisRow.size = aof.total;
      redisRow.sizeNote = aof.note;
      rows.push(redisRow);
    }
    // Interleaved, so a slow spell on a shared machine hits both servers.
    for (let i = 1; i <= RESTARTS; i++) {
      walkvRow.restarts.push(
        await timeRestart(progress, walkv, check, `walkv, ${RESTART_KEYS} keys`, i),
      );
      arenaRow.restarts.push(
        await timeRestart(progress, arena, check, `walkv --store arena, ${RESTART_KEYS} keys`, i),
      );
      if (redis !== null) {
        redisRow.restarts.push(
          await timeRestart(progress, redis, check, `redis, ${RESTART_KEYS} keys`, i),
        );
      }
    }
    await arena.stop();
    progress(`restart: walkv, BGREWRITEAOF of ${RESTART_KEYS} keys under probes`);
    pauses = await compactionPauses(walkv);
    await walkv.stop();
    if (redis !== null) {
      progress("restart: redis-server BGREWRITEAOF (RDB preamble)");
      await redisRewrite(redis.port);
      const aof = await aofSize(redis);
      rows.push({
        server: "redis-server (context)",
        data: `${formatCount(RESTART_KEYS)} keys, after BGREWRITEAOF: RDB preamble`,
        size: aof.total,
        sizeNote: aof.note,
        restarts: await timeRestarts(progress, redis, check, "redis, after BGREWRITEAOF"),
      });
    }
  } finally {
    await redis?.stop();
  }

  const lines = [
    `## Restart with ${formatCount(RESTART_KEYS)} live keys`,
    "",
    `- keys: ${FIELD_BYTES}-byte keys \`${
      keyName(0)
    }\` … \`${check.key}\` and ${FIELD_BYTES}-byte ` +
    `values, each set once by ${LOAD_TEXT}: ` +
    `walkv took ${walkvLoadSeconds.toFixed(1)} s` +
    (redis === null ? "" : `, redis-server ${redisLoadSeconds.toFixed(1)} s`),
    `- walkv: \`--shards ${SHARDS}\`, default flags otherwise (fsync always; \`--store map\`, and ` +
    "`--store arena` for its row); restart = SIGKILL, then the same command line again",
  ];
  if (redis !== null) {
    lines.push(
      `- redis-server ${await redisVersion()}: \`appendonly yes\`, \`appendfsync always\`, ` +
        "`auto-aof-rewrite-percentage 0` (the AOF stays a log of commands: a tiny RDB base file " +
        'plus one SET per key), `save ""`; restart = SIGTERM (a clean shutdown), then the same ' +
        "command line again; it answers `-LOADING` while it loads, and the GET is sent again",
    );
  }
  lines.push(
    `- time to first reply: spawn → first \`GET ${check.key}\` (\`GET ${baseline.key}\` for the ` +
      `baselines) answered with its value, polled every 1 ms; ${RESTARTS} restarts each, ` +
      "interleaved across servers: best and range",
    "- replay/load (log): walkv's `replayed … in <ms> ms`, Redis's `DB loaded from append only " +
      "file: <s> seconds` (1 ms resolution), best; MB/s = file bytes / that time, and / the " +
      "time to first reply (MB = 10⁶ bytes)",
    "",
    ...markdownTable(
      [
        "server",
        "data",
        "file size",
        "time to first reply",
        "range",
        "replay/load (log)",
        "MB/s by replay/load",
        "MB/s by first reply",
      ],
      rows.map((row) => {
        const firstReply = best(row.restarts).firstReplyMs;
        const load = Math.min(...row.restarts.map((r) => r.loadMs));
        const big = row.size > 1e6;
        return [
          row.server,
          row.data,
          formatBytes(row.size) + row.sizeNote,
          formatMs(firstReply),
          formatRange(row.restarts.map((r) => r.firstReplyMs)),
          formatLoad(load),
          big ? formatRate(row.size, load) : "—",
          big ? formatRate(row.size, firstReply) : "—",
        ];
      }),
    ),
    "",
  );
  const walkvBest = best(walkvRow.restarts).firstReplyMs;
  if (redis !== null) {
    const redisBest = best(redisRow.restarts).firstReplyMs;
    const ratio = walkvBest / redisBest;
    lines.push(
      `- walkv / Redis, time to first reply with ${formatCount(RESTART_KEYS)} keys (best ` +
        `against best, Redis's AOF of commands): ${ratio.toFixed(2)}× (target ≤ ` +
        `${TIME_RATIO_TARGET.toFixed(1)}×: ${ratio <= TIME_RATIO_TARGET ? "met" : "missed"})`,
    );
    const arenaRatio = best(arenaRow.restarts).firstReplyMs / redisBest;
    lines.push(
      `- walkv --store arena / Redis, the same: ${arenaRatio.toFixed(2)}× (target ≤ ` +
        `${ARENA_RATIO_TARGET}×: ${arenaRatio <= ARENA_RATIO_TARGET ? "met" : "missed"})`,
    );
  }
  const startup = best(rows[0].restarts).firstReplyMs;
  const replay = Math.min(...walkvRow.restarts.map((r) => r.loadMs));
  lines.push(
    `- where walkv's ${formatMs(walkvBest)} go: replay ${formatMs(replay)} (its log; ` +
      `${(100 * replay / walkvBest).toFixed(0)}% of it), process and Deno start-up about ` +
      `${formatMs(startup)} (the 1-key WAL's time to first reply); together ` +
      formatMs(replay + startup),
  );
  if (pauses !== null) lines.push(...pauseLines(pauses));
  return lines;
}

/** The value written to key `index` in round `round` before the last: 16 bytes, like the final one. */
function roundValue(round: number, index: number): string {
  return `r${round}:` + String(index).padStart(FIELD_BYTES - 2 - String(round).length, "0");
}

/** {@linkcode RESTARTS} restarts of `server` in a row. */
async function timeRestarts(
  progress: (message: string) => void,
  server: ServerProcess,
  check: { key: string; value: string },
  label: string,
): Promise<Restart[]> {
  const restarts: Restart[] = [];
  for (let i = 1; i <= RESTARTS; i++) {
    restarts.push(await timeRestart(progress, server, check, label, i));
  }
  return restarts;
}

/**
 * Restarts `server` (walkv with SIGKILL, a crash; redis-server with SIGTERM,
 * so its AOF is flushed however it is configured) and times it until it
 * answers `GET check.key` with `check.value`.
 */
async function timeRestart(
  progress: (message: string) => void,
  server: ServerProcess,
  check: { key: string; value: string },
  label: string,
  attempt: number,
): Promise<Restart> {
  const isWalkv = server.name.startsWith("walkv");
  await server.restart(isWalkv ? "SIGKILL" : "SIGTERM");
  const firstReplyMs = await timeToFirstReply(server, check.key, check.value, TIMEOUT_MS);
  let restart: Restart;
  if (isWalkv) {
    const [, records, , , millis] = await server.waitForOutput(REPLAYED, 0, 10_000);
    restart = { firstReplyMs, loadMs: Number(millis), records: Number(records) };
  } else {
    const [, seconds] = await server.waitForOutput(REDIS_LOADED, 0, 10_000);
    restart = { firstReplyMs, loadMs: Number(seconds) * 1000, records: null };
  }
  progress(
    `restart: ${label}, restart ${attempt}: first reply after ${formatMs(firstReplyMs)} ` +
      `(replay/load ${formatMs(restart.loadMs)})`,
  );
  return restart;
}

/** INFO persistence as a map of field to value. */
async function persistenceInfo(port: number): Promise<Map<string, string>> {
  using conn = await RespConnection.connect(port);
  const reply = await conn.command(["INFO", "persistence"]);
  if (reply.kind !== "bulk" || reply.text === null) {
    throw new Error(`INFO persistence answered ${JSON.stringify(reply)}`);
  }
  const fields = new Map<string, string>();
  for (const line of reply.text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

/** Sends BGREWRITEAOF to redis-server and waits until the rewrite has finished well. */
async function redisRewrite(port: number): Promise<void> {
  const before = Number((await persistenceInfo(port)).get("aof_rewrites"));
  {
    using conn = await RespConnection.connect(port);
    const reply = await conn.command(["BGREWRITEAOF"]);
    if (reply.kind !== "simple") {
      throw new Error(`redis-server answered BGREWRITEAOF with ${JSON.stringify(reply)}`);
    }
  }
  const deadline = performance.now() + TIMEOUT_MS;
  while (true) {
    const info = await persistenceInfo(port);
    if (
      info.get("aof_rewrite_in_progress") === "0" && info.get("aof_rewrite_scheduled") === "0" &&
      Number(info.get("aof_rewrites")) > before
    ) {
      if (info.get("aof_last_bgrewrite_status") !== "ok") {
        throw new Error(
          `redis-server's BGREWRITEAOF failed: ${info.get("aof_last_bgrewrite_status")}`,
        );
      }
      return;
    }
    if (performance.now() > deadline) {
      throw new Error(`redis-server's BGREWRITEAOF did not finish in ${TIMEOUT_MS} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The size of redis-server's AOF: the base and incr files its manifest names
 * (history files on their way out are left out), and a note saying how the
 * bytes split between them.
 */
async function aofSize(redis: ServerProcess): Promise<{ total: number; note: string }> {
  const dir = `${redis.dir}/appendonlydir`;
  const manifest = await Deno.readTextFile(`${dir}/appendonly.aof.manifest`);
  const parts: { kind: string; size: number }[] = [];
  for (const line of manifest.split("\n")) {
    // file appendonly.aof.2.base.rdb seq 2 type b
    const match = line.match(/^file (\S+) seq \d+ type ([bi])$/);
    if (match === null) continue;
    const size = (await Deno.stat(`${dir}/${match[1]}`)).size;
    parts.push({ kind: match[2] === "b" ? `base ${match[1].split(".").pop()}` : "incr", size });
  }
  if (parts.length === 0) {
    throw new SyntaxError(`No base or incr file in Redis's manifest: ${JSON.stringify(manifest)}`);
  }
  const note = parts.map((p) => `${p.kind} ${formatBytes(p.size)}`).join(" + ");
  return { total: parts.reduce((sum, p) => sum + p.size, 0), note: ` (${note})` };
}

/** `redis-server --version`'s version number, e.g. `7.0.15`. */
async function redisVersion(): Promise<string> {
  const output = await new Deno.Command("redis-server", { args: ["--version"], stdin: "null" })
    .output();
  const text = new TextDecoder().decode(output.stdout);
  return text.match(/v=(\S+)/)?.[1] ?? text.trim();
}

/** The restart with the shortest time to first reply. */
function best(restarts: Restart[]): Restart {
  return restarts.reduce((a, b) => (b.firstReplyMs < a.firstReplyMs ? b : a));
}

function markdownTable(header: string[], rows: string[][]): string[] {
  return [
    `| ${header.join(" | ")} |`,
    `|${header.map(() => " --- ").join("|")}|`,
    ...rows.map((cells) => `| ${cells.join(" | ")} |`),
  ];
}

function formatMs(ms: number): string {
  return ms >= 100 ? `${ms.toFixed(0)} ms` : `${ms.toFixed(1)} ms`;
}

/** A logged replay or load time; Redis logs whole milliseconds, so 0 means under one. */
function formatLoad(ms: number): string {
  return ms === 0 ? "< 1 ms" : formatMs(ms);
}

function formatRange(values: number[]): string {
  const low = Math.min(...values);
  const high = Math.max(...values);
  return `${formatMs(low).replace(" ms", "")}–${formatMs(high)}`;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} B`;
}

function formatCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

/** Megabytes (10⁶ bytes) per second. */
function formatRate(bytes: number, ms: number): string {
  return ms > 0 ? `${(bytes / 1e6 / (ms / 1000)).toFixed(0)}` : "—";
}

/** The longest round trips a probe saw, with and without a compaction running. */
interface Pauses {
  gets: { idle: ProbeResult; compacting: ProbeResult; finished: RegExpMatchArray };
  sets: { idle: ProbeResult; compacting: ProbeResult; finished: RegExpMatchArray };
}

interface ProbeResult {
  count: number;
  longestMs: number;
}

/** How long a probe runs with no compaction, for comparison. */
const IDLE_PROBE_MS = 1000;

/**
 * Measures what a client notices of a compaction of the whole store: an
 * unpipelined GET client alone (the event loop: the snapshot's slices), then
 * an unpipelined durable SET client alone (the file syncs), each first for
 * {@linkcode IDLE_PROBE_MS} without a compaction and then during a
 * BGREWRITEAOF. They run apart because walkv holds every reply until the
 * writes before it are durable, so next to a writer a GET waits for syncs.
 */
async function compactionPauses(walkv: ServerProcess): Promise<Pauses> {
  const measure = async (args: string[]) => {
    const idle = await probe(walkv.port, args, delay(IDLE_PROBE_MS));
    const mark = walkv.outputMark();
    const finished = walkv.waitForOutput(COMPACTED, mark, TIMEOUT_MS);
    const probing = probe(walkv.port, args, finished);
    using conn = await RespConnection.connect(walkv.port);
    const reply = await conn.command(["BGREWRITEAOF"]);
    if (reply.kind !== "simple") {
      throw new Error(`walkv answered BGREWRITEAOF with ${JSON.stringify(reply)}`);
    }
    return { idle, compacting: await probing, finished: await finished };
  };
  return { gets: await measure(["GET", keyName(0)]), sets: await measure(["SET", "probe", "x"]) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Sends `args` again and again on one connection until `until` settles. */
async function probe(port: number, args: string[], until: Promise<unknown>): Promise<ProbeResult> {
  using conn = await RespConnection.connect(port);
  let done = false;
  until.then(() => done = true, () => done = true);
  let longestMs = 0;
  let count = 0;
  while (!done) {
    const sent = performance.now();
    const reply = await conn.command(args);
    if (reply.kind === "error") throw new Error(`${args[0]} failed: ${JSON.stringify(reply)}`);
    longestMs = Math.max(longestMs, performance.now() - sent);
    count++;
  }
  return { count, longestMs };
}

/** The report's lines on {@linkcode compactionPauses}. */
function pauseLines(pauses: Pauses): string[] {
  const line = (name: string, measured: Pauses["gets"]) => {
    const [, millis, , , , , longestSlice] = measured.finished;
    return `  - ${name}: longest round trip ${formatMs(measured.idle.longestMs)} without a ` +
      `compaction (${measured.idle.count} in ${IDLE_PROBE_MS} ms), ` +
      `${formatMs(measured.compacting.longestMs)} during one (${measured.compacting.count} in ` +
      `${formatMs(Number(millis))}; longest slice ${formatMs(Number(longestSlice))})`;
  };
  return [
    "",
    `- what a client notices of a BGREWRITEAOF of the ${formatCount(RESTART_KEYS)} keys ` +
    "(one unpipelined client at a time; compaction time and longest slice from walkv's log):",
    line("GET", pauses.gets),
    line("durable SET", pauses.sets),
  ];
}
