import { assertEquals, assertRejects, assertThrows } from "@std/assert";
import { TextClient } from "../../src/client/text_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

Deno.test("TextClient sets, gets and deletes against a real server", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using client = await TextClient.connect({ port: server.port });
  await client.set("héllo", "wörld");
  assertEquals(await client.get("héllo"), "wörld");
  await client.del("héllo");
  assertEquals(await client.get("héllo"), null);
  assertEquals(await client.pipeline([["SET", "a", "1"], ["GET", "a"], ["GET", "b"], ["NOPE"]]), [
    "+OK",
    "+OK 1",
    "-GET could not find b in store",
    "-INVALID COMMAND",
  ]);
  const error = await assertRejects(() => client.get("x\u00a0y"), TypeError);
  assertEquals(error.message.includes('"x\u00a0y"'), true);
});

Deno.test("TextClient refuses exactly what the server would split into several fields", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  using client = await TextClient.connect({ port: server.port });
  for (const bad of ["", "a b", "a\tb", "a\u00a0b", "a\u3000b", " a"]) {
    await assertRejects(() => client.set(bad, "v"), TypeError, "free of white space");
    assertThrows(() => client.pipeline([["GET", bad]]), TypeError);
  }
  // U+FEFF is not white space to the server (Go's strings.Fields), so it is a valid key.
  await client.set("a\ufeffb", "v");
  assertEquals(await client.get("a\ufeffb"), "v");
  await assertRejects(() => client.set("k", "v w"), TypeError);
  await assertRejects(() => client.del("missing\tkey"), TypeError);
});
