/**
 * The first line of a connection (`src/server/choose_protocol.ts`) on a real
 * walkv: `*` is RESP; an inline command that changes nothing (Redis's
 * `readonly` commands, PING, ECHO, HELLO, INFO, COMMAND, TIME) is RESP; the
 * text protocol's own words, every other command (FLUSHALL, any write,
 * CONFIG, CLIENT…) and unknown words are the seed's text protocol, which
 * answers `-INVALID COMMAND` and leaves the store untouched.
 */
import { assert, assertEquals } from "@std/assert";
import { CommandTable } from "../../src/commands/command_table.ts";
import { RESP_COMMANDS, TEXT_COMMANDS } from "../../src/commands/registry.ts";
import { chooseProtocol } from "../../src/server/choose_protocol.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The README's list of commands that open RESP though Redis does not flag them `readonly`. */
const OPENERS = ["PING", "ECHO", "HELLO", "INFO", "COMMAND", "TIME"];

const commands = {
  resp: new CommandTable(RESP_COMMANDS, new Map(), { caseSensitive: false }),
  text: new CommandTable(TEXT_COMMANDS, new Map(), { caseSensitive: true }),
};

function choose(text: string): string | null {
  return chooseProtocol(encoder.encode(text), commands);
}

/** Sets a few keys over RESP, to see later that nothing touched them. */
async function seed(port: number): Promise<void> {
  using connection = await RawConnection.connect(port);
  await connection.send(concat(
    frame("SET", "k", "v"),
    frame("SET", "other", "1"),
    frame("LPUSH", "list", "a"),
    frame("SELECT", "1"),
    frame("SET", "in1", "x"),
  ));
  assertEquals(await connection.readText(5), "+OK\r\n+OK\r\n:1\r\n+OK\r\n+OK\r\n");
}

/** Fails unless the keys {@linkcode seed} set are all there, unchanged, with no TTL. */
async function assertUntouched(port: number): Promise<void> {
  using connection = await RawConnection.connect(port);
  await connection.send(concat(
    frame("DBSIZE"),
    frame("GET", "k"),
    frame("GET", "other"),
    frame("LRANGE", "list", "0", "-1"),
    frame("TTL", "k"),
    frame("SELECT", "1"),
    frame("DBSIZE"),
  ));
  assertEquals(
    await connection.readText(11),
    ":3\r\n$1\r\nv\r\n$1\r\n1\r\n*1\r\n$1\r\na\r\n:-1\r\n+OK\r\n:1\r\n",
  );
}

Deno.test("choose protocol classifies every registered command by what it may change", () => {
  for (const spec of RESP_COMMANDS) {
    const expected = commands.text.get(spec.name) !== undefined
      ? "text"
      : spec.flags.includes("readonly") || OPENERS.includes(spec.name)
      ? "resp"
      : "text";
    assertEquals(choose(`${spec.name}\r\n`), expected, spec.name);
    assertEquals(choose(`${spec.name.toLowerCase()} x\n`), expected, spec.name);
    if (spec.flags.includes("write")) assertEquals(expected, "text", spec.name);
  }
  for (const name of OPENERS) assert(commands.resp.get(name) !== undefined, name);
});

Deno.test("choose protocol waits for the first word and reads only that", () => {
  assertEquals(choose(""), null);
  assertEquals(choose("PIN"), null);
  assertEquals(choose("PING"), null);
  assertEquals(choose("   \t"), null);
  assertEquals(choose("FLUSHALL"), null);
  assertEquals(choose("PING "), "resp");
  assertEquals(choose("FLUSHALL "), "text");
  assertEquals(choose("x".repeat(32)), null);
  assertEquals(choose("x".repeat(33)), "text"); // longer than any command's name
  assertEquals(choose("*"), "resp");
  assertEquals(choose("*1\r\n$8\r\nFLUSHALL\r\n"), "resp");
  assertEquals(choose(" \t PING  \r\n"), "resp");
  assertEquals(choose("PING\rx\n"), "resp");
  assertEquals(choose("ping\n"), "resp");
  assertEquals(choose("PINGX\n"), "text");
  assertEquals(choose("\n"), "text");
  assertEquals(choose("  \r\n"), "text");
  assertEquals(choose(" *1\r\n"), "text");
  assertEquals(choose("get k\n"), "text"); // the seed's names, in any case
  assertEquals(choose("AUTH pw\n"), "text");
  assertEquals(choose("compact\n"), "text");
  assertEquals(choose("EXISTS k\nFLUSHALL\n"), "resp"); // only the first line counts
  assertEquals(choose("FLUSHALL\nPING\n"), "text");
});

Deno.test("choose protocol: commands that change things, first over a raw socket, get the seed's reply", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await seed(server.port);
  const invalid = "-INVALID COMMAND";
  const openings: [opening: string, seedReply: string][] = [
    ["FLUSHALL", invalid],
    ["FLUSHALL SYNC", invalid],
    ["flushdb", invalid],
    ["SET k changed EX 1", "-SET expected 2 arguments KEY and VALUE"],
    ["set k changed", invalid],
    ["Del k", invalid],
    ["DEL k other", "-DEL expected 1 argument KEY"],
    ["UNLINK k", invalid],
    ["EXPIRE k 0", invalid],
    ["RENAME k gone", invalid],
    ["MOVE k 2", invalid],
    ["SWAPDB 0 1", invalid],
    ["LPOP list", invalid],
    ["INCR other", invalid],
    ["CONFIG SET maxclients 1", invalid],
    ["CONFIG RESETSTAT", invalid],
    ["CLIENT SETNAME x", invalid],
    ["BGREWRITEAOF", invalid],
    ["PUBLISH ch hi", invalid],
    ["SUBSCRIBE ch", invalid],
    ["MULTI", invalid],
    ["SELECT 1", invalid],
    ["QUIT", invalid],
    ["RESET", invalid],
    ["BLPOP list 1", invalid],
    ["NOSUCHCOMMAND", invalid],
  ];
  for (const [opening, seedReply] of openings) {
    using connection = await RawConnection.connect(server.port);
    assertEquals(await request(connection, opening), seedReply, opening);
    // The connection stays text: the seed's replies from then on.
    assertEquals(await request(connection, "GET k"), "+OK v", opening);
    assertEquals(await request(connection, "PING"), "-INVALID COMMAND", opening);
  }
  // In pieces too: the first line is read whole before it decides.
  using pieces = await RawConnection.connect(server.port);
  await pieces.send("FLUSH");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pieces.send("ALL\n");
  assertEquals(await pieces.readText(1), "-INVALID COMMAND\n");
  await assertUntouched(server.port);
});

Deno.test("choose protocol: inline commands that change nothing open a RESP connection", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await seed(server.port);
  const cases: [opening: string, reply: string][] = [
    ["PING", "+PONG\r\n"],
    ["ping hello", "$5\r\nhello\r\n"],
    ["  PING  ", "+PONG\r\n"],
    ["ECHO hi", "$2\r\nhi\r\n"],
    ["EXISTS k other nope", ":2\r\n"],
    ["MGET k other", "*2\r\n$1\r\nv\r\n$1\r\n1\r\n"],
    ["TTL k", ":-1\r\n"],
    ["TYPE list", "+list\r\n"],
    ["DBSIZE", ":3\r\n"],
    ["LLEN list", ":1\r\n"],
    ["KEYS", "-ERR wrong number of arguments for 'keys' command\r\n"],
    ["COMMAND COUNT", `:${RESP_COMMANDS.length}\r\n`],
  ];
  for (const [opening, reply] of cases) {
    using connection = await RawConnection.connect(server.port);
    await connection.send(`${opening}\r\n`);
    assertEquals(await connection.readText(reply.split("\n").length - 1), reply, opening);
    // From then on a RESP connection: RESP replies, to arrays and inline commands.
    await connection.send(concat(frame("GET", "k"), encoder.encode("GET k\r\n")));
    assertEquals(await connection.readText(4), "$1\r\nv\r\n$1\r\nv\r\n", opening);
  }
  for (const opening of ["INFO", "INFO server", "HELLO", "TIME"]) {
    using connection = await RawConnection.connect(server.port);
    await connection.send(`${opening}\r\n`);
    const first = await connection.readText(1);
    assert(/^[$*%]\d+\r\n$/.test(first), `${opening}: ${JSON.stringify(first)}`);
  }
  using hello3 = await RawConnection.connect(server.port);
  await hello3.send("HELLO 3\r\n");
  assert((await hello3.readText(1)).startsWith("%"), "HELLO 3 answers a RESP3 map");
  // A first line in pieces still opens RESP once its newline comes.
  using pieces = await RawConnection.connect(server.port);
  await pieces.send("PI");
  await new Promise((resolve) => setTimeout(resolve, 50));
  await pieces.send("NG\r\n");
  assertEquals(await pieces.readText(1), "+PONG\r\n");
  // A first byte `*` is RESP whatever the command: FLUSHALL then flushes.
  await assertUntouched(server.port);
  using resp = await RawConnection.connect(server.port);
  await resp.send(concat(frame("FLUSHALL"), frame("DBSIZE")));
  assertEquals(decoder.decode(await resp.readReplies(2)), "+OK\r\n:0\r\n");
});

Deno.test("choose protocol: every command first over a raw socket is RESP exactly when it changes nothing", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await seed(server.port);
  for (const spec of RESP_COMMANDS) {
    using connection = await RawConnection.connect(server.port);
    await connection.send(`${spec.name}\r\n`);
    const first = await connection.readText(1);
    // Every RESP reply line ends in CRLF; the seed's replies in a bare LF.
    const spoken = first.endsWith("\r\n") ? "resp" : "text";
    const expected = choose(`${spec.name}\r\n`);
    assertEquals(spoken, expected, `${spec.name}: ${JSON.stringify(first)}`);
    if (spoken === "text" && commands.text.get(spec.name) === undefined) {
      assertEquals(first, "-INVALID COMMAND\n", spec.name);
    }
  }
  await assertUntouched(server.port);
});
