/**
 * Commands that write values near V8's longest string (536,870,888
 * characters; issue 9, item 4). A command is shown only once its WAL record
 * is durable; a command whose record cannot be built gets an error and
 * changes nothing. So an MSET of two 270 MiB values (each under
 * `--max-bulk`, together past V8's limit) is either acknowledged and durable
 * across SIGKILL, or refused and never seen by anyone; an APPEND past the
 * limit is refused; a SET of exactly the limit is durable; one byte more is
 * a protocol error (`--max-bulk`'s default is the limit).
 *
 * Requests are sent in pieces and replies compared as they stream in, so
 * the test never holds a request or a reply as one JS string. Each test
 * costs the server a few GB (7.7 GB RSS at most was seen) and up to a
 * minute, most of it the server turning bytes into strings and back; Deno
 * runs them one at a time.
 */
import { assertEquals } from "@std/assert";
import { frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** V8's longest string (`String.prototype.length` at most 2^29 - 24). */
const MAX_STRING = 536_870_888;
const MiB = 1024 * 1024;
/** A reply to a request of hundreds of MB may take a while on a busy machine. */
const LARGE_REPLY_MS = 180_000;
const encoder = new TextEncoder();

/** `length` pseudo-random bytes (xorshift32 from `seed`): CR, LF and NUL included. */
function pattern(length: number, seed: number): Uint8Array {
  const words = new Uint32Array(Math.ceil(length / 4));
  let x = seed >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  return new Uint8Array(words.buffer, 0, length);
}

/**
 * Sends one RESP request piece by piece, so a large value goes out as the
 * caller's bytes, never copied into one request buffer.
 */
async function sendRequest(
  connection: RawConnection,
  ...args: (string | Uint8Array)[]
): Promise<void> {
  await connection.send(`*${args.length}\r\n`);
  for (const arg of args) {
    const bytes = typeof arg === "string" ? encoder.encode(arg) : arg;
    await connection.send(`$${bytes.length}\r\n`);
    await connection.send(bytes);
    await connection.send("\r\n");
  }
}

/** `promise`, or why it rejected as a "no reply" text, so a test can report it with more. */
function settle(promise: Promise<string>, what: string): Promise<string> {
  return promise.catch((error: unknown) =>
    `no reply to ${what}: ${error instanceof Error ? error.message : String(error)}`
  );
}

/**
 * Sends `GET key` and compares the bulk reply with `expected` as it
 * arrives. Returns null when it is exactly `expected`, else what differed.
 * The connection must have nothing else in flight.
 */
async function differsFrom(
  connection: RawConnection,
  key: string,
  expected: Uint8Array,
): Promise<string | null> {
  await connection.send(frame("GET", key));
  const deadline = Date.now() + LARGE_REPLY_MS;
  const buffer = new Uint8Array(4 * MiB);
  const header = `$${expected.length}\r\n`;
  let head = "";
  let body = 0; // bytes of the value compared so far
  let tail = "";
  for (;;) {
    const n = await connection.readChunk(buffer, deadline);
    if (n === null) return `GET ${key}: closed after ${body} bytes of the value`;
    let at = 0;
    while (head.length < header.length && at < n) head += String.fromCharCode(buffer[at++]);
    if (head !== header.slice(0, head.length)) {
      return `GET ${key}: reply starts ${JSON.stringify(head)}, expected ${JSON.stringify(header)}`;
    }
    const take = Math.min(n - at, expected.length - body);
    for (let i = 0; i < take; i++) {
      if (buffer[at + i] !== expected[body + i]) {
        return `GET ${key}: byte ${body + i} is ${buffer[at + i]}, expected ${expected[body + i]}`;
      }
    }
    body += take;
    at += take;
    while (at < n) tail += String.fromCharCode(buffer[at++]);
    if (tail.length >= 2) {
      return tail === "\r\n" ? null : `GET ${key}: ends ${JSON.stringify(tail)}`;
    }
  }
}

/**
 * SIGKILLs `server` and starts walkv again on its WAL; notes in `problems`
 * if the server had already exited by itself.
 */
async function killAndRestart(
  server: ServerProcess,
  walDir: string,
  problems: string[],
): Promise<ServerProcess> {
  const status = await server.kill();
  if (status.signal !== "SIGKILL") {
    problems.push(`the server had exited with code ${status.code}: ${stderrTail(server)}`);
  }
  // Replaying half a GB of WAL took 20 s on a busy machine, past the usual 15 s.
  return await startServer({ walDir, readyTimeoutMs: LARGE_REPLY_MS });
}

/** The last lines of what `server` printed on stderr, for failure messages. */
function stderrTail(server: ServerProcess): string {
  return server.stderrText().trim().split("\n").slice(-3).join(" | ");
}

Deno.test("MSET of two 270 MiB values is refused unseen, or acknowledged and durable", async () => {
  const size = 270 * MiB; // each under --max-bulk; together past MAX_STRING
  const a = pattern(size, 1);
  const b = pattern(size, 2);
  await using dir = await tempDir();
  let server: ServerProcess = await startServer({ walDir: dir.path });
  const problems: string[] = [];
  try {
    using writer = await RawConnection.connect(server.port);
    using watcher = await RawConnection.connect(server.port);
    const started = Date.now();
    let replied = false;
    /** Every non-zero `EXISTS a b` the watcher saw before the MSET's reply, with when. */
    const seen: string[] = [];
    const watching = (async () => {
      while (!replied) {
        await watcher.send(frame("EXISTS", "a", "b"));
        const reply = await readRespReply(watcher, LARGE_REPLY_MS);
        if (reply !== ":0\r\n" && !replied) {
          seen.push(`${JSON.stringify(reply)} at ${Date.now() - started} ms`);
        }
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();
    const sending = sendRequest(writer, "MSET", "a", a, "b", b).then(
      () => `; sent in ${Date.now() - started} ms`,
      (error: unknown) => `; sending failed: ${(error as Error).message}`,
    );
    const reply = await settle(readRespReply(writer, LARGE_REPLY_MS), "MSET");
    replied = true;
    const sent = await sending;
    const watchFailed = await settle(watching.then(() => ""), "EXISTS");
    const took = Date.now() - started;
    writer.close();
    watcher.close();

    if (reply === "+OK\r\n") {
      server = await killAndRestart(server, dir.path, problems);
      using reader = await RawConnection.connect(server.port);
      for (const [key, value] of [["a", a], ["b", b]] as const) {
        const wrong = await differsFrom(reader, key, value);
        if (wrong !== null) problems.push(`acknowledged in ${took} ms, after SIGKILL: ${wrong}`);
      }
    } else {
      if (!reply.startsWith("-")) problems.push(`MSET: ${reply}${sent} (after ${took} ms)`);
      if (seen.length > 0) {
        problems.push(`another client saw a or b before the MSET's reply: ${seen.slice(0, 3)}`);
      }
      if (watchFailed) problems.push(watchFailed);
      using after = await RawConnection.connect(server.port);
      const now = await respCall(after, "EXISTS", "a", "b");
      if (now !== ":0\r\n") problems.push(`EXISTS a b after the refusal: ${JSON.stringify(now)}`);
      const walBytes = (await Deno.stat(server.walPath)).size;
      after.close();
      server = await killAndRestart(server, dir.path, problems);
      using restarted = await RawConnection.connect(server.port);
      const kept = await respCall(restarted, "EXISTS", "a", "b");
      if (kept !== ":0\r\n") {
        problems.push(`after SIGKILL and restart EXISTS a b is ${JSON.stringify(kept)}`);
      }
      if (problems.length > 0) {
        problems.push(
          `the WAL held ${walBytes} bytes; after SIGKILL and restart EXISTS a b is ${kept}`,
        );
      }
    }
    assertEquals(problems, []);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("APPEND past V8's longest string is refused and changes nothing", async () => {
  const base = pattern(300 * MiB, 3);
  // One byte past MAX_STRING: under the old --max-bulk of 512 MiB, so only
  // the string limit stands in the way.
  const extra = MAX_STRING + 1 - base.length;
  await using dir = await tempDir();
  let server: ServerProcess = await startServer({ walDir: dir.path });
  const problems: string[] = [];
  const length = `:${base.length}\r\n`;
  try {
    {
      using connection = await RawConnection.connect(server.port);
      await sendRequest(connection, "SET", "k", base);
      assertEquals(await readRespReply(connection, LARGE_REPLY_MS), "+OK\r\n");
    }
    {
      using connection = await RawConnection.connect(server.port);
      await sendRequest(connection, "APPEND", "k", pattern(extra, 4));
      const reply = await settle(readRespReply(connection, LARGE_REPLY_MS), "APPEND");
      if (!reply.startsWith("-ERR")) {
        problems.push(`APPEND of ${extra} bytes to ${base.length}: ${JSON.stringify(reply)}`);
      }
    }
    using other = await RawConnection.connect(server.port);
    const now = await respCall(other, "STRLEN", "k");
    if (now !== length) problems.push(`after the APPEND STRLEN k is ${JSON.stringify(now)}`);
    other.close();
    if (problems.length > 0) problems.push(`server stderr: ${stderrTail(server)}`);
    // The length tells whether anything was appended; the bytes were
    // checked by the SET tests, and reading 300 MiB back costs seconds.
    server = await killAndRestart(server, dir.path, problems);
    using restarted = await RawConnection.connect(server.port);
    const kept = await respCall(restarted, "STRLEN", "k");
    if (kept !== length) {
      problems.push(`after SIGKILL and restart STRLEN k is ${JSON.stringify(kept)}`);
    }
    assertEquals(problems, []);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("SET of a value of V8's longest string is acknowledged and durable", async () => {
  const value = pattern(MAX_STRING, 5);
  await using dir = await tempDir();
  let server: ServerProcess = await startServer({ walDir: dir.path });
  const problems: string[] = [];
  try {
    using connection = await RawConnection.connect(server.port);
    await sendRequest(connection, "SET", "k", value);
    const reply = await settle(readRespReply(connection, LARGE_REPLY_MS), "SET");
    connection.close();
    if (reply !== "+OK\r\n") {
      using other = await RawConnection.connect(server.port);
      const length = await settle(respCall(other, "STRLEN", "k"), "STRLEN");
      problems.push(
        `SET of ${MAX_STRING} bytes: ${JSON.stringify(reply)}; STRLEN k then ${
          JSON.stringify(length)
        }; server stderr: ${stderrTail(server)}`,
      );
    }
    server = await killAndRestart(server, dir.path, problems);
    using restarted = await RawConnection.connect(server.port);
    const wrong = await differsFrom(restarted, "k", value);
    if (wrong !== null) problems.push(`after SIGKILL and restart: ${wrong}`);
    assertEquals(problems, []);
  } finally {
    await server[Symbol.asyncDispose]();
  }
});

Deno.test("SET of a value one byte longer than V8's longest string is a protocol error", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  // The length alone must be refused: the value itself is never sent.
  await connection.send(`*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${MAX_STRING + 1}\r\n`);
  const reply = await settle(connection.readText(1), "the bulk length");
  assertEquals(reply, "-ERR Protocol error: invalid bulk length\r\n");
  // Then the server closes the connection, sending nothing more.
  assertEquals((await connection.readToEnd()).length, 0);
  using other = await RawConnection.connect(server.port);
  assertEquals(await respCall(other, "EXISTS", "k"), ":0\r\n");
  other.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
