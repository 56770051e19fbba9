/**
 * INCRBYFLOAT and HINCRBYFLOAT against a real redis-server, byte for byte,
 * over long random walks: Redis adds in x87 `long double` and prints
 * `%.17Lf`, so its sums carry binary noise (`5.6 + 1000` is
 * `1005.59999999999999998`) that walkv's emulation must reproduce digit for
 * digit, from tiny steps to ones near 1e300.
 */
import { assertEquals } from "@std/assert";
import { prng } from "../helpers/prng.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { Transcript } from "../helpers/transcript.ts";

/** A step as a client might write it: decimals, exponents, signs, integers. */
function stepText(random: () => number): string {
  const magnitude = 10 ** Math.floor(random() * 12 - 6);
  const value = (random() - 0.5) * magnitude;
  switch (Math.floor(random() * 5)) {
    case 0:
      return value.toFixed(Math.floor(random() * 8));
    case 1:
      return value.toExponential(Math.floor(random() * 10));
    case 2:
      return String(Math.round(value * 1000));
    case 3:
      return `${random() < 0.5 ? "-" : ""}${(random() * 100).toFixed(1)}e${
        Math.floor(random() * 600 - 300)
      }`;
    default:
      return String(value);
  }
}

async function walk(port: number): Promise<string[]> {
  const log = new Transcript();
  using connection = await RawConnection.connect(port);
  const random = prng(20261202);
  for (let i = 0; i < 400; i++) {
    const step = stepText(random);
    await log.call(connection, ["INCRBYFLOAT", `k${i % 7}`, step]);
    await log.call(connection, ["HINCRBYFLOAT", "h", `f${i % 5}`, step]);
  }
  for (const start of ["5.6", "0.1", "1e3", "-0", "3.0", "1e-20", "1.7976931348623157e308"]) {
    await log.call(connection, ["SET", "s", start]);
    for (const step of ["1000", "0.2", "-1e-17", "1e17", "-1e17", "0"]) {
      await log.call(connection, ["INCRBYFLOAT", "s", step]);
    }
  }
  return log.lines;
}

Deno.test("INCRBYFLOAT and HINCRBYFLOAT sum as redis-server's long doubles, digit for digit", async () => {
  await using redis = await startRedisServer();
  const expected = await walk(redis.port);
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  assertEquals(await walk(walkv.port), expected);
});
