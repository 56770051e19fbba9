/**
 * Bitmaps, byte for byte against a real redis-server: SETBIT, GETBIT,
 * BITCOUNT, BITPOS, BITOP, BITFIELD and BITFIELD_RO with their edge cases
 * (negative, huge and non-integer offsets, bit values other than 0 and 1,
 * BYTE/BIT ranges, missing keys, empty strings, values with bytes ≥ 0x80
 * written over RESP, WRONGTYPE against a hash, BITOP with missing sources,
 * BITFIELD overflow in every mode, `#` offsets, every field width's limits,
 * arity errors), over RESP2 and again after `HELLO 3`. Both servers run
 * with the same 1 MiB string limit (walkv's `--max-bulk`, Redis's
 * `proto-max-bulk-len`), so the limit's errors are compared too.
 *
 * Then walkv alone: SETBIT, BITOP and BITFIELD writes come back after a
 * SIGKILL, and after a compaction and a SIGKILL, byte for byte.
 */
import { survivesKillAndCompaction } from "../helpers/kill_and_compact.ts";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { RawConnection } from "../helpers/server_process.ts";
import { normaliseHello } from "../helpers/transcript.ts";
import { ByteTranscript } from "../helpers/byte_transcript.ts";

/** The string limit both servers run with: 1 MiB, Redis's smallest `proto-max-bulk-len`. */
const LIMIT = 1024 * 1024;

/** Bytes, for values that are not text. */
const bytes = (...values: number[]) => new Uint8Array(values);

/** A value of `length` bytes cycling through every byte value, 0x80 and up included. */
function pattern(length: number, step: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * step + (i >> 3)) & 0xff);
}

/** Everything the bit commands do, on one server, over RESP `protocol`. */
async function bitScenario(port: number, protocol: 2 | 3): Promise<string[]> {
  const log = new ByteTranscript();
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = (...args: (string | Uint8Array)[]) => log.call(connection, args);
  if (protocol === 3) await log.call(connection, ["HELLO", "3"], normaliseHello);
  await call("FLUSHALL");
  await call("HSET", "h", "f", "v");

  // SETBIT and GETBIT: growth, the previous bit, the expiry kept.
  await call("SETBIT", "b", "7", "1");
  await call("GET", "b");
  await call("SETBIT", "b", "7", "1");
  await call("SETBIT", "b", "7", "0");
  await call("SETBIT", "b", "0", "1");
  await call("SETBIT", "b", "100", "1");
  await call("STRLEN", "b");
  await call("GET", "b");
  for (const offset of ["0", "1", "7", "99", "100", "101", "103", "104", "1000000"]) {
    await call("GETBIT", "b", offset);
  }
  await call("GETBIT", "missing", "5");
  await call("EXISTS", "missing");
  await call("SETBIT", "zero", "20", "0");
  await call("GET", "zero");
  await call("SET", "empty", "");
  await call("GETBIT", "empty", "0");
  await call("SETBIT", "empty", "0", "0");
  await call("GET", "empty");
  for (
    const offset of [
      "-1",
      "1.5",
      "abc",
      "",
      "01",
      "+1",
      " 1",
      "0x10",
      "#1",
      String(LIMIT * 8),
      "9223372036854775807",
      "9223372036854775808",
      "-9223372036854775808",
    ]
  ) {
    await call("SETBIT", "b", offset, "1");
    await call("GETBIT", "b", offset);
  }
  for (const bit of ["2", "-1", "x", "", "01", "1.0", "9223372036854775808"]) {
    await call("SETBIT", "b", "3", bit);
  }
  await call("SETBIT", "edge", String(LIMIT * 8 - 1), "1");
  await call("STRLEN", "edge");
  await call("GETBIT", "edge", String(LIMIT * 8 - 1));
  await call("BITCOUNT", "edge");
  await call("BITPOS", "edge", "1");
  await call("DEL", "edge");
  await call("SETBIT", "h", "0", "1");
  await call("SETBIT", "h", "-1", "1");
  await call("SETBIT", "h", "0", "5");
  await call("GETBIT", "h", "0");
  await call("GETBIT", "h", "x");
  await call("SETBIT", "b", "1");
  await call("SETBIT", "b", "1", "1", "1");
  await call("GETBIT", "b");
  await call("GETBIT", "b", "1", "2");
  // Bytes ≥ 0x80 written by SET, and integers (Redis keeps those as numbers).
  await call("SET", "bin", bytes(0xff, 0x80, 0x00, 0x7f, 0x01, 0xfe));
  for (const offset of ["0", "7", "8", "9", "16", "24", "25", "39", "47"]) {
    await call("GETBIT", "bin", offset);
  }
  await call("SETBIT", "bin", "8", "0");
  await call("SETBIT", "bin", "23", "1");
  await call("SETBIT", "bin", "47", "1");
  await call("GET", "bin");
  await call("SET", "n", "12345");
  await call("GETBIT", "n", "2");
  await call("SETBIT", "n", "6", "1");
  await call("GET", "n");
  await call("SET", "ttl", "x", "PXAT", "4102444800000");
  await call("SETBIT", "ttl", "100", "1");
  await log.call(connection, ["PTTL", "ttl"], (reply) => reply.startsWith(":-") ? reply : "set");
  await call("PEXPIRETIME", "ttl");

  // BITCOUNT: bytes and bits, negative and huge indexes, syntax, missing keys.
  await call("SET", "c", bytes(0xff, 0xf0, 0x0f, 0x00, 0x81, 0xaa));
  for (
    const range of [
      [],
      ["0", "0"],
      ["1", "-1"],
      ["-2", "-1"],
      ["-1", "-2"],
      ["-1", "-2", "NOPE"],
      ["5", "2"],
      ["0", "100"],
      ["0", "-100"],
      ["-100", "-50"],
      ["-100", "100"],
      ["0", "-1", "BIT"],
      ["5", "30", "BIT"],
      ["7", "7", "BIT"],
      ["8", "15", "BIT"],
      ["-3", "-1", "bit"],
      ["-100", "3", "BIT"],
      ["40", "47", "BIT"],
      ["41", "46", "BIT"],
      ["47", "100", "BIT"],
      ["48", "100", "BIT"],
      ["0", "0", "byte"],
      ["0", "0", "BYTE"],
      ["0", "0", "NOPE"],
      ["0"],
      ["0", "1", "BIT", "x"],
      ["x", "1"],
      ["0", "x"],
      ["0", "1.5"],
      ["9223372036854775807", "-9223372036854775808"],
      ["-9223372036854775808", "-9223372036854775807"],
      ["-9223372036854775807", "-9223372036854775808"],
      ["9223372036854775808", "1"],
    ]
  ) {
    await call("BITCOUNT", "c", ...range);
  }
  await call("BITCOUNT", "missing");
  await call("BITCOUNT", "missing", "0");
  await call("BITCOUNT", "missing", "x", "y", "z", "w");
  await call("BITCOUNT", "empty");
  await call("BITCOUNT", "empty", "0", "-1");
  await call("BITCOUNT", "empty", "0", "-1", "BIT");
  await call("BITCOUNT", "empty", "0");
  await call("BITCOUNT", "h");
  await call("BITCOUNT", "h", "0");
  await call("BITCOUNT", "n");
  await call("BITCOUNT");
  await call("SET", "big", pattern(1000, 37));
  await call("BITCOUNT", "big");
  await call("BITCOUNT", "big", "3", "997");
  await call("BITCOUNT", "big", "17", "7900", "BIT");
  await call("BITCOUNT", "big", "-7000", "-3", "BIT");

  // BITPOS: both bits, ranges in bytes and bits, the open and closed end.
  await call("SET", "p1", bytes(0xff, 0xf0, 0x00));
  await call("SET", "p2", bytes(0x00, 0x00, 0x0f));
  await call("SET", "ones", bytes(0xff, 0xff, 0xff));
  await call("SET", "zeros", bytes(0x00, 0x00, 0x00));
  for (const key of ["p1", "p2", "ones", "zeros", "bin", "empty", "n", "missing"]) {
    for (const bit of ["0", "1"]) {
      for (
        const range of [
          [],
          ["0"],
          ["1"],
          ["2"],
          ["3"],
          ["-1"],
          ["-100"],
          ["100"],
          ["0", "-1"],
          ["1", "1"],
          ["2", "1"],
          ["-2", "-1"],
          ["-1", "-2"],
          ["0", "0", "BYTE"],
          ["0", "-1", "BIT"],
          ["3", "9", "BIT"],
          ["4", "11", "bit"],
          ["12", "12", "BIT"],
          ["12", "19", "BIT"],
          ["9", "22", "BIT"],
          ["20", "23", "BIT"],
          ["7", "5", "BIT"],
          ["-5", "-1", "BIT"],
          ["0", "100", "BIT"],
          ["13", "-9223372036854775808", "BIT"],
        ]
      ) {
        await call("BITPOS", key, bit, ...range);
      }
    }
  }
  await call("BITPOS", "p1", "2");
  await call("BITPOS", "p1", "-1");
  await call("BITPOS", "p1", "x");
  await call("BITPOS", "p1", "1", "x");
  await call("BITPOS", "p1", "1", "0", "x");
  await call("BITPOS", "p1", "1", "0", "1", "NOPE");
  await call("BITPOS", "p1", "1", "0", "1", "BIT", "extra");
  await call("BITPOS", "missing", "1", "x", "y", "z", "w");
  await call("BITPOS", "missing", "2");
  await call("BITPOS", "h", "0");
  await call("BITPOS", "h", "2");
  await call("BITPOS", "p1");
  await call("SET", "sparse", new Uint8Array(700));
  await call("SETBIT", "sparse", "5000", "1");
  await call("BITPOS", "sparse", "1");
  await call("BITPOS", "sparse", "1", "3", "-2");
  await call("BITPOS", "sparse", "1", "5001", "-1", "BIT");
  await call("BITPOS", "sparse", "0", "5000", "5000", "BIT");
  await call("BITPOS", "big", "0", "300");
  await call("BITPOS", "ones", "0", "0", "-1", "BIT");

  // BITOP: every operation, strings of different lengths, missing sources.
  await call("SET", "x", bytes(0xf0, 0x0f, 0xaa));
  await call("SET", "y", bytes(0xff, 0x80));
  for (const op of ["AND", "OR", "XOR", "and", "Or"]) {
    await call("BITOP", op, "dest", "x", "y");
    await call("GET", "dest");
    await call("BITOP", op, "dest", "x", "missing", "y");
    await call("GET", "dest");
    await call("BITOP", op, "dest", "x");
    await call("GET", "dest");
    await call("BITOP", op, "dest", "missing", "y");
    await call("GET", "dest");
  }
  await call("BITOP", "NOT", "dest", "x");
  await call("GET", "dest");
  await call("BITOP", "NOT", "dest", "bin");
  await call("GET", "dest");
  await call("BITOP", "not", "dest", "n");
  await call("GET", "dest");
  await call("BITOP", "NOT", "dest", "x", "y");
  await call("BITOP", "NOT", "dest", "missing");
  await call("EXISTS", "dest");
  await call("SET", "dest", "old", "EX", "1000");
  await call("BITOP", "OR", "dest", "missing", "empty");
  await call("EXISTS", "dest");
  await call("SET", "dest", "old", "EX", "1000");
  await call("BITOP", "OR", "dest", "x");
  await call("TTL", "dest");
  await call("HSET", "hdest", "f", "v");
  await call("BITOP", "XOR", "hdest", "x", "y");
  await call("TYPE", "hdest");
  await call("GET", "hdest");
  await call("BITOP", "AND", "dest", "x", "h");
  await call("BITOP", "NAND", "dest", "x", "y");
  await call("BITOP", "AND", "dest");
  await call("BITOP", "AND");
  await call("BITOP", "AND", "x", "x", "y");
  await call("GET", "x");
  await call("BITOP", "OR", "bigor", "big", "bin");
  await call("BITCOUNT", "bigor");
  await call("GETRANGE", "bigor", "0", "9");

  // BITFIELD: GET, SET and INCRBY at every width's limits.
  await call("BITFIELD", "f", "SET", "u8", "0", "255", "GET", "u8", "0", "GET", "i8", "0");
  await call("BITFIELD", "f", "SET", "i5", "3", "-7", "GET", "i5", "3", "GET", "u5", "3");
  await call("GET", "f");
  await call("BITFIELD", "f", "INCRBY", "u4", "#1", "3", "GET", "u4", "#1", "GET", "u4", "#0");
  await call("BITFIELD", "f", "SET", "i64", "1", "-9223372036854775808", "GET", "i64", "1");
  await call("BITFIELD", "f", "SET", "u63", "2", "9223372036854775807", "GET", "u63", "2");
  await call(
    "BITFIELD",
    "f",
    "GET",
    "i64",
    "0",
    "GET",
    "u63",
    "1",
    "GET",
    "i1",
    "0",
    "GET",
    "u1",
    "0",
  );
  await call("GET", "f");
  await call("BITFIELD", "f", "SET", "u16", "#10", "513", "GET", "u8", "#20", "GET", "u8", "#21");
  await call("STRLEN", "f");
  await call("BITFIELD", "f", "GET", "u32", "1000", "GET", "i32", "170");
  await call("BITFIELD", "f");
  await call("BITFIELD", "f", "OVERFLOW", "SAT");
  await call("BITFIELD", "missing", "GET", "u8", "0", "GET", "i64", "100");
  await call("EXISTS", "missing");
  await call("BITFIELD", "missing");
  await call("BITFIELD", "binf", "GET", "u8", "0");
  await call("SET", "binf", bytes(0xff, 0x80, 0x00, 0x7f));
  await call(
    "BITFIELD",
    "binf",
    "GET",
    "i8",
    "0",
    "GET",
    "u16",
    "4",
    "GET",
    "i12",
    "#1",
    "GET",
    "u31",
    "1",
  );
  await call("BITFIELD", "binf", "INCRBY", "i8", "#1", "1", "SET", "u8", "#3", "128");
  await call("GET", "binf");

  // Overflow: WRAP (the default), SAT and FAIL, each way, signed and unsigned.
  for (const mode of ["WRAP", "SAT", "FAIL", "wrap", "sat", "fail"]) {
    await call("DEL", "o");
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "u8",
      "0",
      "250",
      "INCRBY",
      "u8",
      "0",
      "10",
    );
    await call("BITFIELD", "o", "OVERFLOW", mode, "INCRBY", "u8", "0", "-300", "GET", "u8", "0");
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "i8",
      "8",
      "127",
      "INCRBY",
      "i8",
      "8",
      "1",
    );
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "i8",
      "8",
      "-128",
      "INCRBY",
      "i8",
      "8",
      "-1",
    );
    await call("BITFIELD", "o", "OVERFLOW", mode, "SET", "u8", "16", "-1", "GET", "u8", "16");
    await call("BITFIELD", "o", "OVERFLOW", mode, "SET", "u8", "16", "256", "GET", "u8", "16");
    await call("BITFIELD", "o", "OVERFLOW", mode, "SET", "i8", "24", "200", "GET", "i8", "24");
    await call("BITFIELD", "o", "OVERFLOW", mode, "SET", "i8", "24", "-200", "GET", "i8", "24");
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "i1",
      "32",
      "1",
      "INCRBY",
      "i1",
      "32",
      "-1",
    );
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "INCRBY",
      "u1",
      "33",
      "3",
      "INCRBY",
      "i2",
      "34",
      "5",
    );
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "i64",
      "40",
      "9223372036854775807",
      "INCRBY",
      "i64",
      "40",
      "1",
      "INCRBY",
      "i64",
      "40",
      "-9223372036854775808",
    );
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "i64",
      "104",
      "-9223372036854775808",
      "INCRBY",
      "i64",
      "104",
      "-1",
      "INCRBY",
      "i64",
      "104",
      "9223372036854775807",
    );
    await call(
      "BITFIELD",
      "o",
      "OVERFLOW",
      mode,
      "SET",
      "u63",
      "168",
      "9223372036854775807",
      "INCRBY",
      "u63",
      "168",
      "1",
      "INCRBY",
      "u63",
      "168",
      "-9223372036854775808",
    );
    await call("GET", "o");
  }
  // OVERFLOW applies to what follows it, and may change midway.
  await call(
    "BITFIELD",
    "o",
    "SET",
    "u4",
    "0",
    "15",
    "INCRBY",
    "u4",
    "0",
    "1",
    "OVERFLOW",
    "SAT",
    "INCRBY",
    "u4",
    "0",
    "100",
    "OVERFLOW",
    "FAIL",
    "INCRBY",
    "u4",
    "0",
    "1",
    "OVERFLOW",
    "WRAP",
    "INCRBY",
    "u4",
    "0",
    "1",
  );
  // A write that fails still creates (or grows) the key, as in Redis.
  await call("BITFIELD", "failed", "OVERFLOW", "FAIL", "INCRBY", "u2", "100", "10");
  await call("GET", "failed");

  // BITFIELD's errors, in Redis's order.
  for (
    const ops of [
      ["GET", "I8", "0"],
      ["GET", "u64", "0"],
      ["GET", "i65", "0"],
      ["GET", "i0", "0"],
      ["GET", "u", "0"],
      ["GET", "x8", "0"],
      ["GET", "i08", "0"],
      ["GET", "i-8", "0"],
      ["GET", "u8", "-1"],
      ["GET", "u8", "#-1"],
      ["GET", "u8", "x"],
      ["GET", "u8", "#x"],
      ["GET", "u8", "##1"],
      ["GET", "u8", "#"],
      ["GET", "u8", String(LIMIT * 8)],
      ["GET", "u8", `#${LIMIT}`],
      ["GET", "u8", "#2305843009213693952"],
      ["SET", "i8", "#1152921504606846976", "1"],
      ["SET", "u8", "0", "x"],
      ["SET", "u8", "0", "1.5"],
      ["SET", "u8", "0", "9223372036854775808"],
      ["INCRBY", "u8", "0", ""],
      ["OVERFLOW", "NOPE", "GET", "u8", "0"],
      ["OVERFLOW"],
      ["GET", "u8"],
      ["SET", "u8", "0"],
      ["INCRBY", "u8"],
      ["NOPE", "u8", "0"],
      ["GET", "u8", "0", "NOPE"],
      ["GET", "u8", "0", "GET", "u64", "0"],
      ["GET", "nope", "x", "SET", "u8", "0"],
    ]
  ) {
    await call("BITFIELD", "e", ...ops);
    await call("BITFIELD_RO", "e", ...ops);
  }
  await call("EXISTS", "e");
  await call("BITFIELD", "h", "GET", "u8", "0");
  await call("BITFIELD", "h");
  await call("BITFIELD", "h", "SET", "u8", "0", "1");
  await call("BITFIELD", "h", "GET", "u8", "x");
  await call("BITFIELD", "edgef", "SET", "u8", String(LIMIT * 8 - 8), "7");
  await call("STRLEN", "edgef");
  await call("BITFIELD", "edgef", "SET", "u16", String(LIMIT * 8 - 8), "7");
  await call("STRLEN", "edgef");
  await call("DEL", "edgef");
  await call("BITFIELD");

  // BITFIELD_RO: GETs only.
  await call("BITFIELD_RO", "f", "GET", "u8", "0", "GET", "i16", "#3");
  await call("BITFIELD_RO", "f");
  await call("BITFIELD_RO", "missing", "GET", "u8", "0");
  await call("BITFIELD_RO", "f", "SET", "u8", "0", "1");
  await call("BITFIELD_RO", "f", "GET", "u8", "0", "INCRBY", "u8", "0", "1");
  await call("BITFIELD_RO", "f", "OVERFLOW", "SAT", "GET", "u8", "0");
  await call("BITFIELD_RO", "h", "GET", "u8", "0");
  await call("BITFIELD_RO", "h", "SET", "u8", "0", "1");
  await call("BITFIELD_RO");

  // Inside MULTI, and WATCH: a bit set to what it was changes nothing.
  await call("MULTI");
  await call("SETBIT", "tx", "3", "1");
  await call("BITFIELD", "tx", "INCRBY", "u4", "0", "1");
  await call("SETBIT", "h", "0", "1");
  await call("BITOP", "NOT", "tx2", "tx");
  await call("EXEC");
  await call("GET", "tx2");
  await call("GET", "tx");
  await call("WATCH", "tx");
  await log.call(other, ["SETBIT", "tx", "2", "1"]);
  await call("MULTI");
  await call("GET", "tx");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["SETBIT", "tx", "2", "0"]);
  await call("MULTI");
  await call("GET", "tx");
  await call("EXEC");
  await call("WATCH", "tx");
  await log.call(other, ["BITFIELD", "tx", "GET", "u8", "0"]);
  await call("MULTI");
  await call("GET", "tx");
  await call("EXEC");
  return log.lines;
}

for (const protocol of [2, 3] as const) {
  Deno.test(`bits: every command answers as redis-server's over RESP${protocol}`, async () => {
    await assertSameAsRedis((port) => bitScenario(port, protocol), {
      redisArgs: ["--proto-max-bulk-len", String(LIMIT)],
      walkvArgs: ["--max-bulk", String(LIMIT)],
    });
  });
}

/** Each key's bytes and whether it has an expiry, for comparing states. */
async function state(port: number, keys: string[]): Promise<string[]> {
  const log = new ByteTranscript();
  using connection = await RawConnection.connect(port);
  for (const key of keys) {
    await log.call(connection, ["GET", key]);
    await log.call(connection, ["TTL", key], (reply) => reply.startsWith(":-") ? reply : "set");
  }
  return log.lines;
}

Deno.test("bits: SETBIT, BITOP and BITFIELD writes survive a SIGKILL, and a compaction then a SIGKILL", async () => {
  const keys = ["bitmap", "raw", "and", "not", "fields", "expiring", "late"];
  await survivesKillAndCompaction({
    async before(_call, port) {
      using connection = await RawConnection.connect(port);
      const log = new ByteTranscript();
      const call = (...args: (string | Uint8Array)[]) => log.call(connection, args);
      for (let i = 0; i < 2000; i += 7) await call("SETBIT", "bitmap", String(i * 13), "1");
      await call("SETBIT", "bitmap", "13", "0");
      await call("SET", "raw", bytes(0xff, 0x80, 0x00, 0x0a, 0x0d));
      await call("SETBIT", "raw", "16", "1");
      await call("SETBIT", "raw", "0", "0");
      await call("BITOP", "AND", "and", "bitmap", "raw");
      await call("BITOP", "NOT", "not", "raw");
      await call("BITFIELD", "fields", "SET", "i12", "#3", "-100", "INCRBY", "u7", "3", "99");
      await call("BITFIELD", "fields", "OVERFLOW", "FAIL", "INCRBY", "u2", "200", "9");
      await call("SET", "expiring", "x", "EX", "1000");
      await call("SETBIT", "expiring", "30", "1");
      await call("BITFIELD", "expiring", "SET", "u8", "#5", "200");
    },
    async after(_call, port) {
      using connection = await RawConnection.connect(port);
      const log = new ByteTranscript();
      await log.call(connection, ["SETBIT", "bitmap", "40000", "1"]);
      await log.call(connection, ["BITOP", "XOR", "late", "raw", "not"]);
      await log.call(connection, ["BITFIELD", "raw", "INCRBY", "i8", "#0", "-1"]);
    },
    state: (port) => state(port, keys),
  });
});
