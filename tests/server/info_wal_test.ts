/**
 * INFO persistence's WAL counters are real: `wal_records_written` counts
 * every record, `wal_syncs` the group commits' `fdatasync`s (one per
 * unpipelined write from a single client, far fewer than the records for a
 * pipelined burst), and `wal_replayed_records` what the last start replayed.
 */
import { assert, assertEquals } from "@std/assert";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const ONE_BY_ONE = 20;
const PIPELINED = 200;

async function walFields(connection: RawConnection): Promise<Map<string, number>> {
  const reply = await respCall(connection, "INFO", "persistence");
  const fields = new Map<string, number>();
  for (const line of reply.split("\r\n")) {
    const match = /^(wal_[a-z_]+):(\d+)$/.exec(line);
    if (match) fields.set(match[1], Number(match[2]));
  }
  return fields;
}

Deno.test("INFO persistence counts the WAL's records, syncs and replayed records", async () => {
  await using dir = await tempDir();
  {
    await using server = await startServer({ walDir: dir.path });
    using connection = await RawConnection.connect(server.port);
    const start = await walFields(connection);
    assertEquals(start.get("wal_records_written"), 0);
    assertEquals(start.get("wal_replayed_records"), 0);
    for (let i = 0; i < ONE_BY_ONE; i++) {
      assertEquals(await respCall(connection, "SET", `k${i}`, "v"), "+OK\r\n");
    }
    const single = await walFields(connection);
    assertEquals(single.get("wal_records_written"), ONE_BY_ONE);
    assertEquals(single.get("wal_syncs")! - start.get("wal_syncs")!, ONE_BY_ONE);
    const burst = [];
    for (let i = 0; i < PIPELINED; i++) burst.push(frame("SET", `p${i}`, "v"));
    await connection.send(new Uint8Array(burst.flatMap((b) => [...b])));
    await connection.readReplies(PIPELINED);
    const piped = await walFields(connection);
    assertEquals(piped.get("wal_records_written"), ONE_BY_ONE + PIPELINED);
    const syncs = piped.get("wal_syncs")! - single.get("wal_syncs")!;
    assert(syncs >= 1 && syncs < PIPELINED / 4, `${syncs} syncs for ${PIPELINED} pipelined SETs`);
    assertEquals((await server.stop()).code, 0);
  }
  await using again = await startServer({ walDir: dir.path });
  using connection = await RawConnection.connect(again.port);
  const after = await walFields(connection);
  assertEquals(after.get("wal_replayed_records"), ONE_BY_ONE + PIPELINED);
  assertEquals(after.get("wal_records_written"), 0);
});
