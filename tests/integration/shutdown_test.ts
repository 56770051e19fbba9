import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import { readLines, ServerProcess, writeText } from "./server_process.ts";

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`walkv shuts down cleanly on ${signal} with clients connected`, async () => {
    const server = await ServerProcess.start();
    const idle = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    const busy = await Deno.connect({ hostname: "127.0.0.1", port: server.port });
    try {
      await writeText(busy, "SET first 1\n");
      assertEquals(await readLines(busy, 1), "+OK\n");
      const commands = Array.from({ length: 5000 }, (_, i) => `SET k${i} v${i}\n`).join("");
      await writeText(busy, commands);
      const replies = readLines(busy, 5000);
      // Signal while the pipeline is being answered: what the server has read is
      // answered in full, the rest is never acknowledged.
      const status = await server.stop(signal);
      assertEquals(status.code, 0);
      const answered = await replies;
      const count = answered.length / 4;
      assertEquals(answered, "+OK\n".repeat(count), "only whole +OK replies");
      assertStringIncludes(server.stdout, `${signal} received`);
      assertStringIncludes(server.stdout, "shut down cleanly");
      // Exactly the acknowledged SETs are in the WAL: none lost, none extra.
      const records = (await Deno.readTextFile(server.walPath)).split("\n").length - 1;
      assertEquals(records, count + 1);
      assert(records <= 5001);
    } finally {
      idle.close();
      busy.close();
      await server.cleanup();
    }
  });
}
