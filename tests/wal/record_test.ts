import { assert, assertEquals } from "@std/assert";
import { binaryFromText, bytesFromBinary } from "../../src/io/binary.ts";
import {
  decodeRecord,
  type DecodeResult,
  encodeContainerOp,
  encodeDel,
  encodeFlushDb,
  encodeInDb,
  encodeSet,
  encodeSwapDb,
  MAX_FIELD_BYTES,
  recordText,
  sealRecord,
  type WalRecord,
} from "../../src/wal/record.ts";
import { prng } from "../helpers/prng.ts";
import {
  delText,
  expireAtText,
  flushAllText,
  multiText,
  recordAsText,
  sealedText,
  setText,
} from "../helpers/record_text.ts";

/** Decodes binary string `text` (one character per byte) from `start`. */
function decode(text: string, start = 0, atEnd = true): DecodeResult {
  return decodeRecord(bytesFromBinary(text), start, atEnd);
}

/** Asserts `record` encodes to something that decodes back to it, whole. */
function assertRoundTrip(record: WalRecord, label = JSON.stringify(record)): void {
  const encoded = recordAsText(record);
  assertEquals(decode(encoded), { kind: "record", record, end: encoded.length }, label);
  // Followed by another record, it must still end at the same place.
  const next = setText("next", "record");
  assertEquals(
    decode(encoded + next),
    { kind: "record", record, end: encoded.length },
    `${label}, followed by another record`,
  );
}

function set(key: string, value: string, expiresAt = 0): WalRecord {
  return { op: "SET", key, value, expiresAt };
}

/**
 * A random binary string biased towards the bytes that matter to the
 * framing: digits, newlines, colons, uppercase op names and NUL. `safe`
 * leaves out what the seed's framing cannot carry unambiguously (newlines,
 * and digits in keys of 10 bytes or more), so every record stays a seed
 * record and the test exercises its multi-reading decoder.
 */
function randomBinary(random: () => number, maxLength: number, safe: "key" | "value" | false) {
  const pieces = [
    "0",
    "1",
    "9",
    "12",
    ":",
    "3SET",
    "3DEL",
    "4DROP",
    "\x00",
    "a",
    "\xff",
    "\xc3\xa9",
  ];
  pieces.push("\n", "\n3DEL1k\n");
  const length = Math.floor(random() * (maxLength + 1));
  let text = "";
  while (text.length < length) {
    text += random() < 0.5
      ? pieces[Math.floor(random() * pieces.length)]
      : String.fromCharCode(Math.floor(random() * 256));
  }
  if (safe === false) return text;
  const first = text.slice(0, 1);
  let rest = text.slice(1).replaceAll("\n", "n");
  if (safe === "key" && text.length >= 10) rest = rest.replace(/[0-9]/g, "d");
  return (first === "\n" ? "n" : first) + rest;
}

/** The malformed result, or a failed test when `result` is anything else. */
function malformed(result: DecodeResult): { offset: number; reason: string } {
  if (result.kind !== "malformed") {
    throw new Error(`expected a malformed result, got ${JSON.stringify(result)}`);
  }
  return result;
}

// --- The seed's records, byte for byte -------------------------------------

Deno.test("encodeSet writes the seed's record byte for byte", () => {
  assertEquals(setText("hello", "world"), "3SET5hello5world\n");
  assertEquals(setText("k", ""), "3SET1k0\n");
  assertEquals(setText("key", "a".repeat(12)), "3SET3key12" + "a".repeat(12) + "\n");
  assertEquals(setText("hello", "world", 0), "3SET5hello5world\n");
});

Deno.test("encodeDel writes the seed's record byte for byte", () => {
  assertEquals(delText("hello"), "3DEL5hello\n");
});

Deno.test("encodeSet and encodeDel write the seed's bytes for UTF-8 text", () => {
  // Lengths count bytes: the binary string of "héllo" is 6 characters long.
  const key = binaryFromText("héllo");
  assertEquals(delText(key), binaryFromText("3DEL6héllo\n"));
  assertEquals(setText(key, binaryFromText("€")), binaryFromText("3SET6héllo3€\n"));
  assertEquals(setText(binaryFromText("😀"), "x"), binaryFromText("3SET4😀1x\n"));
  assertEquals(
    bytesFromBinary(setText(key, binaryFromText("€"))),
    new TextEncoder().encode("3SET6héllo3€\n"),
  );
});

Deno.test("encodeSet keeps spaces inside seed values, and writes PUT for any newline", () => {
  assertEquals(setText("k", "a b c"), "3SET1k5a b c\n");
  // A seed record holding a newline could, torn, look like records after it.
  assertEquals(setText("k", "a b\nc"), "3PUT1:k5:a b\nc1:0\n");
  assertEquals(setText("k", "\n"), "3PUT1:k1:\n1:0\n");
  assertEquals(setText("k\n", "v"), "3PUT2:k\n1:v1:0\n");
});

Deno.test("encodeSet keeps the seed's record for a value starting with a digit", () => {
  // Without a newline in the value only one reading ends the record.
  assertEquals(setText("counter", "42"), "3SET7counter242\n");
  assertEquals(setText("k", "7 days"), "3SET1k67 days\n");
});

Deno.test("decodeRecord returns the seed's records and the offset after them", () => {
  assertEquals(decode("3SET5hello5world\n"), {
    kind: "record",
    record: set("hello", "world"),
    end: 17,
  });
  assertEquals(decode("3DEL5hello\n"), {
    kind: "record",
    record: { op: "DEL", key: "hello" },
    end: 11,
  });
});

Deno.test("decodeRecord reads from a start offset inside a buffer", () => {
  assertEquals(decode("3SET5hello5world\n3DEL5hello\n", 17), {
    kind: "record",
    record: { op: "DEL", key: "hello" },
    end: 28,
  });
});

Deno.test("decodeRecord reads seed records whose key or value starts with a digit", () => {
  // What the seed itself writes for these: its framing runs the lengths into
  // the text, and the decoder still finds the one reading that ends right.
  const cases: [string, WalRecord][] = [
    ["3SET7counter242\n", set("counter", "42")],
    ["3SET31st1v\n", set("1st", "v")],
    ["3DEL102024-01-01\n", { op: "DEL", key: "2024-01-01" }],
    ["3SET01v\n", set("", "v")],
    ["3SET1k10\n", set("k", "0")],
  ];
  for (const [text, record] of cases) {
    assertEquals(decode(text), { kind: "record", record, end: text.length }, text);
    assertEquals(
      decode(text + "3SET1a1b\n"),
      { kind: "record", record, end: text.length },
      `${text} followed by a record`,
    );
  }
});

// --- PUT and DROP: what walkv writes where the seed's framing is ambiguous -----

Deno.test("encodeSet keeps the seed's SET for keys under 10 bytes, digits or not", () => {
  assertEquals(setText("1k", "v"), "3SET21k1v\n");
  assertEquals(setText("0", "1"), "3SET1011\n");
});

Deno.test("encodeSet writes PUT for a key of 10+ bytes with a digit in it", () => {
  assertEquals(setText("1234567890", "v"), "3PUT10:12345678901:v1:0\n");
  assertEquals(setText("abcdefghijk", "v"), "3SET11abcdefghijk1v\n");
  assertEquals(setText("2024-01-01", "x"), "3PUT10:2024-01-011:x1:0\n");
});

Deno.test("encodeSet writes PUT for a value of any length holding a newline", () => {
  assertEquals(setText("k", "4\n2"), "3PUT1:k3:4\n21:0\n");
  assertEquals(setText("k", "4\n23456789"), "3PUT1:k10:4\n234567891:0\n");
  assertEquals(setText("k", "abcdefghi\n"), "3PUT1:k10:abcdefghi\n1:0\n");
});

Deno.test("encodeSet writes PUT with the expiry when there is one", () => {
  assertEquals(setText("k", "v", 1700000000000), "3PUT1:k1:v13:1700000000000\n");
  assertEquals(setText("hello", "", 5), "3PUT5:hello0:1:5\n");
});

Deno.test("encodeDel writes DROP for a key of 10+ bytes with a digit or newline in it", () => {
  assertEquals(delText("1k"), "3DEL21k\n");
  assertEquals(delText("0"), "3DEL10\n");
  assertEquals(delText("\n"), "4DROP1:\n\n");
  assertEquals(delText("1234567890"), "4DROP10:1234567890\n");
  assertEquals(delText("\n3DEL1k\nea"), "4DROP10:\n3DEL1k\nea\n");
});

Deno.test("encodeExpireAt, encodeFlushAll and encodeMulti write their colon records", () => {
  assertEquals(expireAtText("hello", 1700000000000), "9PEXPIREAT5:hello13:1700000000000\n");
  assertEquals(expireAtText("k", 0), "9PEXPIREAT1:k1:0\n");
  assertEquals(flushAllText(), "8FLUSHALL\n");
  assertEquals(multiText(["3SET1a1b\n", "3DEL1c\n"]), "5MULTI16:3SET1a1b\n3DEL1c\n\n");
  assertEquals(multiText([]), "5MULTI0:\n");
});

Deno.test("encodeRecord picks the encoding by op", () => {
  assertEquals(recordAsText(set("a", "b")), "3SET1a1b\n");
  assertEquals(recordAsText(set("a", "b", 9)), "3PUT1:a1:b1:9\n");
  assertEquals(recordAsText({ op: "DEL", key: "a" }), "3DEL1a\n");
  assertEquals(recordAsText({ op: "DEL", key: "9" }), "3DEL19\n");
  assertEquals(recordAsText({ op: "DEL", key: "1234567890" }), "4DROP10:1234567890\n");
  assertEquals(recordAsText({ op: "PEXPIREAT", key: "a", expiresAt: 12 }), "9PEXPIREAT1:a2:12\n");
  assertEquals(recordAsText({ op: "FLUSHALL" }), "8FLUSHALL\n");
  assertEquals(
    recordAsText({ op: "MULTI", records: [set("a", "b"), { op: "DEL", key: "1" }] }),
    "5MULTI16:3SET1a1b\n3DEL11\n\n",
  );
});

Deno.test("decodeRecord reads each colon record", () => {
  const cases: [string, WalRecord][] = [
    ["3PUT2:1k1:v1:0\n", set("1k", "v")],
    ["3PUT1:k1:v13:1700000000000\n", set("k", "v", 1700000000000)],
    ["3PUT0:0:1:0\n", set("", "")],
    ["4DROP2:1k\n", { op: "DEL", key: "1k" }],
    ["9PEXPIREAT5:hello13:1700000000000\n", {
      op: "PEXPIREAT",
      key: "hello",
      expiresAt: 1700000000000,
    }],
    ["8FLUSHALL\n", { op: "FLUSHALL" }],
    ["5MULTI0:\n", { op: "MULTI", records: [] }],
    ["5MULTI18:3SET1a1b\n4DROP1:1\n\n", {
      op: "MULTI",
      records: [set("a", "b"), { op: "DEL", key: "1" }],
    }],
  ];
  for (const [text, record] of cases) {
    assertEquals(decode(text), { kind: "record", record, end: text.length }, text);
  }
});

Deno.test("decodeRecord reads colon fields holding newlines, colons and digits", () => {
  const text = "3PUT4:1\n:23:\n\n\n1:0\n";
  assertEquals(decode(text), { kind: "record", record: set("1\n:2", "\n\n\n"), end: text.length });
});

Deno.test("colon records round-trip every op, nested MULTI included", () => {
  const records: WalRecord[] = [
    set("1st", "42"),
    set("k", "4\n2"),
    set("k", "v", 1),
    set("k", "v", 999_999_999_999_999),
    { op: "DEL", key: "2024-01-01" },
    { op: "PEXPIREAT", key: "k", expiresAt: 0 },
    { op: "PEXPIREAT", key: "1\n2", expiresAt: 1700000000000 },
    { op: "FLUSHALL" },
    { op: "MULTI", records: [] },
    {
      op: "MULTI",
      records: [
        set("a", "1"),
        set("1", "a\n3DEL1a\n", 5),
        { op: "DEL", key: "a" },
        { op: "FLUSHALL" },
        { op: "MULTI", records: [{ op: "PEXPIREAT", key: "x", expiresAt: 7 }, set("b", "c")] },
      ],
    },
  ];
  for (const record of records) assertRoundTrip(record);
});

Deno.test("records round-trip keys and values of every byte value", () => {
  let all = "";
  for (let byte = 0; byte < 256; byte++) all += String.fromCharCode(byte);
  assertRoundTrip(set("k", all), "SET of all 256 bytes");
  assertRoundTrip(set(all, "v"), "SET with a key of all 256 bytes");
  assertRoundTrip(set("k", all, 123), "PUT of all 256 bytes");
  assertRoundTrip({ op: "DEL", key: all }, "DROP of all 256 bytes");
  assertRoundTrip({ op: "DEL", key: "x" + all }, "DEL of all 256 bytes");
});

Deno.test("decodeRecord round-trips random records the seed framing can carry", () => {
  const random = prng(7);
  for (let n = 0; n < 1000; n++) {
    const key = randomBinary(random, 20, "key");
    const choice = random();
    const record: WalRecord = choice < 0.5
      ? set(
        key,
        randomBinary(random, 40, "value"),
        random() < 0.5 ? 0 : Math.floor(random() * 1e13),
      )
      : choice < 0.8
      ? { op: "DEL", key }
      : { op: "PEXPIREAT", key, expiresAt: Math.floor(random() * 1e13) };
    assertRoundTrip(record);
  }
});

Deno.test({
  name: 'encodeSet writes a record that reads back one way for a value holding "\\n3DEL1k"',
  fn() {
    // "3SET1k16\n3DEL1k\n3SET1a1b\n" reads as SET k "6", DEL k, SET a "b".
    for (
      const value of [
        "\n3DEL1k\n3SET1a1b",
        "\n3DEL1k\nab",
        "\n\x00abcdefgh",
        "a\n3DEL1k\n" + "y".repeat(11),
      ]
    ) {
      assertRoundTrip(set("k", value));
    }
    const random = prng(11);
    for (let n = 0; n < 1000; n++) {
      const key = randomBinary(random, 30, false);
      assertRoundTrip(set(key, randomBinary(random, 40, false)));
      assertRoundTrip({ op: "DEL", key });
    }
  },
});

Deno.test("decodeRecord reads back runs of random records exactly as encodeSet/encodeDel wrote them", () => {
  // A short reading of a length can run on into the next record, so whole
  // runs are decoded, from an alphabet of digits, newlines and op names.
  const random = prng(12345);
  const alphabet = "0123456789\n\nSETDLPUk3";
  const text = () => {
    let out = "";
    for (let n = Math.floor(random() ** 2 * 40); n > 0; n--) {
      out += alphabet[Math.floor(random() * alphabet.length)];
    }
    return out;
  };
  for (let trial = 0; trial < 20_000; trial++) {
    const records: WalRecord[] = [];
    for (let r = 0; r < 3; r++) {
      records.push(random() < 0.7 ? set(text(), text()) : { op: "DEL", key: text() });
    }
    const bytes = bytesFromBinary(records.map(recordAsText).join(""));
    const decoded: WalRecord[] = [];
    for (let at = 0; at < bytes.length;) {
      const result = decodeRecord(bytes, at, true);
      if (result.kind !== "record") throw new Error(`trial ${trial}: ${JSON.stringify(result)}`);
      decoded.push(result.record);
      at = result.end;
    }
    assertEquals(decoded, records, `trial ${trial}`);
  }
});

Deno.test("a value holding seed records inside a colon record is not split", () => {
  // PUT frames each field by its length, so record-like text inside is inert.
  for (const value of ["1\n3DEL1k\nxx", "0\n3SET1a1b\n", "9\n\x00" + "x".repeat(8)]) {
    const record = set("k", value);
    assert(recordAsText(record).startsWith("3PUT"), JSON.stringify(value));
    assertRoundTrip(record);
  }
});

// --- Torn records ----------------------------------------------------------

Deno.test("decodeRecord says incomplete for every proper prefix of a record", () => {
  const records = [
    "3SET5hello5world\n",
    "3DEL5hello\n",
    setText(binaryFromText("héllo"), binaryFromText("a\nb c 😀")),
    setText("k", "v".repeat(123)),
    "3PUT2:1k1:v1:0\n",
    setText("k", "v".repeat(123), 1700000000000),
    "4DROP2:1k\n",
    "9PEXPIREAT5:hello13:1700000000000\n",
    "8FLUSHALL\n",
    multiText([setText("a", "1"), delText("1b"), expireAtText("c", 5)]),
  ];
  for (const record of records) {
    const full = bytesFromBinary(record);
    for (let k = 0; k < full.length; k++) {
      assertEquals(
        decodeRecord(full.subarray(0, k), 0, true),
        { kind: "incomplete" },
        `prefix of ${k} bytes of ${JSON.stringify(record)}`,
      );
    }
    assertEquals(decodeRecord(full, 0, true).kind, "record", JSON.stringify(record));
  }
});

Deno.test("decodeRecord says incomplete for a colon length that runs past the end", () => {
  assertEquals(decode("3PUT999:abc"), { kind: "incomplete" });
  assertEquals(decode("5MULTI100:3SET1a1b\n"), { kind: "incomplete" });
});

// --- Malformed records -----------------------------------------------------

Deno.test("decodeRecord says malformed where a length has no digits", () => {
  const op = malformed(decode("XSET5hello5world\n"));
  assertEquals(op.offset, 0);
  assert(op.reason.includes('"X"'), op.reason);

  const key = malformed(decode("3SETx"));
  assertEquals(key.offset, 4);
  assert(key.reason.includes('"x"'), key.reason);

  const value = malformed(decode("3SET5hello\u0000"));
  assertEquals(value.offset, 10);
  assert(value.reason.includes("0x00"), value.reason);
});

Deno.test("decodeRecord reports offsets relative to the buffer, not the start", () => {
  assertEquals(malformed(decode("3DEL1a\n3SET1b-", 7)).offset, 13);
  assertEquals(malformed(decode("3DEL1a\n3PUT1:kx", 7)).offset, 14);
});

Deno.test("decodeRecord says malformed for an unknown operation at the record start", () => {
  const result = malformed(decode("3SEX5hello5world\n"));
  assertEquals(result.offset, 0);
  assert(result.reason.includes('"SEX"'), result.reason);

  const lower = malformed(decode("3DEL1a\n3set1a1b\n", 7));
  assertEquals(lower.offset, 7);
  assert(lower.reason.includes('"set"'), lower.reason);
});

Deno.test("decodeRecord says malformed when the newline terminator is missing", () => {
  const set = malformed(decode("3SET5hello5worldX"));
  assertEquals(set.offset, 16);
  assert(set.reason.includes('"X"'), set.reason);

  const del = malformed(decode("3DEL5hello3DEL"));
  assertEquals(del.offset, 10);
  assert(del.reason.includes('"3"'), del.reason);
});

Deno.test("decodeRecord says malformed for a colon field without its colon", () => {
  const result = malformed(decode("3PUT2x1k1:v1:0\n"));
  assertEquals(result.offset, 5);
  assert(result.reason.includes('":"'), result.reason);
  assert(result.reason.includes('"x"'), result.reason);
  assert(result.reason.includes("PUT"), result.reason);
});

Deno.test("decodeRecord says malformed where a colon field length is expected", () => {
  const result = malformed(decode("4DROP2:1kX\n"));
  assertEquals(result.offset, 9);
  assert(result.reason.includes('"X"'), result.reason);
  assert(result.reason.includes("DROP"), result.reason);
});

Deno.test("decodeRecord says malformed for a colon record with the wrong field count", () => {
  const extra = malformed(decode("3DEL1a\n4DROP1:a1:b\n", 7));
  assertEquals(extra.offset, 7);
  assert(extra.reason.includes("DROP record has 1 field"), extra.reason);
  assert(extra.reason.includes("found 2"), extra.reason);

  const missing = malformed(decode("3PUT1:k1:v\n"));
  assertEquals(missing.offset, 0);
  assert(missing.reason.includes("found 2"), missing.reason);

  const flush = malformed(decode("8FLUSHALL1:x\n"));
  assertEquals(flush.offset, 0);
  assert(flush.reason.includes("FLUSHALL"), flush.reason);
});

Deno.test("decodeRecord says malformed for an expiry that is not a time in milliseconds", () => {
  const letters = malformed(decode("3PUT1:k1:v2:1x\n"));
  assertEquals(letters.offset, 12);
  assert(letters.reason.includes('"1x"'), letters.reason);

  const empty = malformed(decode("9PEXPIREAT1:k0:\n"));
  assertEquals(empty.offset, 15);
  assert(empty.reason.includes('""'), empty.reason);

  const negative = malformed(decode("9PEXPIREAT1:k2:-1\n"));
  assertEquals(negative.offset, 15);
  assert(negative.reason.includes('"-1"'), negative.reason);
});

Deno.test("decodeRecord says malformed for a MULTI holding a bad or cut record", () => {
  // The inner record's offset is reported in the outer buffer's terms.
  const bad = malformed(decode("5MULTI16:3SET1a1b\n3SEX1c\n\n"));
  assertEquals(bad.offset, 18);
  assert(bad.reason.includes('"SEX"'), bad.reason);

  const cut = malformed(decode("5MULTI12:3SET1a1b\n3DE\n"));
  assertEquals(cut.offset, 18);
  assert(cut.reason.includes("ends inside a record"), cut.reason);
});

// --- Lengths ---------------------------------------------------------------

Deno.test("decodeRecord tries every digit count of a length before giving up", () => {
  // Key length 1 ("2"), then a value length that runs past the end: a torn prefix.
  assertEquals(decode("3SET1234567890"), { kind: "incomplete" });
  // Key length 12 ("3abcdefghijk") is the only reading that ends in a newline.
  assertEquals(decode("3DEL123abcdefghijk\n"), {
    kind: "record",
    record: { op: "DEL", key: "3abcdefghijk" },
    end: 19,
  });
});

Deno.test("decodeRecord never reads a length over the field limit", () => {
  const tooLong = String(MAX_FIELD_BYTES + 1);
  // Every reading is either over the limit or runs past the end: nothing is allocated.
  assertEquals(decode(`3SET${tooLong}`), { kind: "incomplete" });
  assertEquals(decode(`3DEL${tooLong}`), { kind: "incomplete" });
});

Deno.test("decodeRecord reads a value longer than 8192 bytes exactly", () => {
  let value = "";
  for (let i = 0; i < 70_000; i++) value += String.fromCharCode((i * 7) % 256);
  assertRoundTrip(set("big", value, 42));
  assertRoundTrip({ op: "MULTI", records: [set("big", value), set("1", value)] });
});

Deno.test("sealRecord leaves the seed's records as they are and seals walkv's own", () => {
  assertEquals(sealedText("3SET1k1v\n"), "3SET1k1v\n");
  assertEquals(sealedText("3DEL1k\n"), "3DEL1k\n");
  const put = setText("k", "v\n");
  const sealed = sealedText(put);
  assertEquals(
    sealed,
    `3CRC${put.length}:${sealed.slice(-put.length - 9, -put.length - 1)}:${put}`,
  );
  assertEquals(decode(sealed), { kind: "record", record: set("k", "v\n"), end: sealed.length });
});

Deno.test("decodeRecord reads a sealed record only whole, checksum and all", () => {
  const sealed = sealedText(multiText([setText("a", "1"), delText("b\n")]));
  const record: WalRecord = { op: "MULTI", records: [set("a", "1"), { op: "DEL", key: "b\n" }] };
  assertEquals(decode(sealed + setText("x", "y")), { kind: "record", record, end: sealed.length });
  for (let k = 0; k < sealed.length; k++) {
    assertEquals(decode(sealed.slice(0, k)).kind, "incomplete", `first ${k} bytes`);
  }
  const flipped = sealed.slice(0, -2) + (sealed.at(-2) === "x" ? "y" : "x") + "\n";
  assert(/checksum/.test(malformed(decode(flipped)).reason));
  // A sealed record's length must cover exactly one record.
  const short = sealed.replace(/^3CRC(\d+)/, (_, n) => `3CRC${Number(n) - 1}`);
  assert(malformed(decode(short)).reason.length > 0);
});

Deno.test("decodeRecord refuses a sealed record inside a MULTI", () => {
  const inner = sealedText(setText("k", "v\n"));
  const result = decode(multiText([inner]));
  assert(/sealed record inside/.test(malformed(result).reason), JSON.stringify(result));
});

Deno.test("the database records are written and read as hand-written bytes", () => {
  // Written out by hand, not by the encoder, so the format itself is pinned.
  assertEquals(encodeFlushDb(), ["7FLUSHDB\n"]);
  assertEquals(encodeSwapDb(0, 13), ["6SWAPDB1:02:13\n"]);
  assertEquals(recordText(encodeInDb(3, encodeSet("k", "v"))), "2DB1:39:3SET1k1v\n\n");
  assertEquals(
    recordText(encodeInDb(12, encodeDel("1234567890"))),
    "2DB2:1219:4DROP10:1234567890\n\n",
  );
  assertEquals(decode("7FLUSHDB\n"), { kind: "record", record: { op: "FLUSHDB" }, end: 9 });
  assertEquals(decode("6SWAPDB2:121:3\n"), {
    kind: "record",
    record: { op: "SWAPDB", a: 12, b: 3 },
    end: 15,
  });
  assertEquals(decode("2DB1:39:3SET1k1v\n\n"), {
    kind: "record",
    record: { op: "DB", index: 3, record: { op: "SET", key: "k", value: "v", expiresAt: 0 } },
    end: 18,
  });
  const sealed = recordText(sealRecord(encodeInDb(3, encodeSet("k", "v"))));
  assertEquals(sealed, "3CRC18:d374770b:2DB1:39:3SET1k1v\n\n");
});

Deno.test("a DB record holds exactly one record and a whole database number", () => {
  for (
    const bad of ["2DB1:x9:3SET1k1v\n\n", "2DB1:316:3SET1k1v\n3DEL1k\n\n", "2DB0:9:3SET1k1v\n\n"]
  ) {
    assertEquals(decode(bad).kind, "malformed", JSON.stringify(bad));
  }
});

Deno.test("container changes are walkv's colon records, by hand-written bytes", () => {
  assertEquals(
    recordText(encodeContainerOp("HSET", "user", ["name", "ada", "age", "36"])),
    "4HSET4:user4:name3:ada3:age2:36\n",
  );
  assertEquals(recordText(encodeContainerOp("HDEL", "user", ["age"])), "4HDEL4:user3:age\n");
  assertEquals(recordText(encodeContainerOp("SADD", "k\n", ["", "\x00"])), "4SADD2:k\n0:1:\x00\n");
  assertEquals(recordText(encodeContainerOp("SREM", "tags", ["a"])), "4SREM4:tags1:a\n");
  // Sealed, as the file holds them; the checksum was computed by a bitwise
  // CRC-32C written apart from walkv's (it gives e3069283 for "123456789").
  const sealed = "3CRC18:923273a5:4SADD4:tags1:a1:b\n";
  assertEquals(recordText(sealRecord(["4SADD4:tags1:a1:b\n"])), sealed);
  assertEquals(decode(sealed), {
    kind: "record",
    record: { op: "CONTAINER", name: "SADD", key: "tags", args: ["a", "b"] },
    end: sealed.length,
  });
});

Deno.test("sorted-set changes are ZADD score-member pairs and ZREM members, by hand-written bytes", () => {
  // Scores as JavaScript's String writes them (Number reads them back), -0 as "-0".
  assertEquals(
    recordText(encodeContainerOp("ZADD", "board", ["1.5", "ada", "Infinity", "bob", "-0", "zero"])),
    "4ZADD5:board3:1.53:ada8:Infinity3:bob2:-04:zero\n",
  );
  assertEquals(recordText(encodeContainerOp("ZREM", "board", ["ada"])), "4ZREM5:board3:ada\n");
  assertEquals(recordText(encodeContainerOp("ZREM", "", ["\r\n", ""])), "4ZREM0:2:\r\n0:\n");
  // Sealed, with checksums from the same separate bitwise CRC-32C.
  const zadd = "3CRC48:4143a558:4ZADD5:board3:1.53:ada8:Infinity3:bob2:-04:zero\n";
  assertEquals(
    recordText(sealRecord(["4ZADD5:board3:1.53:ada8:Infinity3:bob2:-04:zero\n"])),
    zadd,
  );
  assertEquals(decode(zadd), {
    kind: "record",
    record: {
      op: "CONTAINER",
      name: "ZADD",
      key: "board",
      args: ["1.5", "ada", "Infinity", "bob", "-0", "zero"],
    },
    end: zadd.length,
  });
  const zrem = "3CRC18:8146f7fe:4ZREM5:board3:ada\n";
  assertEquals(recordText(sealRecord(["4ZREM5:board3:ada\n"])), zrem);
  assertEquals(decode(zrem), {
    kind: "record",
    record: { op: "CONTAINER", name: "ZREM", key: "board", args: ["ada"] },
    end: zrem.length,
  });
  assertEquals(decode("4ZADD1:k1:1\n"), {
    kind: "malformed",
    offset: 0,
    reason: "a ZADD record has at least 3 field(s), found 2",
  });
  assertEquals(decode("4ZREM1:k\n"), {
    kind: "malformed",
    offset: 0,
    reason: "a ZREM record has at least 2 field(s), found 1",
  });
});

Deno.test("container changes round-trip, and too few fields is damage", () => {
  for (
    const record of [
      { op: "CONTAINER", name: "HSET", key: "h", args: ["f", "v"] },
      { op: "CONTAINER", name: "HDEL", key: "", args: ["\r\n", "x"] },
      { op: "CONTAINER", name: "SADD", key: "1", args: ["2", "3", "4"] },
      { op: "CONTAINER", name: "SREM", key: "s", args: [""] },
      { op: "CONTAINER", name: "ZADD", key: "z", args: ["-Infinity", "m", "5e-324", "\x00"] },
      { op: "CONTAINER", name: "ZREM", key: "z", args: ["m", "\n"] },
    ] as WalRecord[]
  ) assertRoundTrip(record);
  assertEquals(decode("4HSET1:k1:f\n"), {
    kind: "malformed",
    offset: 0,
    reason: "a HSET record has at least 3 field(s), found 2",
  });
  assertEquals(decode("4SREM1:k\n"), {
    kind: "malformed",
    offset: 0,
    reason: "a SREM record has at least 2 field(s), found 1",
  });
});

Deno.test("list changes are walkv's colon records, by hand-written bytes", () => {
  const cases: [Parameters<typeof encodeContainerOp>, string][] = [
    [["LPUSH", "q", ["a", "bc"]], "5LPUSH1:q1:a2:bc\n"],
    [["RPUSH", "list", ["x\n", ""]], "5RPUSH4:list2:x\n0:\n"],
    [["LPOP", "q", ["2"]], "4LPOP1:q1:2\n"],
    [["RPOP", "q", ["10"]], "4RPOP1:q2:10\n"],
    [["LSET", "q", ["0", "new"]], "4LSET1:q1:03:new\n"],
    [["LINSERT", "q", ["3", "v"]], "7LINSERT1:q1:31:v\n"],
    [["LREM", "q", ["-2", "a"]], "4LREM1:q2:-21:a\n"],
    [["LTRIM", "q", ["1", "0"]], "5LTRIM1:q1:11:0\n"],
  ];
  for (const [[op, key, args], text] of cases) {
    assertEquals(recordText(encodeContainerOp(op, key, args)), text);
    assertEquals(decode(text), {
      kind: "record",
      record: { op: "CONTAINER", name: op, key, args },
      end: text.length,
    });
  }
  // Sealed, the checksums from the same bitwise CRC-32C as above.
  for (
    const [record, sealed] of [
      ["5RPUSH1:q1:a1:b\n", "3CRC16:c0eadb45:5RPUSH1:q1:a1:b\n"],
      ["4LREM1:q2:-21:a\n", "3CRC16:de93607f:4LREM1:q2:-21:a\n"],
    ]
  ) {
    assertEquals(recordText(sealRecord([record])), sealed);
    assertEquals(decode(sealed).kind, "record");
  }
});

Deno.test("a list change with a bad number or the wrong field count is damage", () => {
  for (
    const [text, offset, reason] of [
      ["4LPOP1:q1:x\n", 10, 'expected a count or an index in a LPOP record, found "x"'],
      ["4RPOP1:q2:-1\n", 10, 'expected a count or an index in a RPOP record, found "-1"'],
      ["4LSET1:q2:011:v\n", 10, 'expected a count or an index in a LSET record, found "01"'],
      ["7LINSERT1:q0:1:v\n", 13, 'expected a count or an index in a LINSERT record, found ""'],
      ["4LREM1:q2:+11:a\n", 10, 'expected an integer in a LREM record, found "+1"'],
      ["4LREM1:q2:-01:a\n", 10, 'expected an integer in a LREM record, found "-0"'],
      ["5LTRIM1:q1:02: 1\n", 14, 'expected a count or an index in a LTRIM record, found " 1"'],
      ["4LPOP1:q\n", 0, "a LPOP record has 2 field(s), found 1"],
      ["4LPOP1:q1:11:x\n", 0, "a LPOP record has 2 field(s), found 3"],
      ["5LTRIM1:q1:0\n", 0, "a LTRIM record has 3 field(s), found 2"],
      ["5RPUSH1:q\n", 0, "a RPUSH record has at least 2 field(s), found 1"],
      ["7LINSERT1:q1:01:v1:w\n", 0, "a LINSERT record has 3 field(s), found 4"],
    ] as const
  ) {
    assertEquals(decode(text), { kind: "malformed", offset, reason }, text);
  }
  assertEquals(decode("4LREM1:q1:01:a\n").kind, "record", "LREM's 0 removes every match");
  assertEquals(decode("5LPUSH1:q1:-\n").kind, "record", "an element is any bytes");
});

Deno.test("RENAME and MOVE of a container are colon records of their own, by hand-written bytes", () => {
  assertEquals(recordText(encodeContainerOp("RENAME", "todo", ["done"])), "6RENAME4:todo4:done\n");
  assertEquals(recordText(encodeContainerOp("MOVE", "todo", ["3"])), "4MOVE4:todo1:3\n");
  assertEquals(decode("4MOVE4:todo1:3\n"), {
    kind: "record",
    record: { op: "CONTAINER", name: "MOVE", key: "todo", args: ["3"] },
    end: 15,
  });
  assertEquals(decode("4MOVE1:k2:x1\n").kind, "malformed");
  assertEquals(decode("6RENAME1:k\n"), {
    kind: "malformed",
    offset: 0,
    reason: "a RENAME record has 2 field(s), found 1",
  });
});
