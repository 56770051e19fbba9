import { WALKV_VERSION } from "../version.ts";
import type { Context } from "./command_spec.ts";
import { lastSaveTime } from "./persistence.ts";
import { REDIS_VERSION } from "./redis_version.ts";
import type { ServerState } from "./server_state.ts";
import { usedMemory } from "./used_memory.ts";

/** Identifies this server process in INFO, as Redis's random `run_id` does. */
const RUN_ID = Array.from(
  crypto.getRandomValues(new Uint8Array(20)),
  (byte) => byte.toString(16).padStart(2, "0"),
).join("");

type Section = (server: ServerState) => string[];

/**
 * INFO's sections in Redis's order; each gives its `field:value` lines.
 * Redis's names where walkv has the same fact, with walkv's true values;
 * fields for machinery walkv lacks (forks, replicas, eviction, Lua) are
 * there only when the true answer is one Redis also gives (`0`, `no`), and
 * left out where walkv has no such number (allocator statistics). walkv's
 * own facts have names of their own (`walkv_version`, `wal_*`).
 */
const SECTIONS: Readonly<Record<string, Section>> = {
  server(server) {
    const now = Date.now();
    const uptime = Math.floor((now - server.startedAt) / 1000);
    return [
      `redis_version:${REDIS_VERSION}`,
      "redis_git_sha1:00000000",
      "redis_git_dirty:0",
      "redis_mode:standalone",
      `os:${Deno.build.os} ${Deno.build.arch}`,
      "arch_bits:64",
      "multiplexing_api:tokio",
      `process_id:${Deno.pid}`,
      "process_supervised:no",
      `run_id:${RUN_ID}`,
      `tcp_port:${server.port}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      "hz:10",
      "configured_hz:10",
      ...optional("executable", () => Deno.execPath()),
      `config_file:${server.configFile ?? ""}`,
      "io_threads_active:0",
      `walkv_version:${WALKV_VERSION}`,
      `deno_version:${Deno.version.deno}`,
    ];
  },
  clients(server) {
    let inputPeak = 0;
    let outputPeak = 0;
    let blocked = 0;
    for (const client of server.clients.values()) {
      const buffers = client.buffers?.();
      if (buffers !== undefined) {
        inputPeak = Math.max(inputPeak, buffers.queryBytes);
        outputPeak = Math.max(outputPeak, buffers.unsentBytes);
      }
      if (client.blocked !== null) blocked++;
    }
    return [
      `connected_clients:${server.connectedClients}`,
      "cluster_connections:0",
      `maxclients:${server.maxClients}`,
      `client_recent_max_input_buffer:${inputPeak}`,
      `client_recent_max_output_buffer:${outputPeak}`,
      `blocked_clients:${blocked}`,
      "tracking_clients:0",
    ];
  },
  memory(server) {
    const memory = Deno.memoryUsage();
    const used = usedMemory(server.databases);
    const maxMemory = server.maxMemory;
    const peak = Math.max(server.metrics.peakMemory, used);
    let dataset = 0;
    for (const store of server.databases.stores()) dataset += store.bytes;
    return [
      `used_memory:${used}`,
      `used_memory_human:${humanBytes(used)}`,
      `used_memory_rss:${memory.rss}`,
      `used_memory_rss_human:${humanBytes(memory.rss)}`,
      `used_memory_peak:${peak}`,
      `used_memory_peak_human:${humanBytes(peak)}`,
      `used_memory_peak_perc:${percent(used, peak)}`,
      `used_memory_dataset:${dataset}`,
      `used_memory_dataset_perc:${percent(dataset, used)}`,
      `maxmemory:${maxMemory.limit}`,
      `maxmemory_human:${humanBytes(maxMemory.limit)}`,
      `maxmemory_policy:${maxMemory.policy}`,
      `mem_fragmentation_ratio:${(memory.rss / Math.max(1, used)).toFixed(2)}`,
      `mem_fragmentation_bytes:${memory.rss - used}`,
      "mem_allocator:v8",
      `heap_total:${memory.heapTotal}`,
      `heap_external:${memory.external}`,
    ];
  },
  persistence(server) {
    const compaction = server.databases.compaction;
    const saving = compaction?.reason === "BGSAVE" || compaction?.reason === "SAVE";
    const wal = server.wal;
    return [
      `loading:${server.loading.active ? 1 : 0}`,
      "async_loading:0",
      `rdb_bgsave_in_progress:${saving ? 1 : 0}`,
      `rdb_last_save_time:${Math.floor(lastSaveTime(server) / 1000)}`,
      `rdb_last_bgsave_status:${compaction?.lastOk === false ? "err" : "ok"}`,
      `aof_enabled:${server.config.persist ? 1 : 0}`,
      `aof_rewrite_in_progress:${compaction?.running ? 1 : 0}`,
      "aof_rewrite_scheduled:0",
      `aof_last_bgrewrite_status:${compaction?.lastOk === false ? "err" : "ok"}`,
      `aof_rewrites:${compaction?.rewrites ?? 0}`,
      `aof_last_write_status:${server.databases.failure === null ? "ok" : "err"}`,
      `aof_current_size:${compaction?.walBytes ?? wal?.size.bytes ?? 0}`,
      `wal_fsync:${server.config.persist ? server.fsync : "off"}`,
      `wal_records:${wal?.size.records ?? 0}`,
      `wal_replayed_records:${server.replayedRecords}`,
      `wal_syncs:${compaction?.walCommits.syncs ?? 0}`,
      `wal_records_written:${compaction?.walCommits.records ?? 0}`,
      ...server.loading.infoFields(),
      `wal_compaction:${compaction?.reason ?? "none"}`,
    ];
  },
  stats(server) {
    const metrics = server.metrics;
    return [
      `total_connections_received:${server.totalConnections}`,
      `total_commands_processed:${server.commandsProcessed}`,
      `instantaneous_ops_per_sec:${Math.round(metrics.opsPerSecond)}`,
      `total_net_input_bytes:${server.netInputBytes}`,
      `total_net_output_bytes:${server.netOutputBytes}`,
      `instantaneous_input_kbps:${metrics.inputKbps.toFixed(2)}`,
      `instantaneous_output_kbps:${metrics.outputKbps.toFixed(2)}`,
      `rejected_connections:${server.rejectedConnections}`,
      "sync_full:0",
      `expired_keys:${server.totalExpiredKeys()}`,
      `evicted_keys:${server.maxMemory.evictedKeys}`,
      "evicted_clients:0",
      `keyspace_hits:${server.keyspaceHits}`,
      `keyspace_misses:${server.keyspaceMisses}`,
      `pubsub_channels:${server.pubsub.channelCount}`,
      `pubsub_patterns:${server.pubsub.patternCount}`,
      "pubsubshard_channels:0",
      "total_forks:0",
      `total_error_replies:${server.errorReplies}`,
      `total_reads_processed:${server.readsProcessed}`,
      `total_writes_processed:${server.writesProcessed}`,
    ];
  },
  replication() {
    return ["role:master", "connected_slaves:0"];
  },
  cpu() {
    // Deno.cpuUsage needs no permission; should it ever be missing or
    // refused, the fields are left out rather than faked.
    let usage: { user: number; system: number };
    try {
      usage = (Deno as unknown as { cpuUsage(): { user: number; system: number } }).cpuUsage();
    } catch {
      return [];
    }
    return [
      `used_cpu_sys:${(usage.system / 1e6).toFixed(6)}`,
      `used_cpu_user:${(usage.user / 1e6).toFixed(6)}`,
      "used_cpu_sys_children:0.000000",
      "used_cpu_user_children:0.000000",
    ];
  },
  modules() {
    return [];
  },
  commandstats(server) {
    const lines: string[] = [];
    for (const [name, stats] of server.commandStats) {
      if (stats.calls === 0 && stats.rejected === 0 && stats.failed === 0) continue;
      const usec = Math.round(stats.usec);
      const perCall = stats.calls === 0 ? 0 : stats.usec / stats.calls;
      lines.push(
        `cmdstat_${name}:calls=${stats.calls},usec=${usec},` +
          `usec_per_call=${perCall.toFixed(2)},rejected_calls=${stats.rejected},` +
          `failed_calls=${stats.failed}`,
      );
    }
    return lines;
  },
  errorstats(server) {
    return [...server.errorStats].map(([code, count]) => `errorstat_${code}:count=${count}`);
  },
  cluster() {
    return ["cluster_enabled:0"];
  },
  keyspace(server) {
    const lines: string[] = [];
    const databases = server.databases;
    for (let i = 0; i < databases.length; i++) {
      const db = databases.get(i);
      if (db.size > 0) {
        lines.push(
          `db${i}:keys=${db.size},expires=${db.expiringSize},avg_ttl=${
            Math.round(server.averageTtl(i))
          }`,
        );
      }
    }
    return lines;
  },
};

/** The sections INFO gives with no argument or `default`: all but commandstats, as Redis. */
const DEFAULT = new Set(Object.keys(SECTIONS).filter((name) => name !== "commandstats"));

/**
 * `INFO [section [section ...]]` → a bulk string (verbatim in RESP3) of
 * `# Section` headers and `field:value` lines, the format monitoring tools
 * and client libraries parse. Sections, in Redis's order: server, clients,
 * memory, persistence, stats, replication, cpu, modules, commandstats,
 * errorstats, cluster, keyspace. None or `default` gives all but
 * commandstats; `all` and `everything` give all; unknown names are
 * skipped, as Redis skips them.
 *
 * The WAL is reported as the AOF (`aof_enabled`, `aof_current_size`,
 * `aof_rewrites` count compactions) and its compaction as the snapshot
 * (`rdb_last_save_time`, `rdb_bgsave_in_progress`); memory is walkv's own
 * count (`used_memory`, see `usedMemory`, its peak sampled ten times a
 * second; the V8 heap is `heap_*`), the store's bytes
 * of keys and values (`used_memory_dataset`) and the process RSS.
 * `instantaneous_*` are the mean rates over the last 1.6 s, sampled every
 * 100 ms as Redis samples them. The executable's path is left out if Deno
 * refuses it, never asked for.
 *
 * @example
 * ```ts
 * info(["INFO", "keyspace"], context);
 * // "$39\r\n# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n\r\n"
 * ```
 */
export function info(args: string[], { reply, server }: Context): void {
  const wanted = new Set(args.slice(1).map((name) => name.toLowerCase()));
  const all = wanted.has("all") || wanted.has("everything");
  const defaults = wanted.size === 0 || wanted.has("default");
  let text = "";
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (!all && !wanted.has(name) && !(defaults && DEFAULT.has(name))) continue;
    if (text !== "") text += "\r\n";
    text += `# ${name === "cpu" ? "CPU" : name[0].toUpperCase() + name.slice(1)}\r\n`;
    for (const line of section(server)) text += line + "\r\n";
  }
  reply.verbatim(text);
}

/** `name:value`, or nothing if Deno refuses the value (a permission, never prompted for). */
function optional(name: string, value: () => string): string[] {
  try {
    return [`${name}:${value()}`];
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied) {
      return [];
    }
    throw error;
  }
}

/** `part` as a percentage of `whole`, as Redis writes one: `12.34%`. */
function percent(part: number, whole: number): string {
  return `${(whole === 0 ? 0 : (part * 100) / whole).toFixed(2)}%`;
}

/** Bytes as Redis's `_human` fields write them: `512B`, `1.50K`, `3.25M`, `1.00G`. */
function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes}B`;
  const units = ["K", "M", "G", "T", "P"];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(2)}${units[unit]}`;
}
