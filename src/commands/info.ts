import type { Context } from "./command_spec.ts";
import type { ServerState } from "./server_state.ts";
import { REDIS_VERSION } from "./redis_version.ts";

/** Identifies this server process in INFO, as Redis's random `run_id` does. */
const RUN_ID = Array.from(
  crypto.getRandomValues(new Uint8Array(20)),
  (byte) => byte.toString(16).padStart(2, "0"),
).join("");

type Section = (server: ServerState) => string[];

/** INFO's sections in Redis's order; each gives its `field:value` lines. */
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
      `process_id:${Deno.pid}`,
      `run_id:${RUN_ID}`,
      `tcp_port:${server.port}`,
      `server_time_usec:${now * 1000}`,
      `uptime_in_seconds:${uptime}`,
      `uptime_in_days:${Math.floor(uptime / 86400)}`,
      `deno_version:${Deno.version.deno}`,
    ];
  },
  clients(server) {
    return [
      `connected_clients:${server.connectedClients}`,
      `maxclients:${server.maxClients}`,
      "blocked_clients:0",
      "tracking_clients:0",
    ];
  },
  memory() {
    const memory = Deno.memoryUsage();
    return [
      `used_memory:${memory.heapUsed}`,
      `used_memory_human:${humanBytes(memory.heapUsed)}`,
      `used_memory_rss:${memory.rss}`,
      `used_memory_rss_human:${humanBytes(memory.rss)}`,
      "maxmemory:0",
      "maxmemory_human:0B",
      "maxmemory_policy:noeviction",
    ];
  },
  persistence(server) {
    const compaction = server.databases.compaction;
    return [
      `loading:${server.loading.active ? 1 : 0}`,
      "async_loading:0",
      "rdb_changes_since_last_save:0",
      "rdb_bgsave_in_progress:0",
      `rdb_last_save_time:${Math.floor(server.startedAt / 1000)}`,
      "rdb_last_bgsave_status:ok",
      `aof_enabled:${server.config.persist ? 1 : 0}`,
      `aof_rewrite_in_progress:${compaction?.running ? 1 : 0}`,
      "aof_rewrite_scheduled:0",
      `aof_rewrites:${compaction?.rewrites ?? 0}`,
      `aof_last_bgrewrite_status:${compaction?.lastOk === false ? "err" : "ok"}`,
      `aof_last_write_status:${server.databases.failure === null ? "ok" : "err"}`,
      `aof_current_size:${compaction?.walBytes ?? 0}`,
      `wal_fsync:${server.config.persist ? server.config.fsync : "off"}`,
      `wal_replayed_records:${server.replayedRecords}`,
      `wal_syncs:${compaction?.walCommits.syncs ?? 0}`,
      `wal_records_written:${compaction?.walCommits.records ?? 0}`,
      ...server.loading.infoFields(),
    ];
  },
  stats(server) {
    return [
      `total_connections_received:${server.totalConnections}`,
      `total_commands_processed:${server.commandsProcessed}`,
      "instantaneous_ops_per_sec:0",
      `rejected_connections:${server.rejectedConnections}`,
      `expired_keys:${server.expiredKeys}`,
      "evicted_keys:0",
      `keyspace_hits:${server.keyspaceHits}`,
      `keyspace_misses:${server.keyspaceMisses}`,
      `pubsub_channels:${server.pubsub.channelCount}`,
      `pubsub_patterns:${server.pubsub.patternCount}`,
      "pubsubshard_channels:0",
    ];
  },
  replication() {
    return ["role:master", "connected_slaves:0"];
  },
  keyspace(server) {
    const lines: string[] = [];
    const databases = server.databases;
    for (let i = 0; i < databases.length; i++) {
      const db = databases.get(i);
      if (db.size > 0) lines.push(`db${i}:keys=${db.size},expires=${db.expiringSize},avg_ttl=0`);
    }
    return lines;
  },
};

/** Sections INFO gives only when asked for by name, or for `all` / `everything`. */
const EXTRA_SECTIONS: Readonly<Record<string, Section>> = {
  commandstats(server) {
    const lines: string[] = [];
    for (const [name, stats] of server.commandStats) {
      if (stats.calls === 0 && stats.rejected === 0) continue;
      const perCall = stats.calls === 0 ? 0 : stats.usec / stats.calls;
      lines.push(
        `cmdstat_${name}:calls=${stats.calls},usec=${stats.usec},` +
          `usec_per_call=${perCall.toFixed(2)},rejected_calls=${stats.rejected},` +
          `failed_calls=${stats.failed}`,
      );
    }
    return lines;
  },
  errorstats(server) {
    return [...server.errorStats].map(([code, count]) => `errorstat_${code}:count=${count}`);
  },
};

/**
 * `INFO [section [section ...]]` → a bulk string of `# Section` headers
 * and `field:value` lines, the format monitoring tools and client libraries
 * parse. Sections: server, clients, memory, persistence, stats,
 * replication, keyspace; `all`, `everything`, `default` or none gives every
 * one; unknown names are skipped, as Redis skips them.
 *
 * Fields keep Redis's names where walkv has the same fact: the WAL is
 * reported as the AOF (`aof_enabled`, `aof_last_write_status`), memory is
 * the V8 heap (`used_memory`) and the process RSS (`used_memory_rss`).
 * `wal_replayed_records` and `deno_version` are walkv's own.
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
  const every = wanted.size === 0 || all || wanted.has("default");
  let text = "";
  const add = (sections: Readonly<Record<string, Section>>, included: boolean) => {
    for (const [name, section] of Object.entries(sections)) {
      if (!included && !wanted.has(name)) continue;
      if (text !== "") text += "\r\n";
      text += `# ${name[0].toUpperCase()}${name.slice(1)}\r\n`;
      for (const line of section(server)) text += line + "\r\n";
    }
  };
  add(SECTIONS, every);
  add(EXTRA_SECTIONS, all);
  reply.verbatim(text);
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
