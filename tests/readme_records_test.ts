/**
 * The README's WAL examples are what walkv reads and writes: every record
 * line in its `text` blocks decodes as one whole record, and, unsealed,
 * encodes back to the same text.
 */
import { assert, assertEquals } from "@std/assert";
import { bytesFromBinary } from "../src/io/binary.ts";
import { decodeRecord, encodeRecord, recordText } from "../src/wal/record.ts";

const README = new URL("../README.md", import.meta.url);

/** Record examples: in a `text` block, a line starting `<digits><OP>`, up to two spaces. */
async function recordExamples(): Promise<string[]> {
  const examples: string[] = [];
  let inText = false;
  for (const line of (await Deno.readTextFile(README)).split("\n")) {
    if (line.startsWith("```")) {
      inText = line === "```text";
      continue;
    }
    const match = inText ? /^(\d+[A-Z]+\S*?)(?: {2,}|$)/.exec(line) : null;
    if (match) examples.push(match[1].replaceAll("\\n", "\n"));
  }
  return examples;
}

Deno.test("every WAL record the README shows decodes whole and is what walkv writes", async () => {
  const examples = await recordExamples();
  assert(examples.length >= 25, `${examples.length} examples found`);
  for (const text of examples) {
    const bytes = new TextEncoder().encode(text);
    const result = decodeRecord(bytes, 0, true);
    if (result.kind !== "record") {
      throw new Error(`${JSON.stringify(text)}: ${JSON.stringify(result)}`);
    }
    assertEquals(result.end, bytes.length, JSON.stringify(text));
    if (text.startsWith("3CRC")) continue; // sealed: the checksum was checked by decoding
    // Records are binary strings, a character per byte.
    assertEquals(
      bytesFromBinary(recordText(encodeRecord(result.record))),
      bytes,
      JSON.stringify(text),
    );
  }
});
