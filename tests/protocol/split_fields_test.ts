import { assertEquals } from "@std/assert";
import { splitFields } from "../../src/protocol/split_fields.ts";

Deno.test("splitFields splits on single spaces", () => {
  assertEquals(splitFields("SET hello world"), ["SET", "hello", "world"]);
  assertEquals(splitFields("GET"), ["GET"]);
});

Deno.test("splitFields treats runs of spaces and tabs as one separator", () => {
  assertEquals(splitFields("SET  \t hello\t\tworld"), ["SET", "hello", "world"]);
});

Deno.test("splitFields ignores leading and trailing white space", () => {
  assertEquals(splitFields("  SET\thello   world "), ["SET", "hello", "world"]);
  assertEquals(splitFields("\tGET k\r"), ["GET", "k"]);
});

Deno.test("splitFields of a blank line is empty", () => {
  assertEquals(splitFields(""), []);
  assertEquals(splitFields("   "), []);
  assertEquals(splitFields(" \t\r\v\f\n "), []);
});

Deno.test("splitFields splits on the ASCII controls Go counts as space", () => {
  assertEquals(splitFields("a\vb\fc\rd\ne"), ["a", "b", "c", "d", "e"]);
  // Other controls are part of a field, as in Go.
  assertEquals(splitFields("a\u0000b\u0008c\u001fd"), ["a\u0000b\u0008c\u001fd"]);
});

Deno.test("splitFields splits on Unicode spaces, as Go's strings.Fields", () => {
  const spaces = [
    "\u0085",
    "\u00a0",
    "\u1680",
    "\u2000",
    "\u2005",
    "\u200a",
    "\u2028",
    "\u2029",
    "\u202f",
    "\u205f",
    "\u3000",
  ];
  for (const space of spaces) {
    const code = space.codePointAt(0)!.toString(16);
    assertEquals(splitFields(`SET${space}k${space}${space}v`), ["SET", "k", "v"], `U+${code}`);
  }
});

Deno.test("splitFields keeps non-space Unicode inside fields", () => {
  // U+200B (zero width space) and U+FEFF are not spaces to Go.
  assertEquals(splitFields("SET héllo wörld€😀"), ["SET", "héllo", "wörld€😀"]);
  assertEquals(splitFields("a\u200bb \ufeffc"), ["a\u200bb", "\ufeffc"]);
  assertEquals(splitFields("日本語 テキスト"), ["日本語", "テキスト"]);
  assertEquals(splitFields("\u0084x\u0086"), ["\u0084x\u0086"]);
});
