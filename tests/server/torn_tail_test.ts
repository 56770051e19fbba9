/**
 * A WAL whose last record was cut short by a crash, where that record's
 * value (set over RESP, so any bytes) looks like WAL records: walkv must
 * start, cutting the torn record, at every cut point. With the seed's
 * framing such a value made a torn record look like a damaged one followed
 * by whole records, and restart refused to start.
 */
import { assertEquals, assertStringIncludes } from "@std/assert";
import { bulkReply } from "../helpers/resp_frames.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();

/** Values that hold what looks like whole records after a newline. */
const CRAFTED = ["\n3DEL1a\n", "\n3SET1a1b\n4DROP1:a\n", "x\n3CRC1:00000000:\n"];

Deno.test("restart cuts a torn last record whose value looks like records, wherever it is cut", async () => {
  await using dir = await tempDir();
  for (const value of CRAFTED) {
    const walName = `wal${CRAFTED.indexOf(value)}`;
    let before = 0;
    let after = 0;
    {
      await using server = await startServer({ walDir: dir.path, walName });
      using connection = await RawConnection.connect(server.port);
      assertEquals(await respCall(connection, "SET", "a", "1"), "+OK\r\n");
      assertEquals(await respCall(connection, "SET", "b", "2"), "+OK\r\n");
      before = (await Deno.stat(server.walPath)).size;
      assertEquals(await respCall(connection, "SET", "crafted", value), "+OK\r\n");
      after = (await Deno.stat(server.walPath)).size;
      connection.close();
      await server.kill();
    }
    const path = `${dir.path}/${walName}`;
    const whole = await Deno.readFile(path);
    // Every cut point for the value; for the others, the telling
    // ones: just after each newline inside the record, and one byte short.
    const cuts = [];
    for (let cut = before + 1; cut < after; cut++) {
      if (value === CRAFTED[0] || whole[cut - 1] === 0x0a || cut === after - 1) cuts.push(cut);
    }
    for (const cut of cuts) {
      const label = `${JSON.stringify(value)} cut to ${cut - before} of ${after - before} bytes`;
      await Deno.writeFile(path, whole.subarray(0, cut));
      await using server = await startServer({ walDir: dir.path, walName });
      using connection = await RawConnection.connect(server.port);
      assertEquals(await respCall(connection, "GET", "a"), "$1\r\n1\r\n", label);
      assertEquals(await respCall(connection, "GET", "b"), "$1\r\n2\r\n", label);
      assertEquals(await respCall(connection, "GET", "crafted"), "$-1\r\n", label);
      assertStringIncludes(server.stderrText(), "torn record", label);
      connection.close();
      assertEquals((await server.stop()).code, 0, server.stderrText());
      assertEquals((await Deno.stat(path)).size, before, `${label}: the torn record is cut off`);
    }
    // Whole, the record replays with its value byte for byte.
    await Deno.writeFile(path, whole);
    await using server = await startServer({ walDir: dir.path, walName });
    using connection = await RawConnection.connect(server.port);
    assertEquals(
      await respCall(connection, "GET", "crafted"),
      decoder.decode(bulkReply(value)),
    );
    connection.close();
    assertEquals((await server.stop()).code, 0, server.stderrText());
  }
});
