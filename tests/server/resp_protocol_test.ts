/**
 * RESP2 on a real walkv, byte for byte: pipelining, requests split across
 * writes, binary-safe keys and values (through a WAL replay too), the text
 * protocol and RESP sharing one keyspace, inline commands, case-insensitive
 * names, TTLs across a restart, `--max-bulk`, and QUIT.
 */
import { assert, assertEquals } from "@std/assert";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { bulkReply as bulk, concat, frame } from "../helpers/resp_frames.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Sends `input` in one write and reads exactly `expected`'s bytes back (as
 * many newlines as it holds), comparing as text first for a readable diff.
 */
async function roundTrip(
  connection: RawConnection,
  input: Uint8Array,
  expected: Uint8Array,
): Promise<void> {
  await connection.send(input);
  const newlines = expected.filter((byte) => byte === 0x0a).length;
  const received = await connection.readReplies(newlines);
  assertEquals(decoder.decode(received), decoder.decode(expected));
  assertEquals(received, expected);
  assertEquals(connection.pending.length, 0, "more bytes than expected");
}

/** Every byte value 0–255, in order. */
const ALL_BYTES = Uint8Array.from({ length: 256 }, (_, i) => i);
/** Keys and values a text-based server would mangle. */
const BINARY_PAIRS: [key: Uint8Array, value: Uint8Array][] = [
  [encoder.encode("all-bytes"), ALL_BYTES],
  [ALL_BYTES, encoder.encode("key is every byte")],
  [new Uint8Array([0x00]), new Uint8Array([0x00, 0x00])],
  [encoder.encode("crlf\r\n"), encoder.encode("\r\n*1\r\n$4\r\nPING\r\n")],
  [encoder.encode("lone-cr\r"), encoder.encode("\r")],
  [encoder.encode("lf"), encoder.encode("\n\n")],
  [new Uint8Array([0xff, 0xfe, 0xc3]), new Uint8Array([0xc3, 0x28, 0xa0, 0xa1, 0xe2, 0x28])],
  [encoder.encode("utf-8 é 🔑"), encoder.encode("välue ✓")],
  [encoder.encode("empty value"), new Uint8Array(0)],
  [new Uint8Array(0), encoder.encode("empty key")],
  [encoder.encode("spaces in key"), encoder.encode("  spaces  ")],
];

Deno.test("resp protocol answers pipelined requests in one write, in order", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  const requests: Uint8Array[] = [];
  const replies: Uint8Array[] = [];
  for (let i = 0; i < 300; i++) {
    requests.push(frame("SET", `k${i}`, `v${i}`), frame("GET", `k${i}`), frame("INCR", "n"));
    replies.push(encoder.encode("+OK\r\n"), bulk(`v${i}`), encoder.encode(`:${i + 1}\r\n`));
  }
  requests.push(frame("GET", "missing"), frame("MGET", "k0", "missing", "k1"), frame("NOPE"));
  replies.push(
    bulk(null),
    concat("*3\r\n", bulk("v0"), bulk(null), bulk("v1")),
    encoder.encode("-ERR unknown command 'NOPE', with args beginning with: \r\n"),
  );
  // An error reply keeps the connection open.
  requests.push(frame("PING"));
  replies.push(encoder.encode("+PONG\r\n"));
  await roundTrip(connection, concat(...requests), concat(...replies));
});

Deno.test("resp protocol answers a request split across many writes", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  const input = concat(frame("SET", "split", "a\r\nb"), frame("GET", "split"));
  // One byte per write, with pauses so the server reads them apart.
  for (let i = 0; i < input.length; i++) {
    await connection.send(input.subarray(i, i + 1));
    if (i % 4 === 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const expected = concat("+OK\r\n", bulk("a\r\nb"));
  const received = await connection.readReplies(expected.filter((b) => b === 0x0a).length);
  assertEquals(received, expected);
  // A large value split into uneven pieces.
  const value = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 7) & 0xff);
  const big = concat(frame("SET", "big", value), frame("STRLEN", "big"));
  for (let at = 0, size = 1; at < big.length; at += size, size = size * 3 + 1) {
    await connection.send(big.subarray(at, at + size));
  }
  assertEquals(decoder.decode(await connection.readReplies(2)), "+OK\r\n:300000\r\n");
  await roundTrip(connection, frame("GET", "big"), bulk(value));
});

Deno.test("resp protocol keeps binary keys and values byte for byte, through a WAL replay", async () => {
  await using dir = await tempDir();
  const sets = concat(...BINARY_PAIRS.map(([key, value]) => frame("SET", key, value)));
  const gets = concat(...BINARY_PAIRS.map(([key]) => frame("GET", key)));
  const values = concat(...BINARY_PAIRS.map(([, value]) => bulk(value)));
  {
    await using server = await startServer({ walDir: dir.path });
    using connection = await RawConnection.connect(server.port);
    await roundTrip(connection, sets, concat(...BINARY_PAIRS.map(() => "+OK\r\n")));
    await roundTrip(connection, gets, values);
    await roundTrip(connection, frame("STRLEN", "all-bytes"), encoder.encode(":256\r\n"));
    await roundTrip(connection, frame("EXISTS", ALL_BYTES), encoder.encode(":1\r\n"));
    // The key of every byte value comes back exactly from KEYS too.
    await roundTrip(connection, frame("KEYS", "\x00"), concat("*1\r\n", bulk("\x00")));
    connection.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
  }
  for (const stop of ["SIGTERM", "SIGKILL"] as const) {
    await using server = await startServer({ walDir: dir.path });
    using connection = await RawConnection.connect(server.port);
    await roundTrip(connection, gets, values);
    await roundTrip(connection, frame("DBSIZE"), encoder.encode(`:${BINARY_PAIRS.length}\r\n`));
    connection.close();
    await server.stop(stop);
  }
});

Deno.test("resp protocol and the text protocol share keys as UTF-8 bytes", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  {
    using text = await RawConnection.connect(server.port);
    assertEquals(await request(text, "SET clé héllo"), "+OK");
  }
  using resp = await RawConnection.connect(server.port);
  await roundTrip(
    resp,
    frame("GET", "clé"),
    concat("$6\r\n", new Uint8Array([0x68, 0xc3, 0xa9, 0x6c, 0x6c, 0x6f]), "\r\n"),
  );
  await roundTrip(resp, frame("SET", "from-resp", "wörld ✓"), encoder.encode("+OK\r\n"));
  using text = await RawConnection.connect(server.port);
  assertEquals(await request(text, "GET from-resp"), "+OK wörld ✓");
  assertEquals(await request(text, "DEL clé"), "+OK");
  await roundTrip(resp, frame("EXISTS", "clé"), encoder.encode(":0\r\n"));
});

Deno.test("resp protocol command names are case-insensitive", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  await roundTrip(
    connection,
    concat(
      frame("pInG"),
      frame("set", "k", "v"),
      frame("GeT", "k"),
      frame("ECHO", "x"),
      frame("echo", "y"),
    ),
    concat("+PONG\r\n+OK\r\n", bulk("v"), bulk("x"), bulk("y")),
  );
  // Arity errors name the command in lower case, whatever was sent.
  await roundTrip(
    connection,
    frame("GeT"),
    encoder.encode("-ERR wrong number of arguments for 'get' command\r\n"),
  );
});

Deno.test("resp protocol runs inline commands once a connection speaks RESP", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  await roundTrip(
    connection,
    concat(
      frame("PING"),
      "PING\r\n",
      "SET inline  value\r\n",
      "GET inline\n",
      "\r\n",
      "  \r\n",
      "ECHO two\r\n",
    ),
    concat("+PONG\r\n+PONG\r\n+OK\r\n", bulk("value"), bulk("two")),
  );
  // Inline and RESP requests mixed in one write, answered in order.
  await roundTrip(
    connection,
    concat("INCR n\r\n", frame("INCR", "n"), "INCR n\r\n"),
    encoder.encode(":1\r\n:2\r\n:3\r\n"),
  );
});

Deno.test("resp protocol expires PX keys and does not bring them back after a restart", async () => {
  await using dir = await tempDir();
  {
    await using server = await startServer({ walDir: dir.path });
    using connection = await RawConnection.connect(server.port);
    await roundTrip(
      connection,
      concat(
        frame("SET", "brief", "v", "PX", "100"),
        frame("SET", "doomed", "v", "PX", "400"),
        frame("SET", "lasting", "v", "EX", "1000"),
        frame("SET", "forever", "v"),
      ),
      encoder.encode("+OK\r\n+OK\r\n+OK\r\n+OK\r\n"),
    );
    await new Promise((resolve) => setTimeout(resolve, 250));
    await roundTrip(
      connection,
      concat(frame("GET", "brief"), frame("TTL", "brief"), frame("EXISTS", "doomed")),
      concat(bulk(null), ":-2\r\n:1\r\n"),
    );
    connection.close();
    // SIGKILL: no chance to tidy the WAL before the restart.
    await server.kill();
  }
  // By now `doomed` is past its time, though the WAL still holds its SET.
  await new Promise((resolve) => setTimeout(resolve, 300));
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  await roundTrip(
    connection,
    concat(
      frame("GET", "brief"),
      frame("GET", "doomed"),
      frame("EXISTS", "lasting", "forever"),
      frame("TTL", "forever"),
      frame("DBSIZE"),
    ),
    concat(bulk(null), bulk(null), ":2\r\n:-1\r\n:2\r\n"),
  );
  await connection.send(frame("TTL", "lasting"));
  const ttl = Number(decoder.decode(await connection.readReplies(1)).slice(1, -2));
  assert(ttl > 990 && ttl <= 1000, `TTL after the restart was ${ttl}`);
});

Deno.test("resp protocol refuses a bulk longer than --max-bulk and closes", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--max-bulk", "10"] });
  {
    using connection = await RawConnection.connect(server.port);
    await roundTrip(
      connection,
      frame("SET", "ten", "0123456789"),
      encoder.encode("+OK\r\n"),
    );
    await connection.send("*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$11\r\n");
    assertEquals(
      decoder.decode(await connection.readToEnd()),
      "-ERR Protocol error: invalid bulk length\r\n",
    );
  }
  using connection = await RawConnection.connect(server.port);
  await roundTrip(connection, frame("GET", "big"), bulk(null));
  await roundTrip(connection, frame("GET", "ten"), bulk("0123456789"));
});

Deno.test("resp protocol leaves text-protocol connections alone", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path, args: ["--max-bulk", "10"] });
  using text = await RawConnection.connect(server.port);
  // No `*` first: the seed's protocol, its replies and limits, even for RESP-looking words.
  assertEquals(await request(text, "SET star *1"), "+OK");
  assertEquals(await request(text, "GET star"), "+OK *1");
  assertEquals(await request(text, "SET long 0123456789abcdef"), "+OK");
  assertEquals(await request(text, "GET long"), "+OK 0123456789abcdef");
  assertEquals(await request(text, "PING"), "-INVALID COMMAND");
  assertEquals(await request(text, "*1"), "-INVALID COMMAND");
  assertEquals(await request(text, "GET missing"), "-GET could not find missing in store");
});

Deno.test("resp protocol starts when the first line is a Redis inline command the seed lacks", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  // redis-benchmark's PING_INLINE and health checks open with a bare PING.
  using ping = await RawConnection.connect(server.port);
  await roundTrip(ping, concat("PING\r\n"), concat("+PONG\r\n"));
  await roundTrip(ping, frame("ECHO", "hi"), concat("$2\r\nhi\r\n"));
  // Any case of the seed's own commands, and unknown words, stay text, as in the seed.
  for (const opening of ["get k", "set k", "Del k", "FOO"]) {
    using text = await RawConnection.connect(server.port);
    assertEquals(await request(text, opening), "-INVALID COMMAND", opening);
  }
});

Deno.test("resp protocol QUIT answers +OK and closes, ignoring what follows", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  await connection.send(
    concat(frame("SET", "before", "1"), frame("QUIT"), frame("SET", "after", "1")),
  );
  assertEquals(decoder.decode(await connection.readToEnd()), "+OK\r\n+OK\r\n");
  using again = await RawConnection.connect(server.port);
  await roundTrip(again, frame("EXISTS", "before", "after"), encoder.encode(":1\r\n"));
});
