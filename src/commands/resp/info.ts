import type { Db } from "../../db/db.ts";
import type { ServerState } from "../../server/server_state.ts";
import { REDIS_VERSION } from "./redis_version.ts";
import type { RespCommand } from "./resp_command.ts";

/** Identifies this server process in INFO, as Redis's random `run_id` does. */
const RUN_ID = Array.from(
  crypto.getRandomValues(new Uint8Array(20)),
  (byte) => byte.toString(16).padStart(2, "0"),
).join("");

type Section = (db: Db, server: ServerState) => string[];

/** INFO's sections in Redis's order; each gives its `field:value` lines. */
const SECTIONS: Readonly<Record<string, Section>> = {
  server(_db, server) {
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
  clients(_db, server) {
    return [
      `connected_clients:${server.connectedClients}`,
      `maxclients:${server.config.maxClients}`,
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
  persistence(db, server) {
    const compaction = db.compaction;
    return [
      "loading:0",
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
      `aof_last_write_status:${db.failure === null ? "ok" : "err"}`,
      `aof_current_size:${compaction?.walBytes ?? 0}`,
      `wal_fsync:${server.config.persist ? server.config.fsync : "off"}`,
      `wal_replayed_records:${server.replayedRecords}`,
    ];
  },
  stats(_db, server) {
    return [
      `total_connections_received:${server.totalConnections}`,
      `total_commands_processed:${server.commandsProcessed}`,
      "instantaneous_ops_per_sec:0",
      `rejected_connections:${server.rejectedConnections}`,
      `expired_keys:${server.expiredKeys}`,
      "evicted_keys:0",
      `keyspace_hits:${server.keyspaceHits}`,
      `keyspace_misses:${server.keyspaceMisses}`,
    ];
  },
  replication() {
    return ["role:master", "connected_slaves:0"];
  },
  keyspace(db) {
    const keys = db.size;
    return keys === 0 ? [] : [`db0:keys=${keys},expires=${db.expiringSize},avg_ttl=0`];
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
 * info.run(["INFO", "keyspace"], context);
 * // "$39\r\n# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n\r\n"
 * ```
 */
export const info: RespCommand = {
  name: "INFO",
  arity: -1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns information and statistics about the server.",
  syntax: "[section [section ...]]",
  run(args, { db, reply, server }) {
    const wanted = new Set(args.slice(1).map((name) => name.toLowerCase()));
    const every = wanted.size === 0 || wanted.has("all") || wanted.has("everything") ||
      wanted.has("default");
    let text = "";
    for (const [name, section] of Object.entries(SECTIONS)) {
      if (!every && !wanted.has(name)) continue;
      if (text !== "") text += "\r\n";
      text += `# ${name[0].toUpperCase()}${name.slice(1)}\r\n`;
      for (const line of section(db, server)) text += line + "\r\n";
    }
    reply.bulk(text);
  },
};

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
