/**
 * Golden WAL files: WALs written by walkv at commit a8daefb, the last before
 * issue 9 changed the record format, must replay in every later walkv to
 * exactly the state they were written with.
 *
 * Each `golden/<name>.wal` is the byte-exact WAL of a real a8daefb server.
 * A throwaway script (not committed) made them, run from a worktree of
 * a8daefb: per file it started that checkout's server,
 * `deno run --allow-net=127.0.0.1 --allow-read=DIR --allow-write=DIR main.ts --port P --wal DIR/wal`
 * (default flags: `--fsync always`, 8 shards), sent the file's `commands`
 * over loopback (RESP requests on one connection, text lines on another,
 * each reply awaited; BGREWRITEAOF waited for `compaction finished` in the
 * log), read the live state back (`KEYS *`, then `GET` and `PTTL` of each),
 * stopped the server with SIGTERM and copied `DIR/wal` as it was. For a torn
 * file it read the state and the WAL's size before the last command, then
 * cut bytes off the end of the copy. It waited 3.5 s, replayed the copy with
 * a8daefb's own `replayWal` into its `MapStore`, and wrote `<name>.wal` and
 * `<name>.json` (the replay's result and state, then `deno fmt`) only if that
 * state was the live one: the same keys and values, every expiry within the
 * window `PTTL` allowed, and keys whose expiry had passed gone. Rerun, it
 * wrote the same bytes for every file but `expiry.wal`, whose relative
 * expiries (EX, SETEX, PSETEX, EXPIRE, and the 3 s ones) follow the clock.
 *
 * `golden/<name>.json` holds what replaying `<name>.wal` must give:
 * `records`, `bytes`, `tornAt` and `tornBytes` as {@linkcode replayWal}
 * reports them, and `keys`, every key with its value and expiry (ms since
 * the epoch, 0 for none), sorted by key. Keys and values are walkv's binary
 * strings, one character U+0000–U+00FF per byte, written as JSON escapes
 * (`\n`, `\u0000`, `\u00ff`) outside printable ASCII, so `JSON.parse` gives
 * the bytes exactly. `commands` records what was sent, for the reader: an
 * array is a RESP request, a string a text-protocol line.
 *
 * What each file covers (the record kinds are `src/wal/record.ts`'s):
 * - `basic`: seed `3SET`/`3DEL` over both protocols; keys and values that
 *   start with digits (`3SET7counter242`), two-digit lengths, UTF-8; a DEL of
 *   an absent key (not logged); `3PUT`/`4DROP` of a 10+-byte key with digits.
 * - `binary`: keys and values holding `\n`, `\r\n`, NUL and 0x80–0xFF, short
 *   (seed `3SET`, e.g. the value `"\n3DEL1a\n"`) and long (`3PUT`, or a seed
 *   `3SET` with a three-digit length when there is no newline); every byte
 *   value in one key and in one value; `4DROP` and `3DEL` of binary keys.
 * - `expiry`: `3PUT` with an expiry (EX, PXAT, EXAT, SETEX, PSETEX,
 *   KEEPTTL); `9PEXPIREAT` (EXPIRE, PEXPIREAT, EXPIREAT, GETEX, and 0 from
 *   PERSIST and GETEX PERSIST); the `3DEL` of EXPIRE 0; and records whose
 *   time is past at replay, which must leave no key: PUTs with PXAT 1000 (one
 *   over a live key) and a PUT and a PEXPIREAT 3 s after the file was made.
 *   Other expiries are in 2100 or later (EX 100 years), so the files hold.
 * - `multi`: `5MULTI` from MSET, MSETNX, RENAME (of a key with a TTL, onto an
 *   existing key), RENAMENX, DEL and UNLINK of several keys (a `4DROP`
 *   inside); a one-pair MSET and a DEL finding one key (single records);
 *   `8FLUSHALL` from FLUSHDB and from FLUSHALL, both mid-file.
 * - `computed`: the SETs INCR, INCRBY, DECR, DECRBY, INCRBYFLOAT, APPEND,
 *   GETSET, GETDEL, SETNX, SET NX/XX/GET leave; INCR and APPEND of a key with
 *   a TTL (a `3PUT` keeping it).
 * - `compacted`: after BGREWRITEAOF, the snapshot (one `3SET` or `3PUT` per
 *   live key, a key with a newline among them) followed by a SET, a DEL and a
 *   PEXPIREAT made after it.
 * - `torn_put`: 18 bytes cut off, so the final `3PUT` stops one byte short of
 *   its value, which ends in what look like whole records (`3DEL1a\n` …).
 * - `torn_set`: 3 bytes cut off a final seed `3SET`. Both must be cut at
 *   `tornAt`, leaving the state before that record.
 *
 * @module
 */
import { assert, assertEquals } from "@std/assert";
import { MapStore } from "../../src/store/map_store.ts";
import { replayWal } from "../../src/wal/replay.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const GOLDEN = new URL("./golden/", import.meta.url);
const NAMES = [
  "basic",
  "binary",
  "expiry",
  "multi",
  "computed",
  "compacted",
  "torn_put",
  "torn_set",
];

/** One key of the expected state, as the JSON spells it. */
interface ExpectedKey {
  key: string;
  value: string;
  expiresAt: number;
}

/** A golden file's expectation: what replayWal reports, and the state. */
interface Expectation {
  records: number;
  bytes: number;
  tornAt: number | null;
  tornBytes: number;
  keys: ExpectedKey[];
}

/** Reads `<name>.json`, checking that every key and value is a binary string. */
async function readExpectation(name: string): Promise<Expectation> {
  const json = JSON.parse(await Deno.readTextFile(new URL(`${name}.json`, GOLDEN)));
  for (const { key, value } of json.keys as ExpectedKey[]) {
    for (const text of [key, value]) {
      if (typeof text !== "string" || /[\u0100-\uffff]/.test(text)) {
        throw new TypeError(
          `Expected a binary string (U+0000–U+00FF) in ${name}.json, found ${JSON.stringify(text)}`,
        );
      }
    }
  }
  return json;
}

/** The store's state in the JSON's shape and order. */
function state(store: MapStore): ExpectedKey[] {
  return [...store.entries()]
    .map(([key, value, expiresAt]) => ({ key, value: value as string, expiresAt }))
    .sort((a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
}

for (const name of NAMES) {
  Deno.test(`golden WAL ${name}.wal replays to the state walkv a8daefb wrote it with`, async () => {
    const golden = await Deno.readFile(new URL(`${name}.wal`, GOLDEN));
    const expected = await readExpectation(name);
    assertEquals(expected.bytes + expected.tornBytes, golden.length, `${name}.json vs its file`);

    // Replay cuts a torn tail off the file, so it gets a copy.
    await using temp = await tempDir();
    const path = `${temp.path}/wal`;
    await Deno.writeFile(path, golden);
    const store = new MapStore();
    const result = await (async () => {
      using file = await Deno.open(path, { read: true, write: true });
      return await replayWal(file, path, [store]);
    })();

    const { records, bytes, tornAt, tornBytes } = result;
    assertEquals({ records, bytes, tornAt, tornBytes }, {
      records: expected.records,
      bytes: expected.bytes,
      tornAt: expected.tornAt,
      tornBytes: expected.tornBytes,
    });
    assertEquals(state(store), expected.keys);
    assertEquals(store.size, expected.keys.length, "keys left that are expired");
    assertEquals(await Deno.readFile(path), golden.subarray(0, expected.bytes));
  });
}

Deno.test("golden WAL files are each listed, with an expectation", async () => {
  const files: string[] = [];
  for await (const entry of Deno.readDir(GOLDEN)) files.push(entry.name);
  const wals = files.filter((file) => file.endsWith(".wal")).map((file) => file.slice(0, -4));
  assertEquals(wals.sort(), [...NAMES].sort());
  for (const name of NAMES) assert(files.includes(`${name}.json`), `${name}.json is missing`);
});

Deno.test("golden WAL files hold every record kind walkv a8daefb writes", async () => {
  // A guard against regenerating away coverage, not a parser: each kind must
  // start a line somewhere (values may hold such lines too, so it is loose).
  let text = "";
  for (const name of NAMES) {
    const bytes = await Deno.readFile(new URL(`${name}.wal`, GOLDEN));
    text += "\n" + String.fromCharCode(...bytes);
  }
  for (const op of ["3SET", "3DEL", "3PUT", "4DROP", "9PEXPIREAT", "8FLUSHALL", "5MULTI"]) {
    assert(text.includes("\n" + op), `no golden WAL starts a record with ${op}`);
  }
  assert(/\n5MULTI\d+:[^\n]*\n4DROP/.test(text), "no MULTI holds a DROP");
});
