/**
 * Repeated requests to compact the WAL (BGREWRITEAOF over RESP, COMPACT
 * over text) against a real walkv: a rewrite counts as in progress for at
 * least Redis's cron tick, so a client repeating the request cannot start
 * rewrite after rewrite.
 */
import { assert, assertEquals } from "@std/assert";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { occurrences, waitForOutput } from "../helpers/server_output.ts";
import { RawConnection, request, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const STARTED = "+Background append only file rewriting started\r\n";
const IN_PROGRESS = "-ERR Background append only file rewriting already in progress\r\n";
/** Redis's cron period: a rewrite counts as in progress at least this long. */
const TICK_MS = 100;

Deno.test("BGREWRITEAOF pipelined 200 times starts one rewrite, the rest are in progress", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(server.port);
  assertEquals(await respCall(connection, "SET", "k", "v"), "+OK\r\n");
  await connection.send(concat(...Array.from({ length: 200 }, () => frame("BGREWRITEAOF"))));
  const replies: string[] = [];
  for (let i = 0; i < 200; i++) replies.push(await readRespReply(connection));
  assertEquals(replies[0], STARTED);
  assertEquals(replies.slice(1), Array(199).fill(IN_PROGRESS));
  await waitForOutput(server, "compaction finished");
  assertEquals(occurrences(server.stdoutText(), "compaction started"), 1);
  connection.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("BGREWRITEAOF and COMPACT repeated one by one start at most one rewrite per tick", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using resp = await RawConnection.connect(server.port);
  using text = await RawConnection.connect(server.port);
  assertEquals(await request(text, "SET k v"), "+OK");
  const started = performance.now();
  let accepted = 0;
  for (let i = 0; i < 200; i++) {
    const reply = await respCall(resp, "BGREWRITEAOF");
    assert(reply === STARTED || reply === IN_PROGRESS, reply);
    if (reply === STARTED) accepted++;
    const line = await request(text, "COMPACT");
    assert(
      line === "+OK compaction started" || line === "-ERR compaction already in progress",
      line,
    );
    if (line === "+OK compaction started") accepted++;
  }
  const elapsed = performance.now() - started;
  const allowed = Math.ceil(elapsed / TICK_MS) + 1;
  assert(
    accepted <= allowed,
    `${accepted} rewrites started in ${elapsed.toFixed(0)} ms (at most ${allowed} allowed)`,
  );
  // A rewrite still starts once the previous one is over.
  await new Promise((resolve) => setTimeout(resolve, 3 * TICK_MS));
  assertEquals(await respCall(resp, "BGREWRITEAOF"), STARTED);
  await waitForOutput(server, "compaction finished", { count: accepted + 1 });
  assertEquals(occurrences(server.stdoutText(), "compaction started"), accepted + 1);
  resp.close();
  text.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
