import { assertEquals } from "@std/assert";
import { startRedisServer } from "./redis_server.ts";
import { startServer } from "./server_process.ts";
import { tempDir } from "./temp_dir.ts";

/** Options for {@linkcode assertSameAsRedis}. */
export interface SameAsRedisOptions {
  /** Extra arguments for redis-server. */
  redisArgs?: string[];
  /** Extra arguments for walkv. */
  walkvArgs?: string[];
}

/**
 * Runs `scenario` against a fresh redis-server, then against a fresh walkv
 * (its WAL in a temp dir), and asserts both transcripts are the same: the
 * whole of a differential test once its scenario is written.
 *
 * @example
 * ```ts
 * await assertSameAsRedis((port) => bitScenario(port, 2), { walkvArgs: ["--max-bulk", "1048576"] });
 * ```
 */
export async function assertSameAsRedis(
  scenario: (port: number) => Promise<string[]>,
  options: SameAsRedisOptions = {},
): Promise<void> {
  await using redis = await startRedisServer({ args: options.redisArgs ?? [] });
  const expected = await scenario(redis.port);
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: options.walkvArgs ?? [] });
  assertEquals(await scenario(walkv.port), expected);
}
