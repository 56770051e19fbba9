import { assertEquals } from "@std/assert";
import { errorMessage } from "../../src/io/error_message.ts";

Deno.test("errorMessage gives an Error's message and anything else as a string", () => {
  assertEquals(errorMessage(new Deno.errors.NotFound("no such file")), "no such file");
  assertEquals(errorMessage("plain"), "plain");
  assertEquals(errorMessage(42), "42");
});
