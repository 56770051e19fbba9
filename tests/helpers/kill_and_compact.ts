/**
 * The durability half of each data type's differential test: writes through
 * one walkv, SIGKILL, the same state after the restart; then a compaction
 * (BGREWRITEAOF) and more writes landing in the new file's tail, SIGKILL
 * again, and again the same state.
 *
 * @module
 */
import { assertEquals } from "@std/assert";
import { waitForOutput } from "./server_output.ts";
import { RawConnection, startServer } from "./server_process.ts";
import { tempDir } from "./temp_dir.ts";
import { Transcript } from "./transcript.ts";

/** Sends one command on a connection of the server being tested; resolves to its reply. */
export type Call = (...args: string[]) => Promise<string>;

/** What {@linkcode survivesKillAndCompaction} runs. */
export interface KillAndCompact {
  /** The writes before the first kill (through `call`, or connections of its own to `port`). */
  before(call: Call, port: number): Promise<void>;
  /** The writes after the compaction, before the second kill. */
  after(call: Call, port: number): Promise<void>;
  /** The state to compare, read from the server on `port`. */
  state(port: number): Promise<string[]>;
}

/**
 * Runs `test.before`, SIGKILLs walkv and checks `test.state` after a
 * restart; then BGREWRITEAOF, `test.after`, SIGKILL, and the state again.
 *
 * @example
 * ```ts
 * await survivesKillAndCompaction({ before: (call) => call("HSET", "h", "f", "v"), after, state });
 * ```
 */
export async function survivesKillAndCompaction(test: KillAndCompact): Promise<void> {
  await using dir = await tempDir();
  const session = async (port: number, run: (call: Call, port: number) => Promise<void>) => {
    using connection = await RawConnection.connect(port);
    const log = new Transcript();
    await run((...args) => log.call(connection, args), port);
  };
  let expected: string[];
  {
    await using walkv = await startServer({ walDir: dir.path });
    await session(walkv.port, test.before);
    expected = await test.state(walkv.port);
    await walkv.kill();
  }
  {
    await using walkv = await startServer({ walDir: dir.path });
    assertEquals(await test.state(walkv.port), expected, "after the first SIGKILL");
    await session(walkv.port, (call) => call("BGREWRITEAOF").then(() => {}));
    await waitForOutput(walkv, "compaction finished");
    // Writes after the compaction land in the new file's tail.
    await session(walkv.port, test.after);
    expected = await test.state(walkv.port);
    await walkv.kill();
  }
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await test.state(walkv.port), expected, "after the compaction and a SIGKILL");
}
