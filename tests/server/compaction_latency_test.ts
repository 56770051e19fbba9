/**
 * What a client notices of a compaction: the snapshot is written in slices
 * with the event loop free between them, so a GET client keeps being
 * answered while a compaction of a few hundred thousand keys runs, instead
 * of waiting for the whole snapshot.
 */
import { assert, assertEquals } from "@std/assert";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { waitForOutput } from "../helpers/server_output.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const KEYS = 300_000;
/** Keys per pipelined MSET while loading. */
const BATCH = 1000;
/** A client must never wait this long: a compaction holding the loop takes seconds here. */
const LONGEST_MS = 250;

Deno.test("compaction of 300k keys leaves a GET client answered throughout", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using loader = await RawConnection.connect(server.port);
  const value = "v".repeat(16);
  for (let start = 0; start < KEYS; start += BATCH * 10) {
    const frames = [];
    for (let b = start; b < Math.min(KEYS, start + BATCH * 10); b += BATCH) {
      const args = ["MSET"];
      for (let i = b; i < b + BATCH; i++) args.push(`key:${String(i).padStart(12, "0")}`, value);
      frames.push(frame(...args));
    }
    await loader.send(concat(...frames));
    for (let i = 0; i < frames.length; i++) assertEquals(await readRespReply(loader), "+OK\r\n");
  }
  using client = await RawConnection.connect(server.port);
  assertEquals(
    await respCall(loader, "BGREWRITEAOF"),
    "+Background append only file rewriting started\r\n",
  );
  let longest = 0;
  let answered = 0;
  while (!server.stdoutText().includes("compaction finished")) {
    const started = performance.now();
    assertEquals(await respCall(client, "GET", "key:000000000007"), `$16\r\n${value}\r\n`);
    longest = Math.max(longest, performance.now() - started);
    answered++;
  }
  await waitForOutput(server, "compaction finished");
  console.log(`compaction_latency: ${answered} GETs answered, longest ${longest.toFixed(1)} ms`);
  assert(answered > 10, `only ${answered} GETs answered during the compaction`);
  assert(longest < LONGEST_MS, `a GET waited ${longest.toFixed(1)} ms during the compaction`);
  loader.close();
  client.close();
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
