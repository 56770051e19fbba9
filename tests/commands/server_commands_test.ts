/**
 * The RESP server commands (COMMAND, CONFIG, INFO, TIME, DBSIZE, FLUSHDB,
 * FLUSHALL) through the real dispatcher, comparing exact RESP bytes where
 * Redis 7.0's are fixed and parsing them where they vary; then `redis-cli`
 * and `redis-benchmark` against a real walkv, since they are what COMMAND
 * DOCS and CONFIG GET are for.
 */
import {
  assert as untypedAssert,
  assertEquals,
  assertMatch,
  assertStringIncludes,
} from "@std/assert";

import { RESP_COMMANDS } from "../../src/commands/registry.ts";
import { DEFAULT_CONFIG } from "../../src/config.ts";

import { encodeFlushAll, encodeFlushDb } from "../../src/wal/record.ts";

import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import type { CompactionControl } from "../../src/wal/compactor.ts";
import { respHarness } from "../helpers/resp_harness.ts";

/** `@std/assert`'s `assert`, typed so that it narrows (the std exports are untyped here). */
const assert: (condition: unknown, message?: string) => asserts condition = untypedAssert;

function setup(config = DEFAULT_CONFIG, compaction?: CompactionControl) {
  const { wal, db, databases, context, run } = respHarness({
    config,
    clientId: 3,
    port: 6400,
    compaction,
  });
  /** Runs one request and decodes its reply. */
  const decoded = (...args: string[]): Resp => decode(run(...args));
  /** Stores keys directly through the Db, committing as the dispatcher would. */
  const store = (...pairs: string[]) => {
    for (let i = 0; i < pairs.length; i += 2) db.set(pairs[i], pairs[i + 1]);
    databases.commit();
  };
  return { wal, db, databases, server: context.server, run, decoded, store };
}

/** A decoded RESP2 reply; simple strings are kept apart from bulk strings. */
type Resp = string | number | null | { simple: string } | { error: string } | Resp[];

/** Decodes exactly one RESP2 reply filling all of `text`. */
function decode(text: string): Resp {
  const at = { index: 0 };
  const value = decodeAt(text, at);
  assertEquals(at.index, text.length, "one reply, nothing after it");
  return value;
}

function decodeAt(text: string, at: { index: number }): Resp {
  const end = text.indexOf("\r\n", at.index);
  assert(end > at.index, `a reply line at ${at.index} of ${JSON.stringify(text)}`);
  const kind = text[at.index];
  const line = text.slice(at.index + 1, end);
  at.index = end + 2;
  switch (kind) {
    case "+":
      return { simple: line };
    case "-":
      return { error: line };
    case ":":
      return Number(line);
    case "$": {
      const length = Number(line);
      if (length < 0) return null;
      const value = text.slice(at.index, at.index + length);
      assertEquals(text.slice(at.index + length, at.index + length + 2), "\r\n");
      at.index += length + 2;
      return value;
    }
    case "*": {
      const length = Number(line);
      if (length < 0) return null;
      const items: Resp[] = [];
      for (let i = 0; i < length; i++) items.push(decodeAt(text, at));
      return items;
    }
  }
  throw new Error(`Unknown RESP type ${JSON.stringify(kind)} in ${JSON.stringify(text)}`);
}

function asArray(value: Resp): Resp[] {
  assert(Array.isArray(value), `an array, found ${JSON.stringify(value)}`);
  return value;
}

/** A RESP2 flat map (`[k1, v1, k2, v2, ...]`) as a Map; keys must be bulk strings. */
function asMap(value: Resp): Map<string, Resp> {
  const items = asArray(value);
  assertEquals(items.length % 2, 0, "a flat map has pairs");
  const map = new Map<string, Resp>();
  for (let i = 0; i < items.length; i += 2) {
    assertEquals(typeof items[i], "string", "map keys are bulk strings");
    map.set(items[i] as string, items[i + 1]);
  }
  return map;
}

/**
 * Renders a COMMAND DOCS argument as `redis-cli` 7.0 renders its hints
 * (`[EX seconds|PX milliseconds]`), asserting what it asserts: flags are
 * simple strings, every argument has a name and a type.
 */
function hint(argument: Resp): string {
  const map = asMap(argument);
  const name = map.get("name");
  const type = map.get("type");
  assert(typeof name === "string" && typeof type === "string", "name and type are bulk strings");
  const flags = asArray(map.get("flags") ?? []).map((flag) => {
    assert(typeof flag === "object" && flag !== null && "simple" in flag, "flags are simple");
    return flag.simple;
  });
  const children = asArray(map.get("arguments") ?? []).map(hint);
  let repeat = "";
  if (type === "oneof") repeat = children.join("|");
  else if (type === "block") repeat = children.join(" ");
  else if (type !== "pure-token") repeat = name;
  const token = map.get("token");
  let text = typeof token === "string" ? (repeat === "" ? token : `${token} ${repeat}`) : repeat;
  if (flags.includes("multiple")) text += ` [${repeat} ...]`;
  return flags.includes("optional") ? `[${text}]` : text;
}

/** The hint line `redis-cli` shows for command `name`. */
function hintLine(docs: Map<string, Resp>): string {
  return asArray(docs.get("arguments") ?? []).map(hint).join(" ");
}

const GET = RESP_COMMANDS.find((command) => command.name === "GET")!;

const GET_INFO = "*10\r\n$3\r\nget\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n" +
  "*3\r\n+@read\r\n+@string\r\n+@fast\r\n*0\r\n" +
  "*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n" +
  "$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n" +
  "$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n" +
  "*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n";

Deno.test("COMMAND INFO get is Redis 7.0's entry, byte for byte", () => {
  const { run } = setup();
  assertEquals(run("COMMAND", "INFO", "get"), "*1\r\n" + GET_INFO);
  assertEquals(run("command", "info", "GET", "nosuch"), "*2\r\n" + GET_INFO + "$-1\r\n");
});

Deno.test("COMMAND lists every command with ten well-formed fields", () => {
  const { run, decoded } = setup();
  const entries = asArray(decoded("COMMAND"));
  assertEquals(entries.length, RESP_COMMANDS.length);
  assertEquals(run("COMMAND", "COUNT"), `:${RESP_COMMANDS.length}\r\n`);
  assertEquals(decoded("COMMAND", "INFO"), entries);
  RESP_COMMANDS.forEach((command, i) => {
    const entry = asArray(entries[i]);
    assertEquals(entry.length, 10, command.name);
    assertEquals(entry[0], command.name.toLowerCase());
    assertEquals(entry[1], command.arity);
    assertEquals(entry.slice(3, 6), [...command.keys]);
    for (const field of [entry[2], entry[6]]) {
      for (const flag of asArray(field)) {
        assert(typeof flag === "object" && flag && "simple" in flag);
      }
    }
    assert(
      asArray(entry[2]).some((flag) => JSON.stringify(flag).includes("write")) ===
        command.flags.includes("write"),
    );
    assertEquals(
      asArray(entry[8]).length,
      command.keys[0] > 0 ? 1 : 0,
      `${command.name} key specs`,
    );
  });
  const names = entries.map((entry) => asArray(entry)[0]);
  for (const name of ["ping", "echo", "quit", "select", "hello", "client"]) {
    assert(names.includes(name));
  }
  for (const name of ["info", "time", "config", "command", "dbsize", "flushdb", "flushall"]) {
    assert(names.includes(name), name);
  }
});

Deno.test("COMMAND LIST and GETKEYS", () => {
  const { run, decoded } = setup();
  assertEquals(decoded("COMMAND", "LIST"), RESP_COMMANDS.map((c) => c.name.toLowerCase()));
  assertEquals(run("COMMAND", "GETKEYS", "set", "k", "v"), "*1\r\n$1\r\nk\r\n");
  assertEquals(run("COMMAND", "GETKEYS", "nosuch", "k"), "-ERR Invalid command specified\r\n");
  assertEquals(
    run("COMMAND", "GETKEYS", "get", "a", "b"),
    "-ERR Invalid number of arguments specified for command\r\n",
  );
  assertEquals(
    run("COMMAND", "GETKEYS", "echo", "x"),
    "-ERR The command has no key arguments\r\n",
  );
});

Deno.test("COMMAND errors name the subcommand as Redis does", () => {
  const { run } = setup();
  assertEquals(run("COMMAND", "foo"), "-ERR unknown subcommand 'foo'. Try COMMAND HELP.\r\n");
  assertEquals(
    run("COMMAND", "COUNT", "x"),
    "-ERR wrong number of arguments for 'command|count' command\r\n",
  );
  assertMatch(run("COMMAND", "HELP"), /^\*\d+\r\n\+COMMAND <subcommand> /);
});

Deno.test("COMMAND DOCS get is summary, since, group and the key argument", () => {
  const { run } = setup();
  assertEquals(
    run("COMMAND", "DOCS", "get"),
    "*2\r\n$3\r\nget\r\n*8\r\n" +
      `$7\r\nsummary\r\n$${GET.summary.length}\r\n${GET.summary}\r\n` +
      "$5\r\nsince\r\n$5\r\n1.0.0\r\n$5\r\ngroup\r\n$6\r\nstring\r\n" +
      "$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n" +
      "$14\r\nkey_spec_index\r\n:0\r\n",
  );
  assertEquals(run("COMMAND", "DOCS", "nosuch"), "*0\r\n");
  assertMatch(run("COMMAND", "DOCS", "DBSIZE"), /^\*2\r\n\$6\r\ndbsize\r\n\*6\r\n/);
});

Deno.test("COMMAND DOCS gives the hints redis-cli shows", () => {
  const { decoded } = setup();
  const docs = asMap(decoded("COMMAND", "DOCS", "set", "hello", "ping", "info", "config"));
  const line = (name: string) => hintLine(asMap(docs.get(name) ?? []));
  assertEquals(
    line("set"),
    "key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|" +
      "PXAT unix-time-milliseconds|KEEPTTL]",
  );
  assertEquals(line("hello"), "[protover [AUTH username password] [SETNAME clientname]]");
  assertEquals(line("ping"), "[message]");
  assertEquals(line("info"), "[section [section ...]]");
  assertEquals(
    line("config"),
    "GET parameter [parameter ...]|SET parameter value|RESETSTAT|REWRITE|HELP",
  );
  assertEquals(asMap(docs.get("info") ?? []).get("group"), "server");
  assertEquals(asMap(docs.get("hello") ?? []).get("group"), "connection");
});

Deno.test("COMMAND DOCS covers every command, with its arguments", () => {
  const { decoded } = setup();
  const docs = asMap(decoded("COMMAND", "DOCS"));
  assertEquals([...docs.keys()], RESP_COMMANDS.map((c) => c.name.toLowerCase()));
  for (const command of RESP_COMMANDS) {
    const entry = asMap(docs.get(command.name.toLowerCase()) ?? []);
    assertEquals(entry.get("summary"), command.summary);
    assertEquals(typeof entry.get("since"), "string");
    assertEquals(typeof entry.get("group"), "string");
    assertEquals(entry.has("arguments"), command.args.length > 0, command.name);
    if (command.args.length > 0) hintLine(entry); // asserts the shape redis-cli asserts
  }
});

Deno.test("CONFIG GET answers name/value pairs for matching parameters", () => {
  const { run, decoded } = setup();
  assertEquals(run("CONFIG", "GET", "save"), "*2\r\n$4\r\nsave\r\n$0\r\n\r\n");
  assertEquals(run("config", "get", "APPENDONLY"), "*2\r\n$10\r\nappendonly\r\n$3\r\nyes\r\n");
  assertEquals(run("CONFIG", "GET", "p?rt"), "*2\r\n$4\r\nport\r\n$4\r\n6400\r\n");
  assertEquals(run("CONFIG", "GET", "nosuch"), "*0\r\n");
  assertEquals(decoded("CONFIG", "GET", "databases", "maxmemory", "timeout"), [
    "databases",
    "16",
    "maxmemory",
    "0",
    "timeout",
    "0",
  ]);
  // Overlapping patterns give each parameter once.
  assertEquals(decoded("CONFIG", "GET", "append*", "appendonly"), [
    "appendonly",
    "yes",
    "appendfsync",
    "always",
    "appendfilename",
    "wal_file",
  ]);
  const all = asMap(decoded("CONFIG", "GET", "*"));
  assertEquals(all.get("proto-max-bulk-len"), String(DEFAULT_CONFIG.maxBulkBytes));
  assertEquals(all.get("bind"), DEFAULT_CONFIG.host);
  assertEquals(all.get("maxclients"), "10000");
  assertEquals(all.get("dir"), "./wal_files");
});

Deno.test("CONFIG GET appendfsync and auto-aof-rewrite-* follow --fsync and --compact-*", () => {
  const { decoded } = setup({
    ...DEFAULT_CONFIG,
    fsync: "everysec",
    compactMinBytes: 1000,
    compactRatio: 1.5,
  });
  assertEquals(decoded("CONFIG", "GET", "appendfsync", "auto-aof-rewrite-*"), [
    "appendfsync",
    "everysec",
    "auto-aof-rewrite-min-size",
    "1000",
    "auto-aof-rewrite-percentage",
    "50",
  ]);
});

Deno.test("CONFIG GET appendonly follows --persist", () => {
  const { run } = setup({ ...DEFAULT_CONFIG, persist: false });
  assertEquals(run("CONFIG", "GET", "appendonly"), "*2\r\n$10\r\nappendonly\r\n$2\r\nno\r\n");
});

Deno.test("CONFIG SET refuses what cannot change; REWRITE is refused; RESETSTAT zeroes the counters", () => {
  const { run, server } = setup();
  assertEquals(
    run("CONFIG", "SET", "port", "1"),
    "-ERR CONFIG SET failed (possibly related to argument 'port') - can't set immutable config\r\n",
  );
  assertEquals(
    run("CONFIG", "SET", "foo", "bar"),
    "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n",
  );
  assertEquals(run("CONFIG", "REWRITE"), "-ERR The server is running without a config file\r\n");
  run("GET", "missing");
  run("SET", "present", "1");
  run("GET", "present");
  server.expiredKeys = 2;
  assert(server.commandsProcessed > 0 && server.keyspaceMisses === 1);
  assertEquals(server.keyspaceHits, 1);
  assertEquals(run("CONFIG", "RESETSTAT"), "+OK\r\n");
  assertEquals(
    [server.keyspaceHits, server.keyspaceMisses, server.expiredKeys, server.commandsProcessed],
    [0, 0, 0, 0],
  );
  assertEquals(run("CONFIG"), "-ERR wrong number of arguments for 'config' command\r\n");
  assertEquals(
    run("CONFIG", "GET"),
    "-ERR wrong number of arguments for 'config|get' command\r\n",
  );
  assertEquals(run("CONFIG", "foo"), "-ERR unknown subcommand 'foo'. Try CONFIG HELP.\r\n");
});

/** INFO's text as sections of fields, checking its framing on the way. */
function parseInfo(text: string): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  assert(text.endsWith("\r\n"), "INFO text ends with CRLF");
  const blocks = text.slice(0, -2).split("\r\n\r\n");
  for (const block of blocks) {
    const [header, ...lines] = block.split("\r\n");
    assertMatch(header, /^# [A-Z][A-Za-z]+$/);
    const fields = new Map<string, string>();
    for (const line of lines) {
      assertMatch(line, /^[a-z_0-9]+:\S*( \S+)*$/);
      const colon = line.indexOf(":");
      fields.set(line.slice(0, colon), line.slice(colon + 1));
    }
    sections.set(header.slice(2).toLowerCase(), fields);
  }
  return sections;
}

Deno.test("INFO gives every section, with the fields tools read", () => {
  const { decoded, store, run } = setup();
  store("a", "1", "b", "2");
  run("GET", "a");
  run("GET", "zzz");
  const text = decoded("INFO");
  assert(typeof text === "string");
  const info = parseInfo(text);
  const order = [
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "modules",
    "errorstats",
    "cluster",
    "keyspace",
  ];
  assertEquals([...info.keys()], order);
  const field = (section: string, name: string) => {
    const value = info.get(section)?.get(name);
    assert(value !== undefined, `${section}.${name}`);
    return value;
  };
  assertEquals(field("server", "redis_version"), "7.0.15");
  assertEquals(field("server", "redis_mode"), "standalone");
  assertEquals(field("server", "tcp_port"), "6400");
  assertEquals(field("server", "process_id"), String(Deno.pid));
  assertEquals(field("server", "arch_bits"), "64");
  assertMatch(field("server", "os"), /\S/);
  assertMatch(field("server", "uptime_in_seconds"), /^\d+$/);
  assertEquals(field("server", "uptime_in_days"), "0");
  assertEquals(field("clients", "connected_clients"), "0");
  assertMatch(field("memory", "used_memory"), /^\d+$/);
  assertMatch(field("memory", "used_memory_rss"), /^\d+$/);
  assertMatch(field("memory", "used_memory_human"), /^\d+(\.\d\d[KMGTP]|B)$/);
  assertEquals(field("persistence", "loading"), "0");
  assertEquals(field("persistence", "aof_enabled"), "1");
  assertEquals(field("persistence", "rdb_bgsave_in_progress"), "0");
  assertEquals(field("persistence", "aof_rewrite_in_progress"), "0");
  assertEquals(field("persistence", "aof_last_write_status"), "ok");
  assertEquals(field("stats", "total_connections_received"), "0");
  assertEquals(field("stats", "total_commands_processed"), "3");
  assertEquals(field("stats", "instantaneous_ops_per_sec"), "0");
  assertEquals(field("stats", "keyspace_hits"), "1");
  assertEquals(field("stats", "keyspace_misses"), "1");
  assertEquals(field("stats", "expired_keys"), "0");
  assertEquals(field("replication", "role"), "master");
  assertEquals(field("keyspace", "db0"), "keys=2,expires=0,avg_ttl=0");
});

Deno.test("INFO picks sections by name, in Redis's order", () => {
  const { run, db, databases } = setup();
  assertEquals(run("INFO", "keyspace"), "$12\r\n# Keyspace\r\n\r\n");
  db.set("k", "v", Date.now() + 60_000);
  db.set("j", "v");
  databases.commit();
  const keyspace = "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n";
  assertEquals(run("INFO", "KEYSPACE"), `$${keyspace.length}\r\n${keyspace}\r\n`);
  assertEquals(run("INFO", "nosuch"), "$0\r\n\r\n");
  const two = run("INFO", "keyspace", "replication");
  const text = "# Replication\r\nrole:master\r\nconnected_slaves:0\r\n\r\n" + keyspace;
  assertEquals(two, `$${text.length}\r\n${text}\r\n`);
  for (const [every, count] of [["all", 12], ["everything", 12], ["default", 11]] as const) {
    const sections = [...parseInfo(decode(run("INFO", every)) as string).keys()];
    assertEquals(sections.length, count, every);
  }
});

Deno.test("INFO reports a failed WAL as aof_last_write_status:err", () => {
  const { wal, decoded } = setup();
  wal.failure = new Error("disk full");
  const info = parseInfo(decoded("INFO", "persistence") as string);
  assertEquals(info.get("persistence")?.get("aof_last_write_status"), "err");
});

Deno.test("TIME gives seconds and microseconds as bulk strings", () => {
  const { decoded, run } = setup();
  const before = Date.now();
  const [seconds, micros] = asArray(decoded("TIME"));
  assert(typeof seconds === "string" && typeof micros === "string");
  assertMatch(seconds, /^\d{10}$/);
  assertMatch(micros, /^\d{1,6}$/);
  const at = Number(seconds) * 1000 + Number(micros) / 1000;
  assert(Math.abs(at - before) < 5000, `TIME ${at} near ${before}`);
  assertEquals(run("TIME", "x"), "-ERR wrong number of arguments for 'time' command\r\n");
});

Deno.test("DBSIZE counts the keys", () => {
  const { run, store } = setup();
  assertEquals(run("DBSIZE"), ":0\r\n");
  store("a", "1", "b", "2", "c", "3");
  assertEquals(run("dbsize"), ":3\r\n");
});

Deno.test("FLUSHALL and FLUSHDB empty the store as one WAL record", () => {
  for (const name of ["FLUSHALL", "FLUSHDB"]) {
    for (const mode of [[], ["ASYNC"], ["sync"]]) {
      const { run, store, wal, db } = setup();
      store("a", "1", "b", "2");
      const before = wal.records.length;
      assertEquals(run(name, ...mode), "+OK\r\n", `${name} ${mode}`);
      assertEquals(db.size, 0);
      assertEquals(
        wal.records.slice(before),
        [name === "FLUSHALL" ? encodeFlushAll() : encodeFlushDb()],
      );
    }
  }
});

Deno.test("FLUSHALL with a bad option is a syntax error and flushes nothing", () => {
  const { run, store, wal, db } = setup();
  store("a", "1");
  const before = wal.records.length;
  for (const args of [["NOW"], ["ASYNC", "SYNC"]]) {
    assertEquals(run("FLUSHALL", ...args), "-ERR syntax error\r\n");
    assertEquals(run("FLUSHDB", ...args), "-ERR syntax error\r\n");
  }
  assertEquals(db.size, 1);
  assertEquals(wal.records.length, before);
  wal.failure = new Error("disk full");
  assertMatch(run("FLUSHALL"), /^-MISCONF /);
  assertEquals(db.size, 1);
});

/** Whether Redis's command-line tools are installed, for the end-to-end test. */
const HAS_REDIS_TOOLS = await new Deno.Command("redis-cli", { args: ["--version"] })
  .output()
  .then((output) => output.success, () => false);

/** Runs a Redis tool to completion (30 s at most), feeding it `input` on stdin. */
async function runTool(tool: string, args: string[], input = "") {
  const child = new Deno.Command(tool, {
    args,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(30_000),
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(input));
  await writer.close();
  const output = await child.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

Deno.test({
  name: "redis-cli starts with walkv's COMMAND DOCS and redis-benchmark reads its CONFIG",
  ignore: !HAS_REDIS_TOOLS,
  async fn() {
    await using dir = await tempDir();
    await using server = await startServer({ walDir: dir.path, args: ["--no-persist"] });
    const port = String(server.port);

    const docs = await runTool("redis-cli", ["-p", port, "COMMAND", "DOCS", "get"]);
    assertEquals(docs.code, 0, docs.stderr);
    assertEquals(docs.stdout.split("\n").slice(0, 7), [
      "get",
      "summary",
      GET.summary,
      "since",
      "1.0.0",
      "group",
      "string",
    ]);

    // With no command, redis-cli runs its prompt loop (reading stdin), which
    // first loads its help from COMMAND DOCS.
    const session = await runTool(
      "redis-cli",
      ["-p", port],
      "help set\nhelp client\nping\nclient setname cli\nclient getname\n",
    );
    assertEquals(session.code, 0, session.stderr);
    assertEquals(session.stderr, "");
    // Help is coloured even off a terminal: drop ESC and the "[1m"-style codes it leads.
    const shown = session.stdout.replaceAll("\x1b", "").replace(/\[\d+m/g, "");
    assertStringIncludes(
      shown,
      "SET key value [NX|XX] [GET] [EX seconds|PX milliseconds|EXAT unix-time-seconds|" +
        "PXAT unix-time-milliseconds|KEEPTTL]",
    );
    assertStringIncludes(shown, "group: string");
    assertStringIncludes(shown, "CLIENT ID|GETNAME|SETNAME connection-name");
    assertStringIncludes(shown, "PONG\nOK\ncli\n");

    const benchmark = await runTool("redis-benchmark", [
      "-p",
      port,
      "-t",
      "set,get",
      "-n",
      "1000",
      "-q",
    ]);
    assertEquals(benchmark.code, 0, benchmark.stderr);
    const printed = benchmark.stdout + benchmark.stderr;
    assert(!printed.includes("Could not fetch server CONFIG"), printed);
    assertMatch(printed, /SET: [\d.]+ requests per second/);
    assertMatch(printed, /GET: [\d.]+ requests per second/);
  },
});

/** A compaction that only records what it was asked, as a FileWal-backed one would answer. */
class CompactionStub implements CompactionControl {
  running = false;
  rewrites = 4;
  lastOk = true;
  walBytes = 1234;
  walCommits = { syncs: 0, records: 0 };
  snapshot = null;
  reasons: string[] = [];
  reason: string | null = null;
  lastSuccessAt = 0;
  minBytes = 64 << 20;
  ratio = 2;

  start(reason: string): boolean {
    if (this.running) return false;
    this.reasons.push(reason);
    this.reason = reason;
    this.running = true;
    return true;
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }
}

Deno.test("BGREWRITEAOF starts one compaction at a time, with Redis's replies", () => {
  const compaction = new CompactionStub();
  const { run } = setup(DEFAULT_CONFIG, compaction);
  assertEquals(run("BGREWRITEAOF"), "+Background append only file rewriting started\r\n");
  assertEquals(compaction.reasons, ["BGREWRITEAOF"]);
  assertEquals(
    run("bgrewriteaof"),
    "-ERR Background append only file rewriting already in progress\r\n",
  );
  assertEquals(compaction.reasons, ["BGREWRITEAOF"]);
  assertEquals(
    run("BGREWRITEAOF", "x"),
    "-ERR wrong number of arguments for 'bgrewriteaof' command\r\n",
  );
});

Deno.test("BGREWRITEAOF without a WAL says why", () => {
  const { run } = setup({ ...DEFAULT_CONFIG, persist: false });
  assertEquals(
    run("BGREWRITEAOF"),
    "-ERR there is no WAL to rewrite: walkv runs with --no-persist\r\n",
  );
});

Deno.test("INFO persistence shows the compaction and the fsync policy", () => {
  const compaction = new CompactionStub();
  const { decoded } = setup({ ...DEFAULT_CONFIG, fsync: "everysec" }, compaction);
  const fields = () => parseInfo(decoded("INFO", "persistence") as string).get("persistence")!;
  assertEquals(fields().get("aof_rewrite_in_progress"), "0");
  assertEquals(fields().get("aof_rewrites"), "4");
  assertEquals(fields().get("aof_current_size"), "1234");
  assertEquals(fields().get("wal_fsync"), "everysec");
  compaction.start("test");
  compaction.lastOk = false;
  assertEquals(fields().get("aof_rewrite_in_progress"), "1");
  assertEquals(fields().get("aof_last_bgrewrite_status"), "err");
  const off = setup({ ...DEFAULT_CONFIG, persist: false });
  const offFields = parseInfo(off.decoded("INFO", "persistence") as string).get("persistence")!;
  assertEquals(offFields.get("wal_fsync"), "off");
  assertEquals(offFields.get("aof_enabled"), "0");
});
