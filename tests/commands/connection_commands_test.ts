/**
 * The RESP connection commands (PING, ECHO, QUIT, SELECT, HELLO, CLIENT)
 * through the real dispatcher, comparing the exact RESP bytes Redis 7.0
 * gives.
 */
import { assert, assertEquals, assertMatch } from "@std/assert";
import { respHarness } from "../helpers/resp_harness.ts";

function setup() {
  const { wal, context, run } = respHarness({ clientId: 7, port: 6400 });
  return { wal, client: context.client, run };
}

const HELLO_REPLY = "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n" +
  "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:7\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n" +
  "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

Deno.test("PING answers PONG or its message", () => {
  const { run } = setup();
  assertEquals(run("PING"), "+PONG\r\n");
  assertEquals(run("ping", "hi"), "$2\r\nhi\r\n");
});

Deno.test("ECHO returns its argument byte for byte", () => {
  const { run } = setup();
  assertEquals(run("ECHO", "hello"), "$5\r\nhello\r\n");
  assertEquals(run("echo", "a\x00\r\n\xff"), "$5\r\na\x00\r\n\xff\r\n");
  assertEquals(run("ECHO", ""), "$0\r\n\r\n");
  assertEquals(run("ECHO"), "-ERR wrong number of arguments for 'echo' command\r\n");
  assertEquals(run("ECHO", "a", "b"), "-ERR wrong number of arguments for 'echo' command\r\n");
});

Deno.test("QUIT answers OK and marks the client closing", () => {
  const { run, client } = setup();
  assertEquals(client.closing, false);
  assertEquals(run("QUIT"), "+OK\r\n");
  assertEquals(client.closing, true);
});

Deno.test("SELECT picks one of the 16 databases", () => {
  const { run, client } = setup();
  assertEquals(run("SELECT", "0"), "+OK\r\n");
  assertEquals(run("SELECT", "15"), "+OK\r\n");
  assertEquals(client.db, 15);
  assertEquals(run("SELECT", "16"), "-ERR DB index is out of range\r\n");
  assertEquals(client.db, 15, "a refused SELECT leaves the database as it was");
  assertEquals(run("SELECT", "-1"), "-ERR DB index is out of range\r\n");
  assertEquals(run("SELECT", "x"), "-ERR value is not an integer or out of range\r\n");
  assertEquals(run("SELECT", "00"), "-ERR value is not an integer or out of range\r\n");
  assertEquals(run("SELECT"), "-ERR wrong number of arguments for 'select' command\r\n");
});

Deno.test("HELLO answers the RESP2 handshake map", () => {
  const { run } = setup();
  assertEquals(run("HELLO"), HELLO_REPLY);
  assertEquals(run("hello", "2"), HELLO_REPLY);
  assertEquals(run("HELLO", "2", "auth", "default", "any-password"), HELLO_REPLY);
});

Deno.test("HELLO refuses protocol versions other than 2 and 3 with NOPROTO", () => {
  const { run } = setup();
  assertEquals(run("HELLO", "4"), "-NOPROTO unsupported protocol version\r\n");
  assertEquals(run("HELLO", "1"), "-NOPROTO unsupported protocol version\r\n");
  assertEquals(run("HELLO", "4", "SETNAME", "x"), "-NOPROTO unsupported protocol version\r\n");
  assertEquals(
    run("HELLO", "two"),
    "-ERR Protocol version is not an integer or out of range\r\n",
  );
});

Deno.test("HELLO SETNAME names the connection", () => {
  const { run, client } = setup();
  assertEquals(run("HELLO", "2", "SETNAME", "app-1"), HELLO_REPLY);
  assertEquals(client.name, "app-1");
  assertEquals(run("CLIENT", "GETNAME"), "$5\r\napp-1\r\n");
  assertEquals(
    run("HELLO", "2", "SETNAME", "a b"),
    "-ERR Client names cannot contain spaces, newlines or special characters.\r\n",
  );
  assertEquals(client.name, "app-1");
});

Deno.test("HELLO rejects bad options and unknown users as Redis does", () => {
  const { run, client } = setup();
  assertEquals(run("HELLO", "2", "foo"), "-ERR Syntax error in HELLO option 'foo'\r\n");
  assertEquals(run("HELLO", "2", "setname"), "-ERR Syntax error in HELLO option 'setname'\r\n");
  assertEquals(run("HELLO", "2", "AUTH", "u"), "-ERR Syntax error in HELLO option 'AUTH'\r\n");
  assertEquals(
    run("HELLO", "2", "AUTH", "bob", "secret", "SETNAME", "x"),
    "-WRONGPASS invalid username-password pair or user is disabled.\r\n",
  );
  assertEquals(client.name, "", "a failed HELLO must not rename the connection");
});

Deno.test("CLIENT ID, SETNAME and GETNAME", () => {
  const { run, client } = setup();
  assertEquals(run("CLIENT", "ID"), ":7\r\n");
  assertEquals(run("CLIENT", "GETNAME"), "$-1\r\n");
  assertEquals(run("client", "setname", "worker-1"), "+OK\r\n");
  assertEquals(client.name, "worker-1");
  assertEquals(run("CLIENT", "GETNAME"), "$8\r\nworker-1\r\n");
  assertEquals(run("CLIENT", "SETNAME", ""), "+OK\r\n");
  assertEquals(run("CLIENT", "GETNAME"), "$-1\r\n");
});

Deno.test("CLIENT SETNAME refuses spaces, newlines and special characters", () => {
  const { run, client } = setup();
  const error = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";
  for (const name of ["a b", "a\nb", "a\x00", "caf\xc3\xa9", "tab\t"]) {
    assertEquals(run("CLIENT", "SETNAME", name), error, JSON.stringify(name));
  }
  assertEquals(client.name, "");
});

Deno.test("CLIENT SETINFO is unknown, as in Redis 7.0.15 (it came in 7.2)", () => {
  const { run } = setup();
  assertEquals(
    run("CLIENT", "SETINFO", "LIB-NAME", "redis-py"),
    "-ERR unknown subcommand 'SETINFO'. Try CLIENT HELP.\r\n",
  );
});

Deno.test("CLIENT INFO describes the connection on one line", () => {
  const { run } = setup();
  run("CLIENT", "SETNAME", "me");
  const reply = run("CLIENT", "INFO");
  assertMatch(
    reply,
    /^\$\d+\r\nid=7 addr=127\.0\.0\.1:50000 laddr=127\.0\.0\.1:6400 fd=-1 name=me age=\d+ .*\n\r\n$/,
  );
  const header = reply.indexOf("\r\n");
  assertEquals(Number(reply.slice(1, header)), reply.length - header - 4, "bulk length");
});

Deno.test("CLIENT errors name the subcommand as Redis does", () => {
  const { run } = setup();
  assertEquals(run("CLIENT", "foo"), "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n");
  assertEquals(run("CLIENT"), "-ERR wrong number of arguments for 'client' command\r\n");
  assertEquals(
    run("CLIENT", "SETNAME"),
    "-ERR wrong number of arguments for 'client|setname' command\r\n",
  );
  assertEquals(
    run("CLIENT", "ID", "x"),
    "-ERR wrong number of arguments for 'client|id' command\r\n",
  );
  assertEquals(
    run("CLIENT", "x\r\ny"),
    "-ERR unknown subcommand 'x  y'. Try CLIENT HELP.\r\n",
    "CR and LF in an echoed name cannot break the framing",
  );
});

Deno.test("CLIENT HELP lists the subcommands as simple strings", () => {
  const { run } = setup();
  const reply = run("CLIENT", "HELP");
  assertMatch(reply, /^\*\d+\r\n\+CLIENT <subcommand> /);
  for (const name of ["GETNAME", "ID", "INFO", "KILL", "LIST", "PAUSE", "SETNAME", "HELP"]) {
    assert(reply.includes(`\r\n+${name}`), name);
  }
  const count = Number(reply.slice(1, reply.indexOf("\r")));
  assertEquals(reply.split("\r\n+").length - 1, count);
});
