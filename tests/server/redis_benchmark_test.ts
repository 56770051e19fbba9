/**
 * Redis's own load tool against walkv with its WAL on: `redis-benchmark`
 * with 50 clients, one request at a time and pipelined 16 deep, must finish
 * every test without an error and leave exactly the counts it sent.
 * `-t ping` includes PING_INLINE, whose connections open with the inline
 * `PING\r\n`: that first line makes them RESP connections.
 */
import { assert, assertEquals } from "@std/assert";
import { runRedisTool } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const REQUESTS = 20_000;
/** Each run is killed after this long, so a stalled reply fails the test instead of hanging it. */
const RUN_TIMEOUT_MS = 20_000;
/** The test names redis-benchmark prints for `-t ping,set,get,incr,mset`. */
const TESTS = ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"];

/**
 * Runs redis-benchmark against `port` and returns requests per second by
 * test name, after checking it exited cleanly and complained about nothing.
 */
async function benchmark(port: number, extra: string[]): Promise<Map<string, number>> {
  const args = [
    "-p",
    String(port),
    "-t",
    "ping,set,get,incr,mset",
    "-c",
    "50",
    "-n",
    String(REQUESTS),
    "--csv",
    ...extra,
  ];
  const result = await runRedisTool("redis-benchmark", args, { timeoutMs: RUN_TIMEOUT_MS });
  const output = `--- stdout ---\n${result.stdoutText}\n--- stderr ---\n${result.stderr}`;
  assertEquals(result.signal, null, `redis-benchmark ${args.join(" ")} was killed:\n${output}`);
  assertEquals(result.code, 0, output);
  for (const word of ["ERR", "error", "WARNING"]) {
    assert(!output.includes(word), `"${word}" in redis-benchmark's output:\n${output}`);
  }
  const rows = result.stdoutText.trim().split("\n");
  assertEquals(rows[0].split(",")[1], '"rps"', output);
  const rates = new Map<string, number>();
  for (const row of rows.slice(1)) {
    const [name, rps] = row.split('","').map((field) => field.replaceAll('"', ""));
    rates.set(name, Number(rps));
  }
  assertEquals([...rates.keys()], TESTS, output);
  for (const [name, rps] of rates) {
    assert(Number.isFinite(rps) && rps > 0, `${name}: no requests per second in ${output}`);
  }
  return rates;
}

/** GET over RESP, as the text between the bulk header and its CRLF. */
async function getCounter(port: number): Promise<string> {
  using connection = await RawConnection.connect(port);
  const key = "counter:__rand_int__";
  await connection.send(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`);
  const reply = await connection.readText(2);
  return reply.split("\r\n")[1];
}

Deno.test("redis-benchmark runs every test against walkv with its WAL on", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await benchmark(server.port, []);
  assertEquals(await getCounter(server.port), String(REQUESTS));
  assertEquals((await server.stop()).code, 0, server.stderrText());
});

Deno.test("redis-benchmark runs every test against walkv pipelined 16 deep", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  await benchmark(server.port, ["-P", "16"]);
  assertEquals(await getCounter(server.port), String(REQUESTS));
  assertEquals((await server.stop()).code, 0, server.stderrText());
  // The WAL holds what was acknowledged: a restart sees the same counter.
  await using again = await startServer({ walDir: dir.path });
  assertEquals(await getCounter(again.port), String(REQUESTS));
});

/** Every test a plain redis-benchmark runs, as 7.0.15 names them with `-q`. */
const DEFAULT_TESTS = [
  "PING_INLINE",
  "PING_MBULK",
  "SET",
  "GET",
  "INCR",
  "LPUSH",
  "RPUSH",
  "LPOP",
  "RPOP",
  "SADD",
  "HSET",
  "SPOP",
  "ZADD",
  "ZPOPMIN",
  "LPUSH (needed to benchmark LRANGE)",
  "LRANGE_100 (first 100 elements)",
  "LRANGE_300 (first 300 elements)",
  "LRANGE_500 (first 500 elements)",
  "LRANGE_600 (first 600 elements)",
  "MSET (10 keys)",
];

Deno.test("a plain redis-benchmark -q -n 20000 runs all its default tests to the end", async () => {
  await using dir = await tempDir();
  await using server = await startServer({ walDir: dir.path });
  const args = ["-p", String(server.port), "-q", "-n", String(REQUESTS)];
  const result = await runRedisTool("redis-benchmark", args, { timeoutMs: 240_000 });
  const output = `--- stdout ---\n${result.stdoutText}\n--- stderr ---\n${result.stderr}`;
  assertEquals(result.signal, null, `redis-benchmark ${args.join(" ")} was killed:\n${output}`);
  assertEquals(result.code, 0, output);
  // -q rewrites a progress line with \r; each test's last state ends in its result.
  const results = result.stdoutText.split(/[\r\n]/).filter((line) =>
    / requests per second/.test(line)
  );
  assertEquals(results.map((line) => line.slice(0, line.indexOf(": "))), DEFAULT_TESTS, output);
  for (const word of ["ERR", "error", "WARNING"]) {
    assert(!output.includes(word), `"${word}" in redis-benchmark's output:\n${output}`);
  }
  assertEquals((await server.stop()).code, 0, server.stderrText());
});
