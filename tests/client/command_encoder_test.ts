import { assertEquals, assertThrows } from "@std/assert";
import { encodeCommands } from "../../src/client/command_encoder.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

Deno.test("encodeCommands writes every command as one RESP array of bulk strings", () => {
  assertEquals(
    text(encodeCommands([["SET", "ké", 1], ["ZADD", "z", Infinity, "m", -Infinity, "n"], ["X"]])),
    "*3\r\n$3\r\nSET\r\n$3\r\nké\r\n$1\r\n1\r\n" +
      "*6\r\n$4\r\nZADD\r\n$1\r\nz\r\n$4\r\n+inf\r\n$1\r\nm\r\n$4\r\n-inf\r\n$1\r\nn\r\n" +
      "*1\r\n$1\r\nX\r\n",
  );
  assertEquals(text(encodeCommands([])), "");
  assertEquals(text(encodeCommands([["INCRBY", "k", 2n ** 63n - 1n, 0.5]])).split("\r\n"), [
    "*4",
    "$6",
    "INCRBY",
    "$1",
    "k",
    "$19",
    "9223372036854775807",
    "$3",
    "0.5",
    "",
  ]);
});

Deno.test("encodeCommands sends bytes exactly as given", () => {
  const value = new Uint8Array([0, 13, 10, 0xff]);
  assertEquals(
    encodeCommands([["SET", "k", value]]),
    new Uint8Array([
      ...new TextEncoder().encode("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n"),
      ...value,
      13,
      10,
    ]),
  );
});

Deno.test("encodeCommands refuses what Redis could not read, naming it", () => {
  assertThrows(() => encodeCommands([[]]), TypeError, "at least its name");
  assertThrows(() => encodeCommands([["GET", NaN]]), RangeError, "Argument 1 is NaN");
  // deno-lint-ignore no-explicit-any
  const bad = (value: unknown) => encodeCommands([["SET", "k", value as any]]);
  assertThrows(
    () => bad(undefined),
    TypeError,
    "Argument 2 must be a string, number, bigint or Uint8Array, found undefined",
  );
  assertThrows(() => bad(null), TypeError, "found null");
  assertThrows(() => bad(true), TypeError, "found boolean true");
  assertThrows(() => bad({}), TypeError, "found an object ([object Object])");
});
