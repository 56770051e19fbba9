import { assertEquals } from "@std/assert";
import { splitPath } from "../../src/io/split_path.ts";

Deno.test("splitPath splits at the last slash, with . and / for the edge cases", () => {
  assertEquals(splitPath("wal_files/wal_file"), { directory: "wal_files", name: "wal_file" });
  assertEquals(splitPath("./wal_files/wal_file"), { directory: "./wal_files", name: "wal_file" });
  assertEquals(splitPath("/var/lib/walkv/wal"), { directory: "/var/lib/walkv", name: "wal" });
  assertEquals(splitPath("wal"), { directory: ".", name: "wal" });
  assertEquals(splitPath("/wal"), { directory: "/", name: "wal" });
});
