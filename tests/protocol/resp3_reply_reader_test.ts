/**
 * The test helper `readRespReply` reads every RESP3 reply type whole and
 * returns its exact text, and still reads RESP2 as before. The RESP3
 * comparisons with redis-server (`tests/server/resp3_diff_test.ts`) rest on
 * it: a reader that stopped early or read into the next reply would make
 * two different servers look alike, or two alike look different. So here a
 * loopback server writes canned bytes (all at once, and one byte per write)
 * and each reply must come back exactly, with nothing of the next one taken.
 */
import { assertEquals, assertRejects } from "@std/assert";
import { RawConnection } from "../helpers/server_process.ts";
import { readRespReply } from "../helpers/resp_reply.ts";

const encoder = new TextEncoder();

/**
 * A loopback server that writes `chunks` to the one client it accepts
 * (pausing `pauseMs` after each), then waits for the client to leave.
 */
interface CannedServer extends AsyncDisposable {
  port: number;
}

function serveCanned(chunks: string[], pauseMs = 0): CannedServer {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const served = (async () => {
    const conn = await listener.accept();
    conn.setNoDelay(true);
    try {
      for (const chunk of chunks) {
        let bytes = encoder.encode(chunk);
        while (bytes.length > 0) bytes = bytes.subarray(await conn.write(bytes));
        if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
      }
      // Wait for the client to close, so the test decides when the socket ends.
      await conn.read(new Uint8Array(1)).catch(() => null);
    } finally {
      conn.close();
    }
  })();
  return {
    port: (listener.addr as Deno.NetAddr).port,
    async [Symbol.asyncDispose]() {
      listener.close();
      await served;
    },
  };
}

/** One reply of each RESP3 type, simple and nested, each as the exact text a server sends. */
const RESP3_REPLIES = [
  "_\r\n",
  "#t\r\n",
  "#f\r\n",
  ",3.14\r\n",
  ",-1.5e-07\r\n",
  ",inf\r\n",
  ",-inf\r\n",
  ",nan\r\n",
  ",10\r\n",
  "(3492890328409238509324850943850943825024385\r\n",
  "(-12\r\n",
  "!21\r\nSYNTAX invalid syntax\r\n",
  // A blob error and a verbatim string may hold CR, LF and "\r\n" inside.
  "!9\r\nERR a\r\nb\n\r\n",
  "=15\r\ntxt:Some string\r\n",
  "=11\r\ntxt:a\r\n:1\r\n\r\n",
  "=4\r\ntxt:\r\n",
  "%0\r\n",
  "%2\r\n+first\r\n:1\r\n$6\r\nsecond\r\n_\r\n",
  // A map whose values are aggregates of their own.
  "%2\r\n$4\r\nlist\r\n*2\r\n:1\r\n#f\r\n$3\r\nmap\r\n%1\r\n~1\r\n,2.5\r\n*0\r\n",
  "~0\r\n",
  "~3\r\n+a\r\n:2\r\n=6\r\ntxt:\r\n\r\n",
  // An attribute annotates the reply after it: both are one read.
  "|1\r\n+key-popularity\r\n%2\r\n$1\r\na\r\n,0.1923\r\n$1\r\nb\r\n,0.0012\r\n*2\r\n:2039123\r\n:9543892\r\n",
  // An attribute inside an array annotates that element only.
  "*2\r\n|1\r\n+ttl\r\n:3600\r\n$1\r\nv\r\n:7\r\n",
  ">3\r\n$7\r\nmessage\r\n$7\r\nchannel\r\n%1\r\n+k\r\n_\r\n",
  ">0\r\n",
];

/** RESP2 replies, read as before the reader learned RESP3. */
const RESP2_REPLIES = [
  "+OK\r\n",
  "-ERR unknown command 'x', with args beginning with: \r\n",
  ":0\r\n",
  ":-42\r\n",
  "$-1\r\n",
  "$0\r\n\r\n",
  "$4\r\na\r\nb\r\n",
  "$5\r\n\n\n\n\n\n\r\n",
  "*-1\r\n",
  "*0\r\n",
  "*3\r\n$1\r\na\r\n$-1\r\n*2\r\n:1\r\n+x\r\n",
];

async function readAll(port: number, expected: string[]): Promise<void> {
  using connection = await RawConnection.connect(port);
  for (const reply of expected) assertEquals(await readRespReply(connection, 5_000), reply);
  assertEquals(connection.pending.length, 0, "bytes of a further reply were read");
}

Deno.test("resp reply reader reads each RESP3 type whole, leaving the next reply unread", async () => {
  await using server = serveCanned([RESP3_REPLIES.join("")]);
  await readAll(server.port, RESP3_REPLIES);
});

Deno.test("resp reply reader reads RESP3 replies that arrive one byte per write", async () => {
  const all = RESP3_REPLIES.join("");
  // A pause after each byte, so the reader sees the replies cut at every byte.
  await using server = serveCanned([...all], 1);
  await readAll(server.port, RESP3_REPLIES);
});

Deno.test("resp reply reader waits for the rest of a reply split inside a blob and a map", async () => {
  const chunks = ["%2\r\n+a\r\n=1", "0\r\ntxt:ab\r\ncd\r", "\n+b\r\n", "!3\r\nE\r\n", "\r\n"];
  await using server = serveCanned(chunks, 20);
  await readAll(server.port, ["%2\r\n+a\r\n=10\r\ntxt:ab\r\ncd\r\n+b\r\n!3\r\nE\r\n\r\n"]);
});

Deno.test("resp reply reader still reads RESP2 replies exactly", async () => {
  await using server = serveCanned([RESP2_REPLIES.join("")]);
  await readAll(server.port, RESP2_REPLIES);
});

Deno.test("resp reply reader rejects bytes that are not a RESP reply", async () => {
  const malformed = [
    "_x\r\n", // a null has no payload
    "#1\r\n", // a boolean is t or f
    ",abc\r\n", // not a double
    "(1.5\r\n", // a big number is an integer
    "%x\r\n", // not a count
    "~-1\r\n", // only RESP2's array and bulk may be -1
    "!-1\r\n",
    "=3\r\nabcd\r\n", // the body is longer than declared
    "?3\r\n", // no such type
  ];
  for (const bytes of malformed) {
    await using server = serveCanned([bytes]);
    using connection = await RawConnection.connect(server.port);
    await assertRejects(() => readRespReply(connection, 2_000), SyntaxError, undefined, bytes);
  }
});
