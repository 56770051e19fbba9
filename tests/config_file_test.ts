import { assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import { parseConfigFile, quoteConfigValue, splitConfigLine } from "../src/config_file.ts";
import { type Config, DEFAULT_CONFIG, parseConfig, UsageError } from "../src/config.ts";
import { runWalkv, serverPermissions } from "./helpers/server_process.ts";
import { listDir, tempDir } from "./helpers/temp_dir.ts";

/** The config for `args` with `files` as the file system `--config` reads. */
function withFiles(args: string[], files: Record<string, string>): Config {
  const result = parseConfig(args, {
    readFile: (path) => {
      if (!Object.hasOwn(files, path)) throw new Deno.errors.NotFound(path);
      return files[path];
    },
  });
  if (typeof result === "string") throw new Error(`parsed as ${result}`);
  return result;
}

Deno.test("splitConfigLine splits words and reads Redis's double and single quotes", () => {
  assertEquals(splitConfigLine("port 5000"), ["port", "5000"]);
  assertEquals(splitConfigLine("  \tport\t 5000  "), ["port", "5000"]);
  assertEquals(splitConfigLine(""), []);
  assertEquals(splitConfigLine("   # a comment"), []);
  assertEquals(splitConfigLine(`requirepass "a b"`), ["requirepass", "a b"]);
  assertEquals(splitConfigLine(`requirepass "q\\"\\\\\\n\\x41\\z"`), ["requirepass", 'q"\\\nAz']);
  assertEquals(splitConfigLine(`requirepass 'it\\'s \\n'`), ["requirepass", "it's \\n"]);
  assertEquals(splitConfigLine(`requirepass ""`), ["requirepass", ""]);
  assertEquals(splitConfigLine(`requirepass a#b`), ["requirepass", "a#b"]);
  assertEquals(splitConfigLine(`requirepass "open`), null);
  assertEquals(splitConfigLine(`requirepass "a"b`), null);
  assertEquals(splitConfigLine(`requirepass 'a'b`), null);
});

Deno.test("quoteConfigValue writes what splitConfigLine reads back", () => {
  for (
    const value of ["always", "", "a b", 'q"uote', "back\\slash", "new\nline", "\x01\x7f", "#x"]
  ) {
    assertEquals(splitConfigLine(`requirepass ${quoteConfigValue(value)}`), ["requirepass", value]);
  }
  assertEquals(quoteConfigValue("/tmp/wal"), "/tmp/wal");
});

Deno.test("parseConfigFile skips comments and blank lines and numbers the lines", () => {
  assertEquals(parseConfigFile("# walkv\n\nPort 5000\r\n  appendfsync no # not a comment\n", "f"), [
    { name: "port", args: ["5000"], line: 3 },
    { name: "appendfsync", args: ["no", "#", "not", "a", "comment"], line: 4 },
  ]);
  assertThrows(() => parseConfigFile('port 1\nrequirepass "x', "f.conf"), SyntaxError, "f.conf:2:");
});

Deno.test("parseConfig --config reads walkv's and Redis's names; flags override the file", () => {
  const file = [
    "# a walkv config",
    "port 5000",
    "bind 0.0.0.0",
    "wal /tmp/walkv/wal",
    "appendonly yes",
    "appendfsync everysec",
    'requirepass "two words"',
    "maxclients 20",
    "timeout 30",
    "protected-mode no",
    "databases 4",
    "shards 2",
    "compact-ratio 1.5",
    "proto-max-bulk-len 4096",
    "",
  ].join("\n");
  const config = withFiles(["--config", "w.conf", "--port", "6000"], { "w.conf": file });
  assertEquals(config, {
    ...DEFAULT_CONFIG,
    port: 6000,
    host: "0.0.0.0",
    wal: "/tmp/walkv/wal",
    fsync: "everysec",
    requirePass: "two words",
    maxClients: 20,
    timeoutSeconds: 30,
    protectedMode: false,
    databases: 4,
    shards: 2,
    compactRatio: 1.5,
    maxBulkBytes: 4096,
    configFile: "w.conf",
  });
  // Flags override the file wherever --config stands among them.
  assertEquals(withFiles(["--port", "6001", "--config=w.conf"], { "w.conf": file }).port, 6001);
  // A directive repeated in the file: the last one wins, as in Redis.
  assertEquals(withFiles(["--config", "r.conf"], { "r.conf": "port 1\nport 2\n" }).port, 2);
});

Deno.test("parseConfig --config errors name the file and the line and quote the value", () => {
  const cases: [string, string][] = [
    ["port 1\nport x\n", 'w.conf:2: port: "x"'],
    ["port 1\n\nnope 3\n", 'w.conf:3: unknown directive "nope"'],
    ["bind 127.0.0.1 ::1\n", "w.conf:1: bind takes exactly one value, found 2"],
    ["requirepass\n", "w.conf:1: requirepass takes exactly one value, found 0"],
    ["appendonly maybe\n", 'w.conf:1: appendonly: "maybe"'],
    ['requirepass "x\n', "w.conf:1: unbalanced quotes"],
    ["config other.conf\n", 'w.conf:1: unknown directive "config"'],
  ];
  for (const [text, message] of cases) {
    assertThrows(() => withFiles(["--config", "w.conf"], { "w.conf": text }), UsageError, message);
  }
  assertThrows(
    () => withFiles(["--config", "missing.conf"], {}),
    UsageError,
    'cannot read the config file "missing.conf": no such file',
  );
});

Deno.test("walkv --config with a bad line exits 2 naming file and line, opening nothing", async () => {
  await using dir = await tempDir();
  const path = `${dir.path}/walkv.conf`;
  await Deno.writeTextFile(path, `# test\nwal ${dir.path}/wal\nappendfsync sometimes\n`);
  const result = await runWalkv(["--config", path], serverPermissions(dir.path));
  assertEquals(result.code, 2, result.stderr);
  assertStringIncludes(result.stderr, `${path}:3: appendfsync: "sometimes"`);
  assertEquals(await listDir(dir.path), ["walkv.conf"]);
});

Deno.test("walkv --config outside the granted folders exits 2 explaining the grant, no prompt", async () => {
  await using dir = await tempDir();
  await using other = await tempDir();
  const path = `${other.path}/walkv.conf`;
  await Deno.writeTextFile(path, "port 5000\n");
  const result = await runWalkv(
    ["--config", path, "--wal", `${dir.path}/wal`],
    ["--no-prompt", ...serverPermissions(dir.path)],
  );
  assertEquals(result.code, 2, result.stderr);
  assertStringIncludes(result.stderr, `Deno denied reading the config file "${path}"`);
  assertStringIncludes(result.stderr, `--allow-read=${path}`);
});
