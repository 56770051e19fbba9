/**
 * maxmemory's deterministic parts, byte for byte against a real
 * redis-server: CONFIG GET and SET of the eviction settings and their
 * complaints (bad units, bad policy names, out-of-range numbers), OBJECT
 * FREQ and OBJECT IDLETIME under every policy (the errors, and the LFU
 * counter of a new key and after one read), INFO's maxmemory fields, and the
 * -OOM texts under noeviction with a tiny maxmemory, in and out of MULTI,
 * and once every key is evicted.
 */
import { respCall } from "../helpers/resp_reply.ts";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { RawConnection } from "../helpers/server_process.ts";

const POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
];

/** INFO's lines naming `names`, in order. */
function infoLines(text: string, names: string[]): string {
  const lines = text.split("\r\n");
  return names.map((name) => lines.find((line) => line.startsWith(`${name}:`))).join(" ");
}

async function scenario(port: number): Promise<string[]> {
  const out: string[] = [];
  using connection = await RawConnection.connect(port);
  using other = await RawConnection.connect(port);
  const call = async (...args: string[]) =>
    out.push(`${args.join(" ")} -> ${JSON.stringify(await respCall(connection, ...args))}`);
  for (const name of ["maxmemory", "maxmemory-policy", "maxmemory-samples", "lfu-log-factor"]) {
    await call("CONFIG", "GET", name);
  }
  await call("CONFIG", "GET", "lfu-decay-time");
  for (const value of ["100mb", "1gb", "10k", "3KB", "0", "1x", "1.5mb", "-1", "12 mb"]) {
    await call("CONFIG", "SET", "maxmemory", value);
    await call("CONFIG", "GET", "maxmemory");
  }
  for (const value of ["bogus", "ALLKEYS-LRU", "allkeys_lru", "volatile-ttl", "noeviction"]) {
    await call("CONFIG", "SET", "maxmemory-policy", value);
    await call("CONFIG", "GET", "maxmemory-policy");
  }
  for (
    const [name, values] of [
      ["maxmemory-samples", ["0", "abc", "10", "5"]],
      ["lfu-log-factor", ["-1", "x", "0", "10"]],
      ["lfu-decay-time", ["-1", "1.5", "5", "1"]],
    ] as const
  ) {
    for (const value of values) await call("CONFIG", "SET", name, value);
    await call("CONFIG", "GET", name);
  }

  await call("SET", "old", "value");
  for (const policy of POLICIES) {
    await call("CONFIG", "SET", "maxmemory-policy", policy);
    await call("OBJECT", "FREQ", "missing");
    await call("OBJECT", "IDLETIME", "missing");
    if (policy.endsWith("-lfu")) {
      // A key made under LFU starts at 5; a read from 5 always adds one.
      await call("SET", `new-${policy}`, "value");
      await call("OBJECT", "FREQ", `new-${policy}`);
      await call("GET", `new-${policy}`);
      await call("OBJECT", "FREQ", `new-${policy}`);
      await call("OBJECT", "IDLETIME", "old");
    } else {
      await call("OBJECT", "FREQ", "old");
    }
  }

  await call("CONFIG", "SET", "maxmemory-policy", "noeviction");
  await call("CONFIG", "SET", "maxmemory", "1");
  out.push(infoLines(await respCall(connection, "INFO", "memory"), [
    "maxmemory",
    "maxmemory_human",
    "maxmemory_policy",
  ]));
  await call("SET", "a", "b");
  await call("SETEX", "a", "100", "b");
  await call("HSET", "h", "f", "v");
  await call("GET", "old");
  await call("DEL", "old");
  await call("MULTI");
  await call("SET", "x", "y");
  await call("PING");
  await call("EXEC");
  // A transaction queued under no limit, and EXECed once the limit is hit.
  await call("CONFIG", "SET", "maxmemory", "0");
  await call("MULTI");
  await call("SET", "x", "y");
  out.push(JSON.stringify(await respCall(other, "CONFIG", "SET", "maxmemory", "1")));
  await call("EXEC");
  await call("CONFIG", "SET", "maxmemory", "0");
  await call("MULTI");
  await call("GET", "x");
  out.push(JSON.stringify(await respCall(other, "CONFIG", "SET", "maxmemory", "1")));
  await call("EXEC");

  // An evicting policy with nothing left to evict fails as noeviction does.
  await call("CONFIG", "SET", "maxmemory", "0");
  await call("FLUSHALL");
  await call("CONFIG", "RESETSTAT");
  await call("MSET", "k1", "v", "k2", "v", "k3", "v");
  await call("CONFIG", "SET", "maxmemory-policy", "allkeys-random");
  await call("CONFIG", "SET", "maxmemory", "1");
  await call("SET", "k4", "v");
  await call("DBSIZE");
  out.push(infoLines(await respCall(connection, "INFO", "stats"), ["evicted_keys"]));
  await call("CONFIG", "RESETSTAT");
  out.push(infoLines(await respCall(connection, "INFO", "stats"), ["evicted_keys"]));
  await call("CONFIG", "SET", "maxmemory", "0");
  await call("CONFIG", "SET", "maxmemory-policy", "volatile-lru");
  await call("SET", "k5", "v");
  await call("CONFIG", "SET", "maxmemory", "1");
  await call("SET", "k6", "v");
  await call("DBSIZE");
  await call("CONFIG", "SET", "maxmemory", "0");
  return out;
}

Deno.test("maxmemory settings, OBJECT FREQ/IDLETIME and -OOM answer as redis-server's", async () => {
  await assertSameAsRedis(scenario);
});
