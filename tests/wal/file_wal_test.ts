import { assert, assertEquals, assertRejects, assertThrows } from "@std/assert";
import { FileWal } from "../../src/wal/file_wal.ts";
import { NoopWal } from "../../src/wal/noop_wal.ts";
import { binaryFromText, bytesFromBinary } from "../../src/io/binary.ts";
import { encodeDel, encodeMulti, encodeSet, recordText, sealRecord } from "../../src/wal/record.ts";
import type { Wal } from "../../src/wal/wal.ts";
import { sealedText } from "../helpers/record_text.ts";
import { tempDir } from "../helpers/temp_dir.ts";

function openWal(path: string): Promise<Deno.FsFile> {
  return Deno.open(path, { read: true, write: true, create: true, append: true });
}

/**
 * A real file that counts the calls FileWal makes, and can be told to fail
 * its writes or syncs from the Nth call on.
 */
class CountingFile {
  writes = 0;
  syncs = 0;
  failWriteFrom = Infinity;
  failSyncFrom = Infinity;
  readonly #file: Deno.FsFile;

  constructor(file: Deno.FsFile) {
    this.#file = file;
  }

  writeSync(bytes: Uint8Array): number {
    this.writes++;
    if (this.writes >= this.failWriteFrom) {
      throw new Deno.errors.NotSupported("injected write failure");
    }
    return this.#file.writeSync(bytes);
  }

  truncateSync(length?: number): void {
    this.#file.truncateSync(length);
  }

  syncData(): Promise<void> {
    this.syncs++;
    if (this.syncs >= this.failSyncFrom) {
      // Like a real disk, report the failure only after the sync has run.
      return this.#file.syncData().then(() => {
        throw new Error("injected sync failure");
      });
    }
    return this.#file.syncData();
  }

  close(): void {
    this.#file.close();
  }

  asFsFile(): Deno.FsFile {
    return this as unknown as Deno.FsFile;
  }
}

const ignoreFailure = (_error: Error) => {};

/**
 * Waits until record `seq` (default: everything appended so far) is settled;
 * rejects with the error that rolled it back, if one did.
 */
async function durable(wal: Wal, seq = wal.horizon()): Promise<void> {
  await wal.settled(seq);
  const error = wal.rolledBack(seq);
  if (error) throw error;
}

Deno.test("FileWal settled is null when nothing was appended", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const wal = new FileWal(await openWal(path), path, { onFailure: ignoreFailure });
  assertEquals(wal.settled(), null);
  assertEquals(wal.failure, null);
  await wal.close();
  assertEquals((await Deno.stat(path)).size, 0);
});

Deno.test("FileWal puts appended records on disk once settled resolves", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const wal = new FileWal(await openWal(path), path, { onFailure: ignoreFailure });
  try {
    wal.append(encodeSet("hello", "world"), () => {});
    wal.append(encodeSet(binaryFromText("héllo"), "a b\nc"), () => {});
    const seq = wal.append(encodeDel("hello"), () => {});
    assertEquals(wal.horizon(), seq);
    const pending = wal.settled();
    assert(pending !== null, "settled() must be a promise while records are pending");
    await pending;
    assertEquals(wal.rolledBack(seq), null);
    assertEquals(
      await Deno.readFile(path),
      bytesFromBinary(
        "3SET5hello5world\n" +
          sealedText(`3PUT6:${binaryFromText("héllo")}5:a b\nc1:0\n`) +
          "3DEL5hello\n",
      ),
    );
    assertEquals(wal.settled(), null);
    assertEquals(wal.horizon(), 0, "nothing is pending any more");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal writes binary records byte for byte", async () => {
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const wal = new FileWal(await openWal(path), path, { onFailure: ignoreFailure });
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  const records = [
    encodeSet("k", all),
    encodeSet("1k", "\xff\x00\r\n", 1700000000000),
    encodeMulti([encodeSet("a", "\x80"), encodeDel("2b")]),
    encodeSet("big", all.repeat(100)),
  ];
  try {
    for (const record of records) wal.append(record, () => {});
    await durable(wal);
    const expected = records.map((record) => recordText(sealRecord(record))).join("");
    assertEquals(await Deno.readFile(path), bytesFromBinary(expected));
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal appends after existing content and across batches", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  await Deno.writeTextFile(path, "3SET1a1b\n");
  const wal = new FileWal(await openWal(path), path, { onFailure: ignoreFailure });
  try {
    wal.append(encodeSet("c", "d"), () => {});
    await durable(wal);
    wal.append(encodeDel("a"), () => {});
    await durable(wal);
    assertEquals(await Deno.readTextFile(path), "3SET1a1b\n3SET1c1d\n3DEL1a\n");
  } finally {
    await wal.close();
  }
});

/**
 * A FileWal on a {@linkcode CountingFile}, optionally told to fail, recording
 * the failures it reports and, through `append`, which rollbacks ran.
 */
async function countedWal(
  dir: string,
  fail: { writeFrom?: number; syncFrom?: number } = {},
  name = "wal",
) {
  const path = `${dir}/${name}`;
  const file = new CountingFile(await openWal(path));
  file.failWriteFrom = fail.writeFrom ?? Infinity;
  file.failSyncFrom = fail.syncFrom ?? Infinity;
  const failures: Error[] = [];
  const wal = new FileWal(file.asFsFile(), path, { onFailure: (error) => failures.push(error) });
  const undone: string[] = [];
  const append = (key: string, value: string) =>
    wal.append(encodeSet(key, value), () => undone.push(key));
  return { path, file, wal, failures, undone, append };
}

Deno.test("FileWal writes and syncs many appends of one tick once", async () => {
  await using temp = await tempDir();
  const { path, file, wal } = await countedWal(temp.path);
  try {
    let expected = "";
    for (let i = 0; i < 100; i++) {
      const record = encodeSet(`k${i}`, `v${i}`);
      wal.append(record, () => {});
      expected += recordText(record);
    }
    const first = wal.settled();
    assertEquals(file.writes, 0, "nothing is written before the current task ends");
    await first;
    assertEquals(file.writes, 1);
    assertEquals(file.syncs, 1);
    assertEquals(await Deno.readTextFile(path), expected);
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal groups appends made during a sync into the next single write", async () => {
  await using temp = await tempDir();
  const { path, file, wal } = await countedWal(temp.path);
  try {
    wal.append(encodeSet("a", "x"), () => {});
    const first = wal.settled();
    // Let the commit start, then append more while it runs.
    await Promise.resolve();
    await Promise.resolve();
    for (let i = 0; i < 10; i++) wal.append(encodeSet(`b${i}`, "y"), () => {});
    const second = wal.settled();
    assert(first !== second, "later records wait for a later batch");
    await first;
    await second;
    assertEquals(file.writes, 2);
    assertEquals(file.syncs, 2);
    assertEquals(wal.settled(), null);
    const text = await Deno.readTextFile(path);
    assert(text.startsWith("3SET1a1x\n"), text);
    assertEquals(text.split("\n").length - 1, 11);
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal on a failed sync rejects, rolls back newest first, and stops", async () => {
  await using temp = await tempDir();
  const { path, file, wal, failures, undone, append } = await countedWal(temp.path, {
    syncFrom: 1,
  });
  try {
    append("a", "1");
    append("b", "2");
    const seq = append("c", "3");
    assert(wal.settled() !== null);
    const error = await assertRejects(() => durable(wal, seq), Error);
    assert(error.message.includes(`"${path}"`), error.message);
    assert(error.message.includes("injected sync failure"), error.message);
    assertEquals(undone, ["c", "b", "a"]);
    assertEquals(failures.length, 1);
    assertEquals(failures[0], error);
    assertEquals(wal.failure, error);
    assertEquals(wal.settled(), null);
    assertEquals(wal.horizon(), 0, "rolled-back records are no longer pending");
    for (const rolledBack of [seq - 2, seq - 1, seq]) {
      assertEquals(wal.rolledBack(rolledBack), error);
    }
    const refused = assertThrows(() => wal.append(encodeSet("d", "4"), () => undone.push("d")));
    assertEquals(refused, error);
    assertEquals(undone, ["c", "b", "a"]);
    assertEquals(file.syncs, 1);
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal on a failed sync rolls back both the syncing and the open batch", async () => {
  await using temp = await tempDir();
  const { path, wal, failures, undone, append } = await countedWal(temp.path, {
    syncFrom: 2,
  });
  try {
    // Batch 1 is durable.
    append("ok", "1");
    await durable(wal);
    // Batch 2 starts syncing; batch 3 fills while it does.
    append("a", "1");
    const second = append("b", "2");
    assert(wal.settled(second) !== null);
    await Promise.resolve();
    const third = append("c", "3");
    assert(wal.settled(second) !== wal.settled(third), "the open batch waits for the syncing one");
    const secondError = await assertRejects(() => durable(wal, second), Error);
    const thirdError = await assertRejects(() => durable(wal, third), Error);
    assertEquals(wal.rolledBack(1), null, "the first batch stays durable");
    assertEquals(secondError, thirdError);
    assert(secondError.message.includes(path), secondError.message);
    assert(secondError.message.includes("injected sync failure"), secondError.message);
    // Newest first: the open batch, then the one that was being synced.
    assertEquals(undone, ["c", "b", "a"]);
    assertEquals(failures.length, 1);
    assertEquals(wal.failure, secondError);
    assertThrows(() => wal.append(encodeDel("ok"), () => {}), Error, "sync failed");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal on a failed write rejects, rolls back, and keeps the file as it was", async () => {
  await using temp = await tempDir();
  const { path, file, wal, failures, undone, append } = await countedWal(temp.path, {
    writeFrom: 2,
  });
  try {
    append("ok", "1");
    await durable(wal);
    append("a", "1");
    append("b", "2");
    const error = await assertRejects(() => durable(wal), Error);
    assert(error.message.includes("injected write failure"), error.message);
    assert(error.cause instanceof Deno.errors.NotSupported);
    assertEquals(undone, ["b", "a"]);
    assertEquals(failures.length, 1);
    assertEquals(file.syncs, 1, "a failed write is never synced");
    assertEquals(await Deno.readTextFile(path), "3SET2ok11\n");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal cuts a partly written failed batch off the file, so it never replays", async () => {
  await using temp = await tempDir();
  const { path, file, wal, undone, append } = await countedWal(temp.path);
  try {
    append("ok", "1");
    await durable(wal);
    // More than one write buffer: the first chunk lands, the second fails.
    file.failWriteFrom = file.writes + 2;
    append("big", "x".repeat(600 * 1024));
    await assertRejects(() => durable(wal), Error, "injected write failure");
    assertEquals(undone, ["big"]);
    assertEquals(await Deno.readTextFile(path), "3SET2ok11\n");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal writes a record larger than its buffer in chunks, byte for byte", async () => {
  await using temp = await tempDir();
  const { path, file, wal, append } = await countedWal(temp.path);
  try {
    let value = "";
    for (let i = 0; i < 3 * 256 * 1024 + 7; i++) value += String.fromCharCode(i % 251);
    append("v", value);
    await durable(wal);
    assert(file.writes > 3, `${file.writes} write(s)`);
    assertEquals(
      await Deno.readFile(path),
      bytesFromBinary(recordText(sealRecord(encodeSet("v", value)))),
    );
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal refuses appends after close", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const wal = new FileWal(await openWal(path), path, { onFailure: ignoreFailure });
  wal.append(encodeSet("a", "b"), () => {});
  await wal.close();
  assertEquals(await Deno.readTextFile(path), "3SET1a1b\n");
  const error = assertThrows(() => wal.append(encodeSet("c", "d"), () => {}), Error);
  assert(error.message.includes(path), error.message);
});

Deno.test("NoopWal is always settled and never fails", async () => {
  const wal = new NoopWal();
  assertEquals(wal.settled(), null);
  assertEquals(wal.horizon(), 0);
  let rolledBack = false;
  wal.append(encodeSet("a", "b"), () => {
    rolledBack = true;
  });
  assertEquals(wal.settled(), null);
  assertEquals(wal.failure, null);
  assertEquals(rolledBack, false);
  await wal.close();
});

Deno.test("FileWal under --fsync everysec acknowledges once written and syncs on a timer", async () => {
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const file = new CountingFile(await openWal(path));
  const wal = new FileWal(file, path, { fsync: "everysec", syncIntervalMs: 20 });
  try {
    wal.append(encodeSet("a", "1"), () => {});
    await durable(wal);
    assertEquals(await Deno.readTextFile(path), "3SET1a11\n", "written before the reply");
    assertEquals(file.syncs, 0, "but not synced yet");
    await new Promise((resolve) => setTimeout(resolve, 100));
    assertEquals(file.syncs, 1, "the timer synced once, and only while there was news");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal under --fsync no never syncs while running", async () => {
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const file = new CountingFile(await openWal(path));
  const wal = new FileWal(file, path, { fsync: "no", syncIntervalMs: 5 });
  try {
    for (let i = 0; i < 5; i++) {
      wal.append(encodeSet(`k${i}`, "v"), () => {});
      await durable(wal);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assertEquals(file.writes, 5);
    assertEquals(file.syncs, 0);
    assertEquals(wal.size, { bytes: 5 * "3SET2k01v\n".length, records: 5 });
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal resumes on a new file after a failure, and counts the change", async () => {
  await using temp = await tempDir();
  const { path, wal, append } = await countedWal(temp.path, { writeFrom: 2 });
  try {
    append("a", "1");
    await durable(wal);
    append("b", "2");
    await assertRejects(() => durable(wal), Error, "injected write failure");
    const failedEpoch = wal.epoch;
    assertThrows(() => append("c", "3"), Error, "write failed");
    const rewritten = `${temp.path}/rewritten`;
    await Deno.writeTextFile(rewritten, "3SET1a11\n");
    wal.resume(await openWal(rewritten), { bytes: 9, records: 1 });
    assertEquals(wal.failure, null);
    assert(wal.epoch !== failedEpoch);
    append("c", "3");
    await durable(wal);
    assertEquals(await Deno.readTextFile(rewritten), "3SET1a11\n3SET1c13\n");
    assertEquals(await Deno.readTextFile(path), "3SET1a11\n", "the failed file is left alone");
    assertEquals(wal.size, { bytes: 18, records: 2 });
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal keeps batches for a compaction, then writes and syncs to both files", async () => {
  await using temp = await tempDir();
  const { path, file, wal, append } = await countedWal(temp.path);
  const newPath = `${temp.path}/new`;
  const joined = new CountingFile(await openWal(newPath));
  try {
    append("a", "1");
    await durable(wal);
    wal.keep();
    append("b", "2");
    await durable(wal);
    await Deno.writeTextFile(newPath, "3SET1a11\n"); // the snapshot
    assert(wal.join(joined, { bytes: 9, records: 1 }));
    assertEquals(await Deno.readTextFile(newPath), "3SET1a11\n3SET1b12\n", "kept batch appended");
    append("c", "3");
    await durable(wal);
    assertEquals(joined.syncs, 1, "synced with the WAL before the reply");
    assertEquals(await Deno.readTextFile(path), "3SET1a11\n3SET1b12\n3SET1c13\n");
    assertEquals(await Deno.readTextFile(newPath), "3SET1a11\n3SET1b12\n3SET1c13\n");
    wal.promote();
    assertEquals(wal.size, { bytes: 27, records: 3 });
    append("d", "4");
    await durable(wal);
    assertEquals(await Deno.readTextFile(newPath), "3SET1a11\n3SET1b12\n3SET1c13\n3SET1d14\n");
    assertEquals(await Deno.readTextFile(path), "3SET1a11\n3SET1b12\n3SET1c13\n");
    assertEquals(file.writes, 3, "the old file gets nothing after the promotion");
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal keeps only what was appended after keep, though its batch was open then", async () => {
  // A record appended before keep changed memory before the compaction began,
  // so its snapshot holds it: kept too, an LPOP would replay twice.
  await using temp = await tempDir();
  const { wal, append } = await countedWal(temp.path);
  const newPath = `${temp.path}/new`;
  const joined = new CountingFile(await openWal(newPath));
  try {
    append("before", "1"); // in the open batch, not yet written
    wal.keep();
    append("after", "2"); // the same batch
    await durable(wal);
    append("later", "3");
    await durable(wal);
    assert(wal.join(joined.asFsFile(), { bytes: 0, records: 0 }));
    assertEquals(await Deno.readTextFile(newPath), "3SET5after12\n3SET5later13\n");
    assertEquals(wal.size.records, 3);
  } finally {
    await wal.close();
  }
});

Deno.test("FileWal catches a compaction file up off the event loop, leaving join a little", async () => {
  await using temp = await tempDir();
  const { path, wal, append } = await countedWal(temp.path);
  const newPath = `${temp.path}/new`;
  const joined = new CountingFile(await openWal(newPath));
  const asyncFile = await openWal(newPath);
  try {
    wal.keep();
    const value = "v".repeat(100);
    // ~1 MB kept, in 100 batches: more than one catch-up round.
    for (let batch = 0; batch < 100; batch++) {
      for (let i = 0; i < 100; i++) append(`k${batch}-${i}`, value);
      await durable(wal);
    }
    let asyncWrites = 0;
    const caughtUp = wal.catchUp({
      write: async (bytes: Uint8Array) => {
        asyncWrites++;
        const written = await asyncFile.write(bytes);
        if (asyncWrites === 1) {
          append("during", "1"); // lands behind what this round took
          await durable(wal);
        }
        return written;
      },
    });
    assert(await caughtUp);
    assert(asyncWrites >= 2, `${asyncWrites} asynchronous writes`);
    append("after", "2");
    await durable(wal);
    assert(wal.join(joined.asFsFile(), { bytes: 0, records: 0 }));
    assert(joined.writes <= 2, `join wrote ${joined.writes} times synchronously`);
    append("joined", "3");
    await durable(wal);
    assertEquals(await Deno.readTextFile(newPath), await Deno.readTextFile(path));
    const expected = (await Deno.stat(path)).size;
    wal.promote();
    assertEquals(wal.size.bytes, expected);
    assertEquals(wal.size.records, 100 * 100 + 3);
  } finally {
    asyncFile.close();
    await wal.close();
  }
});

Deno.test("FileWal drops a failing compaction file before the rename, fails after it", async () => {
  await using temp = await tempDir();
  for (const pinned of [false, true]) {
    const { wal, append, undone } = await countedWal(`${temp.path}`, {}, `wal_${pinned}`);
    const joined = new CountingFile(await openWal(`${temp.path}/new_${pinned}`));
    try {
      wal.keep();
      assert(wal.join(joined, { bytes: 0, records: 0 }));
      joined.failWriteFrom = 1;
      if (pinned) wal.pin();
      append("x", "1");
      if (pinned) {
        await assertRejects(() => durable(wal), Error, "injected write failure");
        assertEquals(undone, ["x"], "not acknowledged: the file at the path lacks it");
        assert(wal.failure !== null);
      } else {
        await durable(wal);
        assertEquals(wal.failure, null, "the WAL itself is fine");
        assertEquals(wal.isJoined(joined), false, "the compaction is dropped");
        assertEquals(undone, []);
      }
    } finally {
      await wal.close();
    }
  }
});
