/**
 * The text protocol keeps bytes, as the Go seed does: every byte value a
 * field can hold (all but Go's ASCII white space `\t \n \v \f \r` and space)
 * goes into keys and values over the text protocol and comes back unchanged
 * there, over RESP, and after a SIGKILL and a restart on the same WAL.
 * Invalid UTF-8 is not replaced: `k\xff` and `k\xfe` are two keys.
 *
 * Lines and replies are written here as binary strings (one char per byte).
 */
import { assert, assertEquals } from "@std/assert";
import { binaryFromBytes, bytesFromBinary } from "../../src/io/binary.ts";
import { bulkReply, concat, frame } from "../helpers/resp_frames.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** Every byte value but Go's ASCII white space, which ends a field. */
const FIELD_BYTES = Array.from({ length: 256 }, (_, byte) => byte)
  .filter((byte) => !(byte === 0x20 || (byte >= 0x09 && byte <= 0x0d)))
  .map((byte) => String.fromCharCode(byte));

/** Every field byte in ascending order: no two of them form a UTF-8 space. */
const ALL_FIELD_BYTES = FIELD_BYTES.join("");

/** Key → value, all as binary strings: each byte alone, in the middle, at the ends. */
function pairs(): Map<string, string> {
  const pairs = new Map<string, string>();
  for (const b of FIELD_BYTES) pairs.set(`key${b}`, `${b}v${b}`);
  for (const b of FIELD_BYTES) pairs.set(`${b}`, `${b}`);
  pairs.set("k\xff", "one");
  pairs.set("k\xfe", "two");
  pairs.set("a\x80b", "a\x80b");
  pairs.set(`all${ALL_FIELD_BYTES}`, ALL_FIELD_BYTES);
  pairs.set(ALL_FIELD_BYTES, `${ALL_FIELD_BYTES}\x00${ALL_FIELD_BYTES}`);
  return pairs;
}

/** Reads `count` reply lines and returns them as one binary string. */
async function replies(connection: RawConnection, count: number): Promise<string> {
  const bytes = await connection.readReplies(count, 20_000);
  return binaryFromBytes(bytes, 0, bytes.length);
}

/** Sends binary-string `lines` in one write and asserts the exact replies. */
async function exchange(connection: RawConnection, steps: [line: string, reply: string][]) {
  const sent = connection.send(bytesFromBinary(steps.map(([line]) => line).join("")));
  const received = await replies(connection, steps.length);
  await sent;
  const expected = steps.map(([, reply]) => reply).join("");
  if (received !== expected) {
    // Name the first line whose reply differs, rather than the whole batch.
    const lines = received.split("\n");
    const index = steps.findIndex(([, reply], i) => lines[i] + "\n" !== reply);
    if (index !== -1) {
      const [line, reply] = steps[index];
      assertEquals(lines[index] + "\n", reply, `reply to ${JSON.stringify(line)}`);
    }
  }
  assertEquals(received, expected);
}

/** Asserts every key of `pairs` holds its value over the text protocol, and misses are echoed raw. */
async function assertText(port: number, pairs: Map<string, string>): Promise<void> {
  using connection = await RawConnection.connect(port);
  const steps: [string, string][] = [...pairs].map(([key, value]) => [
    `GET ${key}\n`,
    `+OK ${value}\n`,
  ]);
  steps.push([
    "GET nokey\xff\x80\x00\xc3\n",
    "-GET could not find nokey\xff\x80\x00\xc3 in store\n",
  ]);
  await exchange(connection, steps);
}

/** Asserts every key of `pairs` holds its value over RESP, with raw GETs. */
async function assertResp(port: number, pairs: Map<string, string>): Promise<void> {
  using connection = await RawConnection.connect(port);
  const keys = [...pairs.keys()];
  const sent = connection.send(concat(...keys.map((key) => frame("GET", bytesFromBinary(key)))));
  // No value holds CR or LF, so each bulk reply is exactly two lines.
  const received = await replies(connection, 2 * keys.length);
  await sent;
  const expected = keys.map((key) => bulkReply(bytesFromBinary(pairs.get(key)!)));
  const text = concat(...expected);
  assertEquals(received, binaryFromBytes(text, 0, text.length));
}

/** Starts walkv on the WAL in `walDir`. */
function start(walDir: string, args: string[] = []): Promise<ServerProcess> {
  return startServer({ walDir, args });
}

Deno.test("text protocol keeps every byte value in keys and values, over RESP and across SIGKILL", async () => {
  await using dir = await tempDir();
  const expected = pairs();
  {
    await using server = await start(dir.path);
    using connection = await RawConnection.connect(server.port);
    // Some lines end in CRLF: the CR goes with the line end, not the value.
    const steps: [string, string][] = [...expected].map(([key, value], i) => [
      `SET ${key} ${value}${i % 3 === 0 ? "\r\n" : "\n"}`,
      "+OK\n",
    ]);
    await exchange(connection, steps);
    await exchange(connection, [
      ["GET k\xff\n", "+OK one\n"],
      ["GET k\xfe\n", "+OK two\n"],
      ["GET a\x80b\n", "+OK a\x80b\n"],
    ]);
    await assertText(server.port, expected);
    await assertResp(server.port, expected);
    const status = await server.kill();
    assertEquals(status.signal, "SIGKILL");
  }
  await using restarted = await start(dir.path);
  await assertText(restarted.port, expected);
  await assertResp(restarted.port, expected);
  const status = await restarted.stop("SIGTERM");
  assertEquals(status.code, 0, restarted.stderrText());
});

Deno.test("text protocol splits on UTF-8 spaces but not on lone bytes or cut-short sequences", async () => {
  await using dir = await tempDir();
  await using server = await start(dir.path);
  using connection = await RawConnection.connect(server.port);
  await exchange(connection, [
    // U+00A0 and U+3000 as UTF-8 separate fields, as Go's strings.Fields.
    ["SET\xc2\xa0u1\xe3\x80\x80v1\n", "+OK\n"],
    ["GET u1\n", "+OK v1\n"],
    // A lone A0 or 85 byte, or E2 80 cut short, is part of the field.
    ["SET u\xa0\x85 v\xe2\x80\n", "+OK\n"],
    ["GET u\xa0\x85\n", "+OK v\xe2\x80\n"],
    // E2 is one invalid byte; the C2 A0 after it is a space.
    ["SET u\xe2\xc2\xa0v\xe2\n", "+OK\n"],
    ["GET u\xe2\n", "+OK v\xe2\n"],
  ]);
  // Over RESP the keys are exactly those bytes.
  await assertResp(server.port, new Map([["u\xa0\x85", "v\xe2\x80"], ["u\xe2", "v\xe2"]]));
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
});

Deno.test("text protocol reads a key set over RESP with any bytes byte for byte", async () => {
  await using dir = await tempDir();
  await using server = await start(dir.path);
  {
    using resp = await RawConnection.connect(server.port);
    await resp.send(
      frame("SET", bytesFromBinary("r\x80\xff\xc3"), bytesFromBinary("\xfe\x00\xe2")),
    );
    assertEquals(await replies(resp, 1), "+OK\r\n");
  }
  using connection = await RawConnection.connect(server.port);
  await exchange(connection, [["GET r\x80\xff\xc3\n", "+OK \xfe\x00\xe2\n"]]);
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
});

Deno.test("text protocol keeps bytes split across one-byte writes and in a final line at hang-up", async () => {
  await using dir = await tempDir();
  await using server = await start(dir.path);
  {
    using connection = await RawConnection.connect(server.port);
    // A multi-byte character and invalid bytes cut between writes.
    const line = bytesFromBinary("SET s\xe2\x82\xac\xff\xc3 v\xf0\x9f\x98\x80\xe2\r\n");
    for (let i = 0; i < line.length; i++) {
      await connection.send(line.subarray(i, i + 1));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assertEquals(await replies(connection, 1), "+OK\n");
  }
  {
    // The last line has no newline and ends in a cut-short sequence.
    using connection = await RawConnection.connect(server.port);
    await connection.send(
      bytesFromBinary("SET t\xe2\x82 w\xc3\nGET s\xe2\x82\xac\xff\xc3\nGET t\xe2\x82"),
    );
    await connection.conn.closeWrite();
    const all = await connection.readToEnd();
    assertEquals(
      binaryFromBytes(all, 0, all.length),
      "+OK\n+OK v\xf0\x9f\x98\x80\xe2\n+OK w\xc3\n",
    );
  }
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
});

Deno.test("text protocol --max-line counts bytes, not characters", async () => {
  await using dir = await tempDir();
  await using server = await start(dir.path, ["--max-line", "64"]);
  const head = "SET k ";
  {
    // 64 bytes exactly: accepted, whether the bytes are valid UTF-8 or not.
    using connection = await RawConnection.connect(server.port);
    const twoByte = "\xc3\xa9".repeat((64 - head.length) / 2);
    const invalid = "\xff".repeat(64 - head.length);
    await exchange(connection, [
      [`${head}${twoByte}\n`, "+OK\n"],
      ["GET k\n", `+OK ${twoByte}\n`],
      [`${head}${invalid}\n`, "+OK\n"],
      ["GET k\n", `+OK ${invalid}\n`],
    ]);
  }
  {
    // 65 bytes, only 36 characters as UTF-8: refused, and the connection closed.
    using connection = await RawConnection.connect(server.port);
    await connection.send(bytesFromBinary(`${head}${"\xc3\xa9".repeat(29)}x\n`));
    const answer = await connection.readToEnd();
    const text = binaryFromBytes(answer, 0, answer.length);
    assert(text.startsWith("-line too long") && text.endsWith("\n"), JSON.stringify(text));
  }
  const status = await server.stop("SIGTERM");
  assertEquals(status.code, 0, server.stderrText());
});
