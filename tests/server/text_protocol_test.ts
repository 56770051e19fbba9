/**
 * The seed's text protocol, byte for byte, against a real walkv process over
 * raw sockets: the README session, error replies, field splitting, UTF-8,
 * a final line without a newline, pipelining and one-byte writes.
 */
import { assert, assertEquals } from "@std/assert";
import {
  bytes,
  RawConnection,
  request,
  type StartOptions,
  startServer,
} from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();

/** Runs `body` against a fresh server with its WAL in a fresh temp dir, then stops it. */
async function withServer(
  body: (port: number) => Promise<void>,
  options: Omit<StartOptions, "walDir"> = {},
): Promise<void> {
  await using dir = await tempDir();
  await using server = await startServer({ ...options, walDir: dir.path });
  await body(server.port);
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
}

/** Sends each line and asserts the exact bytes of its one reply. */
async function exchange(
  connection: RawConnection,
  steps: [send: string, reply: string][],
): Promise<void> {
  for (const [send, reply] of steps) {
    await connection.send(send);
    assertEquals(
      decoder.decode(await connection.readReplies(1)),
      reply,
      `reply to ${JSON.stringify(send)}`,
    );
  }
}

const README_SESSION: [string, string][] = [
  ["SET hello world\n", "+OK\n"],
  ["GET hello\n", "+OK world\n"],
  ["DEL hello\n", "+OK\n"],
  ["GET hello\n", "-GET could not find hello in store\n"],
];

Deno.test("text protocol answers the README's nc session byte for byte", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    await exchange(connection, README_SESSION);
    assertEquals(connection.pending.length, 0);
  });
});

Deno.test("text protocol answers CRLF-terminated lines exactly as LF ones", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    await exchange(
      connection,
      README_SESSION.map(([send, reply]) => [send.replace("\n", "\r\n"), reply]),
    );
    // And all four in one write: the replies are one byte string.
    await connection.send(README_SESSION.map(([send]) => send.replace("\n", "\r\n")).join(""));
    assertEquals(
      decoder.decode(await connection.readReplies(4)),
      README_SESSION.map(([, reply]) => reply).join(""),
    );
  });
});

Deno.test("text protocol gives the seed's exact error replies and keeps the connection", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    await exchange(connection, [
      ["SET a b c\n", "-SET expected 2 arguments KEY and VALUE\n"],
      ["SET a\n", "-SET expected 2 arguments KEY and VALUE\n"],
      ["SET\n", "-SET expected 2 arguments KEY and VALUE\n"],
      ["GET\n", "-GET expected 1 argument KEY\n"],
      ["GET a b\n", "-GET expected 1 argument KEY\n"],
      ["DEL\n", "-DEL expected 1 argument KEY\n"],
      ["DEL a b\n", "-DEL expected 1 argument KEY\n"],
      ["get x\n", "-INVALID COMMAND\n"],
      ["Set x y\n", "-INVALID COMMAND\n"],
      ["PING\n", "-INVALID COMMAND\n"],
      ["FLUSHALL now\n", "-INVALID COMMAND\n"],
      // Still usable after all of that, and none of the bad SETs wrote.
      ["GET a\n", "-GET could not find a in store\n"],
      ["SET a 1\n", "+OK\n"],
      ["GET a\n", "+OK 1\n"],
    ]);
  });
});

Deno.test("text protocol ignores blank and white-space-only lines", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    // No reply for the blank lines: the first reply to arrive is GET's.
    await connection.send("\n\n   \n\t\n \t \r\n\r\nGET nothing\n");
    assertEquals(
      decoder.decode(await connection.readReplies(1)),
      "-GET could not find nothing in store\n",
    );
    assertEquals(connection.pending.length, 0);
  });
});

Deno.test("text protocol splits fields on tabs and runs of spaces", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    await exchange(connection, [
      ["SET\tk1\t\tv1\n", "+OK\n"],
      ["   GET     k1   \n", "+OK v1\n"],
      ["\t SET \t k2 \t v2 \t\n", "+OK\n"],
      ["GET\t\tk2\n", "+OK v2\n"],
      ["DEL  \t k1\n", "+OK\n"],
      ["GET k1\n", "-GET could not find k1 in store\n"],
    ]);
  });
});

Deno.test("text protocol round-trips UTF-8 keys and values byte for byte", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    const steps: [string, string][] = [
      ["SET héllo wörld\n", "+OK\n"],
      ["GET héllo\n", "+OK wörld\n"],
      ["SET 🔑 🎉🎊\n", "+OK\n"],
      ["GET 🔑\n", "+OK 🎉🎊\n"],
      ["SET 键 值\n", "+OK\n"],
      ["GET 键\n", "+OK 值\n"],
      ["GET hello\n", "-GET could not find hello in store\n"],
      ["DEL 🔑\n", "+OK\n"],
      ["GET 🔑\n", "-GET could not find 🔑 in store\n"],
    ];
    for (const [send, reply] of steps) {
      await connection.send(send);
      assertEquals(await connection.readReplies(1), bytes(reply), `reply to ${send}`);
    }
  });
});

Deno.test("text protocol answers a final command sent without a newline before half-close", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    await connection.send("SET last one\nGET last");
    await connection.conn.closeWrite();
    assertEquals(decoder.decode(await connection.readToEnd()), "+OK\n+OK one\n");
  });
});

Deno.test("text protocol answers 10,000 pipelined commands in one write, in order", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    const groups = 2_500; // 4 commands each, every group on its own key
    let commands = "";
    let expected = "";
    for (let i = 0; i < groups; i++) {
      const key = `key:${i}`;
      const value = `value-${i}-${"x".repeat(i % 17)}`;
      commands += `SET ${key} ${value}\nGET ${key}\nDEL ${key}\nGET ${key}\n`;
      expected += `+OK\n+OK ${value}\n+OK\n-GET could not find ${key} in store\n`;
    }
    // Read while writing, so neither side's socket buffer can stall the other.
    const replies = connection.readReplies(groups * 4, 30_000);
    await connection.send(commands);
    const received = decoder.decode(await replies);
    assertEquals(received.length, expected.length);
    assertEquals(received, expected);
    assertEquals(connection.pending.length, 0);
  });
});

Deno.test("text protocol answers commands written one byte at a time", async () => {
  await withServer(async (port) => {
    using connection = await RawConnection.connect(port);
    // Multi-byte characters get split between writes too.
    const commands = "SET slow wörld🎉\r\nGET slow\nGET 鍵\n";
    const encoded = bytes(commands);
    for (let i = 0; i < encoded.length; i++) {
      await connection.send(encoded.subarray(i, i + 1));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assertEquals(
      await connection.readReplies(3),
      bytes("+OK\n+OK wörld🎉\n-GET could not find 鍵 in store\n"),
    );
  });
});

Deno.test("text protocol with --max-line rejects a longer line, closes, and serves others", async () => {
  await withServer(async (port) => {
    using other = await RawConnection.connect(port);
    assertEquals(await request(other, "SET before 1"), "+OK");

    // Exactly the limit is accepted: "SET k " + value is 1024 bytes.
    using atLimit = await RawConnection.connect(port);
    const value = "v".repeat(1024 - "SET k ".length);
    assertEquals(await request(atLimit, `SET k ${value}`), "+OK");
    assertEquals(await request(atLimit, "GET k"), `+OK ${value}`);

    // 2000 bytes and no newline: one error line, then the server hangs up.
    using tooLong = await RawConnection.connect(port);
    await tooLong.send("a".repeat(2000));
    const answer = decoder.decode(await tooLong.readToEnd());
    assert(answer.startsWith("-"), `expected an error line, got ${JSON.stringify(answer)}`);
    assert(answer.endsWith("\n"), `expected one whole line, got ${JSON.stringify(answer)}`);
    assertEquals(answer.indexOf("\n"), answer.length - 1, "exactly one line");

    // One byte over the limit, with its newline, is refused as well.
    using overByOne = await RawConnection.connect(port);
    await overByOne.send(`SET k ${value}v\n`);
    const refused = decoder.decode(await overByOne.readToEnd());
    assert(refused.startsWith("-") && refused.endsWith("\n"), JSON.stringify(refused));
    assertEquals(refused.indexOf("\n"), refused.length - 1, "exactly one line");

    // Lines before the long one in the same write are answered first.
    using mixed = await RawConnection.connect(port);
    await mixed.send("GET before\n" + "b".repeat(2000));
    const both = decoder.decode(await mixed.readToEnd());
    assert(both.startsWith("+OK 1\n-"), JSON.stringify(both));
    assertEquals(both.split("\n").length, 3, `two lines: ${JSON.stringify(both)}`);

    // The other client is still served, and the refused SET did not happen.
    assertEquals(await request(other, "GET before"), "+OK 1");
    assertEquals(await request(other, "GET k"), `+OK ${value}`);
  }, { args: ["--max-line", "1024"] });
});

Deno.test("text protocol with --max-line survives a 4 MB line and still answers", async () => {
  await withServer(async (port) => {
    using flood = await RawConnection.connect(port);
    // Read all along: the reply, then the close. If the server never closed,
    // the read times out and closes the socket, which also ends a blocked write.
    const closed = flood.readToEnd(10_000);
    const chunk = bytes("z".repeat(64 * 1024));
    let sent = 0;
    // At most 64 chunks (4 MB); stops at the first write the server refuses.
    for (let i = 0; i < 64; i++) {
      try {
        await flood.send(chunk);
        sent += chunk.length;
      } catch (error: unknown) {
        if (!isClosedSocket(error)) throw error;
        break;
      }
    }
    const answer = decoder.decode(await closed);
    // A reset may overtake the reply; if it arrived, it is one error line.
    if (answer.length > 0) {
      assert(answer.startsWith("-") && answer.endsWith("\n"), JSON.stringify(answer));
      assertEquals(answer.indexOf("\n"), answer.length - 1, "exactly one line");
    }
    assert(sent < 64 * chunk.length || answer.length > 0, "the server kept reading the line");
    using after = await RawConnection.connect(port);
    assertEquals(await request(after, "SET alive yes"), "+OK");
    assertEquals(await request(after, "GET alive"), "+OK yes");
  }, { args: ["--max-line", "1024"] });
});

function isClosedSocket(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}
