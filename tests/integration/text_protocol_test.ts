import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { closedByPeer, exchange, readLines, ServerProcess, writeText } from "./server_process.ts";

/** Runs `body` against a fresh server, then stops it and removes its files. */
async function withServer(
  args: string[],
  body: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await ServerProcess.start({ args });
  try {
    await body(server);
  } finally {
    await server.cleanup();
  }
}

Deno.test("text protocol answers the seed README's nc session byte for byte", async () => {
  await withServer([], async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      const steps: [string, string][] = [
        ["SET hello world\n", "+OK\n"],
        ["GET hello\n", "+OK world\n"],
        ["DEL hello\n", "+OK\n"],
        ["GET hello\n", "-GET could not find hello in store\n"],
      ];
      for (const [request, reply] of steps) {
        await writeText(conn, request);
        assertEquals(await readLines(conn, 1), reply);
      }
    } finally {
      conn.close();
    }
    // The same session with CRLF line endings gets the same bytes back.
    const crlf = "SET hello world\r\nGET hello\r\nDEL hello\r\nGET hello\r\n";
    assertEquals(
      await exchange(server.port, crlf, 4),
      "+OK\n+OK world\n+OK\n-GET could not find hello in store\n",
    );
  });
});

Deno.test("text protocol gives the seed's error replies and keeps the connection", async () => {
  await withServer([], async (server) => {
    const request = [
      "SET",
      "SET a",
      "SET a b c",
      "GET",
      "GET a b",
      "DEL",
      "DEL a b",
      "get x",
      "FLY me",
      "",
      "   \t ",
      "SET \t a   \t b  ",
      "GET a",
    ].join("\n") + "\n";
    assertEquals(
      await exchange(server.port, request, 11),
      [
        "-SET expected 2 arguments KEY and VALUE",
        "-SET expected 2 arguments KEY and VALUE",
        "-SET expected 2 arguments KEY and VALUE",
        "-GET expected 1 argument KEY",
        "-GET expected 1 argument KEY",
        "-DEL expected 1 argument KEY",
        "-DEL expected 1 argument KEY",
        "-INVALID COMMAND",
        "-INVALID COMMAND",
        "+OK",
        "+OK b",
      ].join("\n") + "\n",
    );
  });
});

Deno.test("text protocol round-trips UTF-8 keys and values byte for byte", async () => {
  await withServer([], async (server) => {
    const request = "SET héllo wörld\nSET 🔑 値😀\nGET héllo\nGET 🔑\n";
    assertEquals(
      await exchange(server.port, request, 4),
      "+OK\n+OK\n+OK wörld\n+OK 値😀\n",
    );
  });
});

Deno.test("text protocol answers a last command sent without a newline", async () => {
  await withServer([], async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await writeText(conn, "SET k v\nGET k");
      await conn.closeWrite();
      assertEquals(await readLines(conn, 2), "+OK\n+OK v\n");
    } finally {
      conn.close();
    }
  });
});

Deno.test("text protocol answers 10,000 commands sent in one write, in order", async () => {
  await withServer([], async (server) => {
    const commands: string[] = [];
    const expected: string[] = [];
    for (let i = 0; i < 10_000; i++) {
      const key = `key${Math.floor(i / 4)}`;
      switch (i % 4) {
        case 0:
          commands.push(`SET ${key} value${i}`);
          expected.push("+OK");
          break;
        case 1:
          commands.push(`GET ${key}`);
          expected.push(`+OK value${i - 1}`);
          break;
        case 2:
          commands.push(`DEL ${key}`);
          expected.push("+OK");
          break;
        default:
          commands.push(`GET ${key}`);
          expected.push(`-GET could not find ${key} in store`);
      }
    }
    const replies = await exchange(server.port, commands.join("\n") + "\n", 10_000);
    assertEquals(replies.split("\n").slice(0, -1), expected);
  });
});

Deno.test("text protocol answers a command that arrives one byte at a time", async () => {
  await withServer([], async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    conn.setNoDelay(true);
    try {
      for (const char of "SET héllo wörld\r\nGET héllo\n") await writeText(conn, char);
      assertEquals(await readLines(conn, 2), "+OK\n+OK wörld\n");
    } finally {
      conn.close();
    }
  });
});

Deno.test("text protocol closes a connection whose line is over --max-line", async () => {
  await withServer(["--max-line", "1024"], async (server) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await writeText(conn, "SET a 1\nSET big " + "x".repeat(2000));
      const replies = await readLines(conn, 2);
      const [first, second] = replies.split("\n");
      assertEquals(first, "+OK");
      assert(second.startsWith("-"), second);
      assertStringIncludes(second, "1024");
      assert(await closedByPeer(conn), "the server should close the connection");
    } finally {
      conn.close();
    }
    // Other clients are still served.
    assertEquals(await exchange(server.port, "GET a\n", 1), "+OK 1\n");
  });
});
