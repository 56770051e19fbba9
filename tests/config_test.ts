import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { type Config, DEFAULT_CONFIG, parseConfig, USAGE, UsageError } from "../src/config.ts";
import { runWalkv, serverPermissions } from "./helpers/server_process.ts";
import { listDir, tempDir } from "./helpers/temp_dir.ts";

const DEFAULTS: Config = {
  port: 4242,
  host: "127.0.0.1",
  wal: "./wal_files/wal_file",
  shards: 8,
  store: "map",
  persist: true,
  size: 64,
  maxLineBytes: 1048576,
  maxBulkBytes: 536870888,
  fsync: "always",
  compactMinBytes: 67108864,
  compactRatio: 2,
  timeoutSeconds: 0,
  maxClients: 10000,
  requirePass: null,
  protectedMode: true,
  databases: 16,
  configFile: null,
  tlsPort: 0,
  tlsCertFile: null,
  tlsKeyFile: null,
  slowlogSlowerThan: 10000,
  slowlogMaxLen: 128,
  queryBufferLimit: 1073741824,
  maxMemory: 0,
  maxMemoryPolicy: "noeviction",
  maxMemorySamples: 5,
  lfuLogFactor: 10,
  lfuDecayTime: 1,
};

/** The config for `args`, failing the test if it is "help". */
function config(args: string[]): Config {
  const result = parseConfig(args);
  if (typeof result === "string") throw new Error(`${JSON.stringify(args)} parsed as ${result}`);
  return result;
}

/** Asserts `args` are refused with a message naming `flag` and quoting `value`. */
function assertUsageError(args: string[], flag: string, value: string): void {
  const error = assertThrows(() => parseConfig(args), UsageError);
  const message = (error as Error).message;
  assert(message.includes(flag), `${JSON.stringify(args)}: ${message} should name ${flag}`);
  assert(
    message.includes(JSON.stringify(value)),
    `${JSON.stringify(args)}: ${message} should quote ${JSON.stringify(value)}`,
  );
}

Deno.test("parseConfig with no flags gives the defaults", () => {
  assertEquals(config([]), DEFAULTS);
  assertEquals(DEFAULT_CONFIG, DEFAULTS);
});

Deno.test("parseConfig reads --port with a space or an equals sign", () => {
  assertEquals(config(["--port", "5000"]), { ...DEFAULTS, port: 5000 });
  assertEquals(config(["--port=5000"]), { ...DEFAULTS, port: 5000 });
  assertEquals(config(["--port", "1"]).port, 1);
  assertEquals(config(["--port", "65535"]).port, 65535);
});

Deno.test("parseConfig reads every flag", () => {
  assertEquals(
    config([
      "--port",
      "6000",
      "--host",
      "0.0.0.0",
      "--wal",
      "/tmp/w",
      "--shards",
      "1",
      "--size",
      "1000",
      "--max-line",
      "4096",
      "--max-bulk",
      "1024",
      "--fsync",
      "no",
      "--compact-min-size",
      "100",
      "--compact-ratio",
      "4",
      "--timeout",
      "300",
      "--maxclients",
      "50",
      "--requirepass",
      "s3cret",
      "--protected-mode",
      "no",
      "--databases",
      "4",
      "--tls-port",
      "6001",
      "--tls-cert-file",
      "/tmp/c.pem",
      "--tls-key-file",
      "/tmp/k.pem",
      "--slowlog-log-slower-than",
      "-1",
      "--slowlog-max-len",
      "7",
      "--client-query-buffer-limit",
      "2mb",
      "--maxmemory",
      "100mb",
      "--maxmemory-policy",
      "ALLKEYS-LFU",
      "--maxmemory-samples",
      "10",
      "--lfu-log-factor",
      "0",
      "--lfu-decay-time",
      "0",
    ]),
    {
      port: 6000,
      host: "0.0.0.0",
      wal: "/tmp/w",
      shards: 1,
      store: "map",
      persist: true,
      size: 1000,
      maxLineBytes: 4096,
      maxBulkBytes: 1024,
      fsync: "no",
      compactMinBytes: 100,
      compactRatio: 4,
      timeoutSeconds: 300,
      maxClients: 50,
      requirePass: "s3cret",
      protectedMode: false,
      databases: 4,
      configFile: null,
      tlsPort: 6001,
      tlsCertFile: "/tmp/c.pem",
      tlsKeyFile: "/tmp/k.pem",
      slowlogSlowerThan: -1,
      slowlogMaxLen: 7,
      queryBufferLimit: 2097152,
      maxMemory: 100 * 1024 * 1024,
      maxMemoryPolicy: "allkeys-lfu",
      maxMemorySamples: 10,
      lfuLogFactor: 0,
      lfuDecayTime: 0,
    },
  );
});

Deno.test("parseConfig accepts the seed's Go-style single-dash flags", () => {
  const go = config(["-port", "4243", "-shards", "4", "-wal", "./x"]);
  const long = config(["--port", "4243", "--shards", "4", "--wal", "./x"]);
  assertEquals(go, long);
  assertEquals(go, { ...DEFAULTS, port: 4243, shards: 4, wal: "./x" });
  assertEquals(config(["-wal=./x"]), { ...DEFAULTS, wal: "./x" });
  assertEquals(config(["-port=5000", "-max-line=100"]), {
    ...DEFAULTS,
    port: 5000,
    maxLineBytes: 100,
  });
});

Deno.test("parseConfig turns persistence off with --no-persist or persist=false", () => {
  for (const args of [["--no-persist"], ["--persist=false"], ["-persist=false"]]) {
    assertEquals(config(args), { ...DEFAULTS, persist: false }, JSON.stringify(args));
  }
  assertEquals(config(["--persist"]).persist, true);
  assertEquals(config(["--persist=true"]).persist, true);
});

Deno.test("parseConfig returns help for --help and -h", () => {
  assertEquals(parseConfig(["--help"]), "help");
  assertEquals(parseConfig(["-h"]), "help");
  assertEquals(parseConfig(["-help"]), "help");
  assertEquals(parseConfig(["--port", "5000", "--help"]), "help");
});

Deno.test("parseConfig refuses an unknown flag, quoted as typed", () => {
  assertUsageError(["--nope"], "flag", "--nope");
  assertUsageError(["-nope"], "flag", "-nope");
  assertUsageError(["--nope=1"], "flag", "--nope");
  assertUsageError(["-x"], "flag", "-x");
});

Deno.test("parseConfig refuses ports out of range or not integers", () => {
  assertUsageError(["--port", "0"], "--port", "0");
  assertUsageError(["--port", "65536"], "--port", "65536");
  assertUsageError(["--port", "abc"], "--port", "abc");
  assertUsageError(["--port", "1.5"], "--port", "1.5");
  assertUsageError(["--port="], "--port", "");
  assertUsageError(["--port=-1"], "--port", "-1");
  assertUsageError(["-port", "0"], "port", "0");
});

Deno.test("parseConfig refuses a negative port given after a space", () => {
  // "--port -1" is how most people would type it; the message should be
  // about the port, not about an unknown flag "-1".
  assertUsageError(["--port", "-1"], "--port", "-1");
});

Deno.test("parseConfig refuses bad shard counts and sizes", () => {
  assertUsageError(["--shards", "0"], "--shards", "0");
  assertUsageError(["--shards", "x"], "--shards", "x");
  assertUsageError(["--shards", "65537"], "--shards", "65537");
  assertUsageError(["--size", "0"], "--size", "0");
  assertUsageError(["--max-line", "15"], "--max-line", "15");
});

Deno.test("parseConfig reads --max-bulk from 1 byte up to V8's longest string, the default", () => {
  assertEquals(config(["--max-bulk", "1"]).maxBulkBytes, 1);
  assertEquals(config(["-max-bulk=536870888"]).maxBulkBytes, 536870888);
  assertEquals(config([]).maxBulkBytes, 536870888);
  assertUsageError(["--max-bulk", "0"], "--max-bulk", "0");
  assertUsageError(["--max-bulk", "536870889"], "--max-bulk", "536870889");
  assertUsageError(["--max-bulk", "1k"], "--max-bulk", "1k");
});

Deno.test("parseConfig refuses empty --host and --wal", () => {
  assertUsageError(["--host="], "--host", "");
  assertUsageError(["--wal="], "--wal", "");
});

Deno.test("parseConfig refuses a positional argument", () => {
  assertUsageError(["extra"], "argument", "extra");
  assertUsageError(["--port", "5000", "extra"], "argument", "extra");
});

Deno.test("parseConfig reads --fsync, --compact-min-size and --compact-ratio", () => {
  assertEquals(config(["--fsync", "everysec"]).fsync, "everysec");
  assertEquals(config(["-fsync=no"]).fsync, "no");
  assertEquals(config(["--compact-min-size", "0"]).compactMinBytes, 0);
  assertEquals(config(["--compact-min-size=1048576"]).compactMinBytes, 1048576);
  assertEquals(config(["--compact-ratio", "1.5"]).compactRatio, 1.5);
  assertEquals(config(["--compact-ratio", "3"]).compactRatio, 3);
});

Deno.test("parseConfig refuses a bad --fsync policy, size or ratio", () => {
  assertUsageError(["--fsync", "sometimes"], "--fsync", "sometimes");
  assertUsageError(["--fsync", "Always"], "--fsync", "Always");
  assertUsageError(["--compact-min-size", "-1"], "--compact-min-size", "-1");
  assertUsageError(["--compact-min-size", "64MB"], "--compact-min-size", "64MB");
  assertUsageError(["--compact-ratio", "0.5"], "--compact-ratio", "0.5");
  assertUsageError(["--compact-ratio", "two"], "--compact-ratio", "two");
  assertUsageError(["--compact-ratio", "1e3"], "--compact-ratio", "1e3");
});

Deno.test("parseConfig skips a leading -- (as `deno task start -- --port 5000` passes it)", () => {
  assertEquals(config(["--", "--port", "5000"]), { ...DEFAULTS, port: 5000 });
  assertUsageError(["--port", "5000", "--", "x"], "argument", "x");
});

Deno.test("parseConfig reads --timeout in seconds, 0 meaning never, and --maxclients", () => {
  assertEquals(config(["--timeout", "0"]).timeoutSeconds, 0);
  assertEquals(config(["--timeout", "1"]).timeoutSeconds, 1);
  assertEquals(config(["-timeout=2147483647"]).timeoutSeconds, 2147483647);
  assertEquals(config(["--maxclients", "1"]).maxClients, 1);
  assertEquals(config(["-maxclients", "20000"]).maxClients, 20000);
  assertStringIncludes(USAGE, "--timeout SECONDS");
  assertStringIncludes(USAGE, "--maxclients N");
});

Deno.test("parseConfig refuses a bad --timeout or --maxclients", () => {
  assertUsageError(["--timeout", "-1"], "--timeout", "-1");
  assertUsageError(["--timeout", "1.5"], "--timeout", "1.5");
  assertUsageError(["--timeout", "10s"], "--timeout", "10s");
  assertUsageError(["--timeout="], "--timeout", "");
  assertUsageError(["--timeout", "2147483648"], "--timeout", "2147483648");
  assertUsageError(["--maxclients", "0"], "--maxclients", "0");
  assertUsageError(["--maxclients", "-5"], "--maxclients", "-5");
  assertUsageError(["--maxclients", "many"], "--maxclients", "many");
});

Deno.test("parseConfig reads maxmemory in Redis's units and refuses bad eviction settings", () => {
  assertEquals(config(["--maxmemory", "1gb"]).maxMemory, 1024 ** 3);
  assertEquals(config(["--maxmemory=10k"]).maxMemory, 10_000);
  assertUsageError(["--maxmemory", "1.5gb"], "--maxmemory", "1.5gb");
  assertUsageError(["--maxmemory", "-1"], "--maxmemory", "-1");
  assertUsageError(["--maxmemory-policy", "lru"], "--maxmemory-policy", "lru");
  assertUsageError(["--maxmemory-samples", "0"], "--maxmemory-samples", "0");
  assertUsageError(["--lfu-log-factor", "-1"], "--lfu-log-factor", "-1");
  assertUsageError(["--lfu-decay-time", "x"], "--lfu-decay-time", "x");
});

for (const args of [["--timeout", "-1"], ["--timeout", "soon"], ["--maxclients", "0"]]) {
  Deno.test(`walkv ${args.join(" ")} exits 2 naming the flag and the value`, async () => {
    await using dir = await tempDir();
    const result = await runWalkv(
      ["--wal", `${dir.path}/wal`, ...args],
      serverPermissions(dir.path),
    );
    assertEquals(result.code, 2, result.stderr);
    assertStringIncludes(result.stderr, args[0]);
    assertStringIncludes(result.stderr, JSON.stringify(args[1]));
    assertEquals(result.stdout, "");
    assertEquals(await listDir(dir.path), []);
  });
}

Deno.test("parseConfig refuses a protected mode other than yes or no, and databases out of range", () => {
  assertThrows(() => config(["--protected-mode", "maybe"]), UsageError, '"maybe"');
  assertThrows(() => config(["--databases", "0"]), UsageError, "--databases");
  assertEquals(config(["--requirepass", ""]).requirePass, null, "an empty password is none");
});

Deno.test("parseConfig reads a boolean only as yes, no, true or false, in any case", () => {
  for (
    const [args, persist] of [
      [["--persist"], true],
      [["--no-persist"], false],
      [["--persist=no"], false],
      [["--persist=NO"], false],
      [["--persist=yes"], true],
      [["--persist=false"], false],
      [["--persist", "false"], false],
      [["-persist=true"], true],
      [["--appendonly", "no"], false],
      [["--persist", "--port", "5000"], true],
    ] as const
  ) {
    assertEquals(config([...args]).persist, persist, args.join(" "));
  }
  assertEquals(config(["--protected-mode=TRUE"]).protectedMode, true);
  assertEquals(config(["--protected-mode", "false"]).protectedMode, false);
  for (const value of ["0", "1", "maybe", "", "y", "off"]) {
    assertUsageError([`--persist=${value}`], "--persist", value);
    assertUsageError(["--protected-mode", value], "--protected-mode", value);
  }
  assertUsageError(["--persist", "maybe"], "--persist", "maybe");
});

Deno.test("parseConfig: a flag given twice, the last one wins", () => {
  assertEquals(config(["--port", "5000", "--port", "5001"]).port, 5001);
  assertEquals(config(["--no-persist", "--persist"]).persist, true);
  assertEquals(config(["--persist", "--no-persist"]).persist, false);
  assertEquals(config(["--fsync", "no", "--appendfsync", "everysec"]).fsync, "everysec");
  // Even a value replaced later must be valid.
  assertUsageError(["--port", "x", "--port", "5000"], "--port", "x");
});

Deno.test("parseConfig accepts Redis's names for the settings Redis has", () => {
  const redisNamed = config([
    "--bind",
    "0.0.0.0",
    "--appendfsync",
    "no",
    "--proto-max-bulk-len",
    "1024",
    "--auto-aof-rewrite-min-size",
    "100",
  ]);
  assertEquals(redisNamed.host, "0.0.0.0");
  assertEquals(redisNamed.fsync, "no");
  assertEquals(redisNamed.maxBulkBytes, 1024);
  assertEquals(redisNamed.compactMinBytes, 100);
});

Deno.test("parseConfig returns version for --version and -v, and refuses a flag with no value", () => {
  assertEquals(parseConfig(["--version"]), "version");
  assertEquals(parseConfig(["-v"]), "version");
  assertThrows(() => parseConfig(["--port"]), UsageError, "missing value for --port");
  assertThrows(() => parseConfig(["--config"]), UsageError, "missing value for --config");
});

Deno.test("walkv --version prints walkv's and Redis's versions without any permission", async () => {
  const result = await runWalkv(["--version"], []);
  assertEquals(result.code, 0, result.stderr);
  assertEquals(
    result.stdout,
    "walkv 0.12.0 (compatible with Redis 7.0.15, protocol RESP2/RESP3)\n",
  );
  assertEquals(result.stderr, "");
});

Deno.test("walkv --help names both spellings: deno task start -- … and the walkv binary", () => {
  assertStringIncludes(USAGE, "deno task start -- [flags]");
  assertStringIncludes(USAGE, "walkv [flags]");
  assertStringIncludes(USAGE, "--config FILE");
  assertStringIncludes(USAGE, "--version");
});

for (const value of ["0", "maybe"]) {
  Deno.test(`walkv --persist=${value} exits 2 quoting the value and opens nothing`, async () => {
    await using dir = await tempDir();
    const result = await runWalkv(
      ["--wal", `${dir.path}/wal`, `--persist=${value}`],
      serverPermissions(dir.path),
    );
    assertEquals(result.code, 2, result.stderr);
    assertStringIncludes(result.stderr, `--persist: ${JSON.stringify(value)}`);
    assertEquals(await listDir(dir.path), []);
  });
}
Deno.test("parseConfig reads --store map or arena and refuses anything else, quoting it", () => {
  assertEquals(config(["--store", "arena"]).store, "arena");
  assertEquals(config(["-store", "map"]).store, "map");
  assertUsageError(["--store", "tree"], "--store", "tree");
});
