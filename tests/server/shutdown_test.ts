/**
 * Clean shutdown of a real walkv on SIGTERM and SIGINT while clients are
 * connected: an idle one, and one in the middle of a long pipeline.
 */
import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();
const PIPELINED = 20_000;

function isClosedSocket(error: unknown): boolean {
  return error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.ConnectionReset ||
    error instanceof Deno.errors.BadResource ||
    error instanceof Deno.errors.Interrupted;
}

/** Each wire format's SET request and its reply. */
const PROTOCOLS = {
  text: { set: (k: string, v: string) => `SET ${k} ${v}\n`, ok: "+OK\n" },
  RESP: {
    set: (k: string, v: string) =>
      `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`,
    ok: "+OK\r\n",
  },
};

const CASES = [["text", "SIGTERM"], ["text", "SIGINT"], ["RESP", "SIGTERM"]] as const;

for (const [protocol, signal] of CASES) {
  const { set, ok } = PROTOCOLS[protocol];
  Deno.test(`shutdown on ${signal} answers what it read (${protocol}), closes clients, exits 0`, async () => {
    await using dir = await tempDir();
    let answered: number;
    {
      await using server = await startServer({ walDir: dir.path });
      using idle = await RawConnection.connect(server.port);
      assertEquals(await request(idle, "SET idle 1"), "+OK");
      const idleClosed = idle.readToEnd(15_000);

      using busy = await RawConnection.connect(server.port);
      const busyClosed = busy.readToEnd(15_000);
      let commands = "";
      for (let i = 0; i < PIPELINED; i++) commands += set(`p${i}`, `v${i}`);
      const sent = busy.send(commands).catch((error: unknown) => {
        if (!isClosedSocket(error)) throw error;
      });
      // Signal once the first replies are back: the server is mid-pipeline.
      for (let i = 0; i < 500 && busy.pending.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      assert(busy.pending.length > 0, "no reply to the pipeline within 5 s");

      const status = await server.stop(signal);
      assertEquals(status.code, 0, server.stderrText());
      assertEquals(status.signal, null);
      assertStringIncludes(server.stdoutText(), "shut down cleanly");

      await sent;
      assertEquals(decoder.decode(await idleClosed), "", "the idle client gets no bytes, only EOF");
      const replies = decoder.decode(await busyClosed);
      answered = replies.length / ok.length;
      assert(answered >= 1 && Number.isInteger(answered), JSON.stringify(replies.slice(-50)));
      assertEquals(replies, ok.repeat(answered), "only whole +OK replies, in order");
    }

    // Every SET that was answered is durable.
    await using server = await startServer({ walDir: dir.path });
    using client = await RawConnection.connect(server.port);
    let gets = "GET idle\n";
    let expected = "+OK 1\n";
    for (let i = 0; i < answered; i++) {
      gets += `GET p${i}\n`;
      expected += `+OK v${i}\n`;
    }
    const replies = client.readReplies(answered + 1, 15_000);
    await client.send(gets);
    assertEquals(decoder.decode(await replies), expected);
    client.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
  });
}
