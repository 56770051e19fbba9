import type { Value } from "../../src/store/value.ts";
import { assert, assertEquals, assertRejects } from "@std/assert";
import { binaryFromText, bytesFromBinary } from "../../src/io/binary.ts";
import { ArenaStore } from "../../src/store/arena_store.ts";
import { MapStore } from "../../src/store/map_store.ts";
import type { Store } from "../../src/store/store.ts";
import { type ReplayResult, replayWal } from "../../src/wal/replay.ts";
import { WalCorruptionError } from "../../src/wal/wal_corruption_error.ts";
import {
  delText,
  expireAtText,
  flushAllText,
  multiText,
  sealedText,
  setText,
} from "../helpers/record_text.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** The bytes of `parts`: strings are binary strings (one character per byte). */
function concat(...parts: (string | Uint8Array)[]): Uint8Array {
  const chunks = parts.map((part) => typeof part === "string" ? bytesFromBinary(part) : part);
  const out = new Uint8Array(chunks.reduce((n, chunk) => n + chunk.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

interface Replayed {
  result: ReplayResult;
  store: MapStore;
  /** The file's bytes after the replay. */
  after: Uint8Array;
  /** Where the file was positioned when replayWal returned. */
  position: number;
}

/**
 * Writes `content` to `path`, replays it into a new MapStore, and reads the
 * file back. It also replays the same bytes into an ArenaStore (SETs copied
 * from bytes, no strings) and checks that store, the result and the file
 * come out the same key by key, so every test here covers both paths.
 */
async function replayFile(path: string, content: Uint8Array): Promise<Replayed> {
  const replayed = await replayInto(path, content, new MapStore());
  const arena = new ArenaStore(2, Date.now, { arenaSize: 256 });
  const bytesReplayed = await replayInto(path, content, arena);
  assertEquals(bytesReplayed.result.records, replayed.result.records, "arena: records");
  assertEquals(bytesReplayed.result.tornAt, replayed.result.tornAt, "arena: torn at");
  assertEquals(bytesReplayed.after, replayed.after, "arena: the file after");
  assertEquals(contents(arena), contents(replayed.store), "arena: contents");
  assertEquals(sameEntries(arena), sameEntries(replayed.store), "arena: entries and expiries");
  assertEquals(arena.bytes, replayed.store.bytes, "arena: bytes");
  return replayed;
}

async function replayInto<S extends Store>(
  path: string,
  content: Uint8Array,
  store: S,
): Promise<Omit<Replayed, "store"> & { store: S }> {
  await Deno.writeFile(path, content);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  let result: ReplayResult;
  let position: number;
  try {
    result = await replayWal(file, path, [store]);
    position = await file.seek(0, Deno.SeekMode.Current);
  } finally {
    file.close();
  }
  return { result, store, after: await Deno.readFile(path), position };
}

/** Every entry with its expiry, sorted by key. */
function sameEntries(store: Store): [string, Value, number][] {
  return [...store.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
}

/**
 * Writes `content` to `path`, expects replay to refuse it as corrupt, and
 * checks the file was left untouched; returns the error.
 */
async function assertCorrupt(path: string, content: Uint8Array): Promise<WalCorruptionError> {
  const rejects = async (store: Store) => {
    await Deno.writeFile(path, content);
    const file = await Deno.open(path, { read: true, write: true });
    try {
      return await assertRejects(() => replayWal(file, path, [store]), WalCorruptionError);
    } finally {
      file.close();
      assertEquals(await Deno.readFile(path), content, "the file is left as it was");
    }
  };
  const error = await rejects(new MapStore());
  const arena = await rejects(new ArenaStore(1, Date.now, { arenaSize: 256 }));
  assertEquals(arena.message, error.message, "the arena store's replay fails the same way");
  return error;
}

/** The store's live keys and values, sorted by key. */
function contents(store: Store): Record<string, Value> {
  return Object.fromEntries(
    [...store.entries()].map(([key, value]) => [key, value]).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

Deno.test("replayWal applies SET and DEL records in order", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const content = concat(
    setText("a", "x1"),
    setText("b", "two"),
    setText("a", "one"),
    delText("b"),
    setText("c", "three"),
    delText("never-set"),
  );
  const { result, store, after, position } = await replayFile(path, content);
  assertEquals(contents(store), { a: "one", c: "three" });
  assertEquals(result.records, 6);
  assertEquals(result.bytes, content.length);
  assertEquals(result.tornAt, null);
  assertEquals(result.tornBytes, 0);
  assertEquals(after, content);
  assertEquals(position, content.length);
});

Deno.test("replayWal reads a WAL exactly as the seed Go server writes it", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const content = new TextEncoder().encode("3SET5hello5world\n3SET3foo3bar\n3DEL5hello\n");
  const { result, store, after } = await replayFile(`${dir}/wal_file`, content);
  assertEquals(contents(store), { foo: "bar" });
  assertEquals(result.records, 3);
  assertEquals(result.bytes, 41);
  assertEquals(result.tornAt, null);
  assertEquals(after, content);
});

Deno.test("replayWal keeps newlines, spaces and non-ASCII inside keys and values", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat(
    setText("multi", "line one\nline two\n"),
    setText("spaced key", "  padded  "),
    setText(binaryFromText("héllo"), binaryFromText("wörld €😀")),
    setText("looks", "x\n3DEL5looks\n"),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(contents(store), {
    [binaryFromText("héllo")]: binaryFromText("wörld €😀"),
    looks: "x\n3DEL5looks\n",
    multi: "line one\nline two\n",
    "spaced key": "  padded  ",
  });
  assertEquals(result.records, 4);
  assertEquals(result.tornAt, null);
});

Deno.test("replayWal restores a value that starts with a digit", async () => {
  // SET counter 42 followed by more writes, as a server would log them.
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat(setText("counter", "42"), setText("a", "b"));
  const { result, store, after } = await replayFile(`${dir}/wal`, content);
  assertEquals(contents(store), { a: "b", counter: "42" });
  assertEquals(result.records, 2);
  assertEquals(result.tornAt, null);
  assertEquals(after, content);
});

Deno.test("replayWal of an empty file applies nothing and cuts nothing", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const { result, store, after, position } = await replayFile(`${dir}/wal`, new Uint8Array());
  assertEquals(store.size, 0);
  assertEquals(result.records, 0);
  assertEquals(result.bytes, 0);
  assertEquals(result.tornAt, null);
  assertEquals(result.tornBytes, 0);
  assertEquals(after.length, 0);
  assertEquals(position, 0);
});

Deno.test("replayWal cuts a torn final record at every byte offset", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const earlier = concat(setText("hello", "world"), setText("foo", "bar"), delText("foo"));
  const lasts = [
    setText(binaryFromText("héllo"), binaryFromText("new\nvalue 😀")),
    delText("hello"),
    setText("k", "v".repeat(120)),
    setText("1k", "v", Date.now() + 3_600_000),
    delText("2k"),
    expireAtText("hello", 0),
    flushAllText(),
    // A MULTI holding one record: none of its inner records can end before it.
    multiText([setText("solo", "1")]),
  ];
  for (const last of lasts) {
    const lastBytes = bytesFromBinary(last);
    for (let k = 0; k < lastBytes.length; k++) {
      const label = `first ${k} bytes of ${JSON.stringify(last)}`;
      const content = concat(earlier, lastBytes.subarray(0, k));
      const { result, store, after, position } = await replayFile(path, content);
      assertEquals(contents(store), { hello: "world" }, label);
      assertEquals(result.records, 3, label);
      assertEquals(result.bytes, earlier.length, label);
      assertEquals(result.tornAt, k === 0 ? null : earlier.length, label);
      assertEquals(result.tornBytes, k, label);
      assertEquals(after, earlier, label);
      assertEquals(position, earlier.length, label);
    }
  }
});

Deno.test("replayWal cuts a torn first record, leaving an empty file", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const { result, store, after } = await replayFile(`${dir}/wal`, bytesFromBinary("3SET5hel"));
  assertEquals(store.size, 0);
  assertEquals(result.records, 0);
  assertEquals(result.tornAt, 0);
  assertEquals(result.tornBytes, 8);
  assertEquals(after.length, 0);
});

Deno.test("replayWal cuts a tail of zero bytes after the last record", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const earlier = concat(setText("a", "b"), delText("x"));
  for (const zeros of [1, 4096, 3 << 20]) {
    const content = concat(earlier, new Uint8Array(zeros));
    const { result, store, after } = await replayFile(`${dir}/wal`, content);
    assertEquals(contents(store), { a: "b" }, `${zeros} zeros`);
    assertEquals(result.records, 2);
    assertEquals(result.bytes, earlier.length);
    assertEquals(result.tornAt, earlier.length);
    assertEquals(result.tornBytes, zeros);
    assertEquals(after, earlier);
  }
});

Deno.test("replayWal cuts a torn record whose end was zero-filled", async () => {
  // After a power cut some filesystems show the unsynced end of the last
  // append as zeros, so the zeros may start inside a record, not only after
  // one. That record was never acknowledged, like any torn record.
  await using temp = await tempDir();
  const dir = temp.path;
  const earlier = setText("a", "b");
  for (const partial of ["3SET5hel", "3SET5hello5wor", "3DEL5hello"]) {
    const content = concat(earlier, partial, new Uint8Array(64));
    const { result, store, after } = await replayFile(`${dir}/wal`, content);
    assertEquals(contents(store), { a: "b" }, partial);
    assertEquals(result.tornAt, earlier.length, partial);
    assertEquals(result.tornBytes, partial.length + 64, partial);
    assertEquals(after, bytesFromBinary(earlier), partial);
  }
});

Deno.test("replayWal rejects corruption in the middle, naming path and offset, file untouched", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal_file`;
  const good = concat(setText("hello", "world"), setText("foo", "bar"));
  const cases: [string, Uint8Array, number][] = [
    // An unknown operation: the offset is the record's start.
    ["unknown op", concat(good, "3SEX1a1b\n", setText("c", "d")), good.length],
    // A record whose terminator is not a newline: the offset of that byte.
    ["missing newline", concat(good, "3DEL1aX", setText("c", "d")), good.length + 6],
    // A length that is not a number.
    ["bad digits", concat(good, "3SETx", setText("c", "d")), good.length + 4],
    // Zeros followed by more data are not a torn tail.
    ["zeros then data", concat(good, new Uint8Array(10), setText("c", "d")), good.length],
  ];
  for (const [name, content] of cases) {
    await Deno.writeFile(path, content);
    const store = new MapStore();
    const file = await Deno.open(path, { read: true, write: true, create: true });
    try {
      const error = await assertRejects(
        () => replayWal(file, path, [store]),
        WalCorruptionError,
      ) as WalCorruptionError;
      const offset = cases.find(([n]) => n === name)![2];
      assertEquals(error.offset, offset, name);
      assertEquals(error.path, path, name);
      assert(error.message.includes(path), `${name}: ${error.message}`);
      assert(error.message.includes(`byte offset ${offset}`), `${name}: ${error.message}`);
    } finally {
      file.close();
    }
    assertEquals(await Deno.readFile(path), content, `${name}: the file must be unchanged`);
  }
});

Deno.test("replayWal reports the right offset for corruption past the first 1 MiB chunk", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const parts: string[] = [];
  for (let i = 0; i < 20_000; i++) parts.push(setText(`key${i}`, "v".repeat(80)));
  const good = concat(...parts);
  assert(good.length > 1 << 20);
  const content = concat(good, "3SEX1a1b\n", setText("c", "d"));
  await Deno.writeFile(path, content);
  const file = await Deno.open(path, { read: true, write: true, create: true });
  try {
    const error = await assertRejects(
      () => replayWal(file, path, [new MapStore()]),
      WalCorruptionError,
    ) as WalCorruptionError;
    assertEquals(error.offset, good.length);
    assert(error.message.includes(`byte offset ${good.length}`), error.message);
  } finally {
    file.close();
  }
  assertEquals((await Deno.stat(path)).size, content.length);
});

Deno.test("replayWal replays a file larger than its 1 MiB chunk, with a 3 MiB record", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const parts: string[] = [];
  const expected = new Map<string, string>();
  const big = "B".repeat(3 * 1024 * 1024 + 7) + binaryFromText("\n€");
  for (let i = 0; i < 30_000; i++) {
    const key = `key:${i}`;
    const value = i % 7 === 0 ? `v${i}-` + "x".repeat(100) : `v${i}`;
    parts.push(setText(key, value));
    expected.set(key, value);
    if (i % 11 === 0) {
      parts.push(delText(key));
      expected.delete(key);
    }
    if (i === 15_000) {
      parts.push(setText("big", big));
      expected.set("big", big);
    }
  }
  parts.push(setText("last", "end"));
  expected.set("last", "end");
  const content = concat(...parts);
  assert(content.length > 4 * 1024 * 1024);
  const { result, store, after } = await replayFile(path, content);
  assertEquals(result.records, parts.length);
  assertEquals(result.bytes, content.length);
  assertEquals(result.tornAt, null);
  assertEquals(store.size, expected.size);
  assertEquals(store.get("big"), big);
  assertEquals(new Map([...store.entries()].map(([key, value]) => [key, value])), expected);
  assertEquals(after.length, content.length);
});

Deno.test("replayWal cuts a torn 3 MiB record at the end of a large file", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const parts: string[] = [];
  for (let i = 0; i < 5_000; i++) parts.push(setText(`key${i}`, "y".repeat(100)));
  const earlier = concat(...parts);
  const torn = bytesFromBinary(setText("big", "B".repeat(3 * 1024 * 1024)));
  const content = concat(earlier, torn.subarray(0, torn.length - 1));
  const { result, store, after } = await replayFile(path, content);
  assertEquals(store.size, 5_000);
  assertEquals(store.get("big"), undefined);
  assertEquals(result.tornAt, earlier.length);
  assertEquals(result.tornBytes, torn.length - 1);
  assertEquals(after.length, earlier.length);
});

Deno.test("replayWal refuses, rather than cuts, a damaged length with records after it", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  // The key length "5" of the second record became "95": read that way it runs past
  // the end of the file, but whole records follow, so this is not a torn append.
  const content = concat(
    setText("a", "1"),
    "3SET95hello5world\n",
    setText("b", "2"),
    setText("c", "3"),
  );
  const error = await assertCorrupt(path, content);
  assertEquals(error.offset, setText("a", "1").length);
});

Deno.test("replayWal reads seed records whose key and value start with digits", async () => {
  // What the seed writes for SET 1st 42, SET counter 7, DEL 1st, SET 2 22.
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat("3SET31st242\n", "3SET7counter17\n", "3DEL31st\n", "3SET12222\n");
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, 4);
  assertEquals(contents(store), { "2": "22", counter: "7" });
});

Deno.test("replayWal reads the PUT and DROP walkv writes for long keys with digits", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat(
    setText("1st-of-month", "42"),
    setText("counter", "7"),
    delText("1st-of-month"),
    setText("2", "22"),
    setText("k", "4\n2345678901"),
  );
  assertEquals(
    bytesFromBinary(setText("1st-of-month", "42")),
    bytesFromBinary("3PUT12:1st-of-month2:421:0\n"),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, 5);
  assertEquals(contents(store), { "2": "22", counter: "7", k: "4\n2345678901" });
});

Deno.test("replayWal does not resurrect keys whose expiry passed while it was down", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const future = Date.now() + 3_600_000;
  const content = concat(
    setText("old", "v"),
    setText("old", "v2", 1_000), // expired long ago: the key is gone
    setText("gone", "v", Date.now() - 1),
    setText("later", "v", future),
    setText("expired-by-pexpireat", "v"),
    expireAtText("expired-by-pexpireat", 1),
    setText("persisted", "v", 5),
    setText("persisted", "v", future),
    expireAtText("persisted", 0),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, 9);
  assertEquals(contents(store), { later: "v", persisted: "v" });
  assertEquals(store.size, 2, "expired keys are not loaded at all");
  assertEquals(store.expiresAt("later"), future);
  assertEquals(store.expiresAt("persisted"), 0);
  assertEquals(store.expiringSize, 1);
});

Deno.test("replayWal applies PEXPIREAT to existing keys only", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const future = Date.now() + 3_600_000;
  const content = concat(
    expireAtText("missing", future),
    setText("k", "v"),
    expireAtText("k", future),
  );
  const { store } = await replayFile(`${dir}/wal`, content);
  assertEquals(contents(store), { k: "v" });
  assertEquals(store.expiresAt("k"), future);
  assertEquals(store.expiresAt("missing"), -1);
});

Deno.test("replayWal applies FLUSHALL to everything before it only", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat(
    setText("a", "1"),
    setText("b", "2", Date.now() + 3_600_000),
    flushAllText(),
    setText("c", "3"),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, 4);
  assertEquals(contents(store), { c: "3" });
  assertEquals(store.expiringSize, 0);
});

Deno.test("replayWal applies a MULTI record whole, in order", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const content = concat(
    setText("src", "value"),
    // RENAME src dst as the Db logs it: set the new key, delete the old one.
    multiText([setText("dst", "value"), delText("src")]),
    multiText([setText("1", "a"), setText("2", "b", Date.now() + 3_600_000)]),
    multiText([flushAllText(), setText("x", "y"), multiText([setText("z", "w")])]),
    setText("after", "!"),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, 5, "a MULTI counts as one record");
  assertEquals(contents(store), { after: "!", x: "y", z: "w" });
});

Deno.test("replayWal cuts a MULTI torn at any byte without applying any of it", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const earlier = concat(setText("a", "0"));
  const multi = bytesFromBinary(
    multiText([setText("a", "1"), setText("b", "2"), delText("a")]),
  );
  for (let k = 1; k < multi.length; k++) {
    const { result, store, after } = await replayFile(
      `${dir}/wal`,
      concat(earlier, multi.subarray(0, k)),
    );
    assertEquals(contents(store), { a: "0" }, `first ${k} bytes of the MULTI`);
    assertEquals(result.tornAt, earlier.length);
    assertEquals(after, earlier);
  }
});

Deno.test("replayWal restores binary keys and values byte for byte", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  const big = all.repeat(100); // 25,600 bytes: past every chunked path
  const records: [string, string][] = [
    ["k", all],
    [all, "v"],
    ["crlf\r\n", "\r\n\x00\n3DEL4crlf\r\n"],
    ["\xff\xfe", "\x80\x81"],
    ["big", big],
    ["9", big],
  ];
  const content = concat(
    ...records.map(([key, value], i) =>
      setText(key, value, i % 2 === 0 ? 0 : Date.now() + 3_600_000)
    ),
  );
  const { result, store } = await replayFile(`${dir}/wal`, content);
  assertEquals(result.records, records.length);
  assertEquals(result.tornAt, null);
  for (const [key, value] of records) assertEquals(store.get(key), value, JSON.stringify(key));
  assertEquals(store.size, records.length);
});

Deno.test("replayWal rejects a malformed colon record in the middle at its offset", async () => {
  await using temp = await tempDir();
  const dir = temp.path;
  const path = `${dir}/wal`;
  const good = concat(setText("a", "1"));
  const content = concat(good, "3PUT1:k1:v2:1x\n", setText("b", "2"));
  await Deno.writeFile(path, content);
  const file = await Deno.open(path, { read: true, write: true });
  try {
    const error = await assertRejects(
      () => replayWal(file, path, [new MapStore()]),
      WalCorruptionError,
    );
    assertEquals(error.offset, good.length + 12);
    assert(error.message.includes('"1x"'), error.message);
  } finally {
    file.close();
  }
  assertEquals(await Deno.readFile(path), content);
});

/** `record` as the WAL writes it: sealed unless it is one of the seed's. */
function written(record: string): string {
  return /^3(SET|DEL)/.test(record) ? record : sealedText(record);
}

Deno.test("replayWal cuts a torn sealed record at every byte, whatever records its value mimics", async () => {
  // Values that hold what looks like whole records (set over RESP): cut
  // short, a record holding one must still be read as torn, never as a
  // damaged record followed by others.
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const earlier = concat(setText("a", "1"), written(setText("1234567890", "x")));
  const values = [
    "\n3DEL1a\n",
    "\n3SET1a1b\n4DROP1:a\n",
    `\n${sealedText(delText("\n"))}${setText("z", "9")}`,
    "3CRC9:00000000:",
  ];
  for (const value of values) {
    const last = bytesFromBinary(written(setText("k", value)));
    for (let k = 1; k < last.length; k++) {
      const label = `first ${k} bytes of the record for ${JSON.stringify(value)}`;
      const { result, store, after } = await replayFile(path, concat(earlier, last.subarray(0, k)));
      assertEquals(contents(store), { a: "1", "1234567890": "x" }, label);
      assertEquals(result.tornAt, earlier.length, label);
      assertEquals(after, earlier, label);
    }
    const whole = await replayFile(path, concat(earlier, last));
    assertEquals(whole.store.get("k"), value);
  }
});

Deno.test("replayWal refuses a sealed record whose bytes do not match its checksum", async () => {
  await using temp = await tempDir();
  const path = `${temp.path}/wal`;
  const good = concat(setText("a", "1"));
  const sealed = bytesFromBinary(written(setText("k", "value\n", Date.now() + 3_600_000)));
  for (const at of [sealed.length - 3, sealed.length - 1, 20]) {
    const damaged = sealed.slice();
    damaged[at] ^= 0x04;
    for (const after of [setText("b", "2"), ""]) {
      // Damage is not a torn tail, last record or not: a complete record was
      // written, and may have been acknowledged.
      const error = await assertCorrupt(path, concat(good, damaged, after));
      assertEquals(error.offset, good.length, `byte ${at}, then ${JSON.stringify(after)}`);
      assert(/checksum/.test(error.message), error.message);
    }
  }
});

Deno.test("replayWal reads sealed and old unsealed records side by side", async () => {
  await using temp = await tempDir();
  const content = concat(
    setText("a", "1"),
    "3SET1k9old\nstyle\n", // the seed's record with a newline, as walkv wrote it before
    expireAtText("a", 0),
    written(setText("n", "\nnew")),
    written(multiText([setText("m1", "x"), delText("a")])),
    multiText([setText("m2", "y")]),
  );
  const { result, store } = await replayFile(`${temp.path}/wal`, content);
  assertEquals(result.tornAt, null);
  assertEquals(contents(store), { k: "old\nstyle", m1: "x", m2: "y", n: "\nnew" });
});
