import { assert, assertEquals } from "@std/assert";
import { respHarness } from "../helpers/resp_harness.ts";

/** Redis-style request text of `fields`, for assertion messages. */
function label(fields: string[]): string {
  return fields.join(" ");
}

Deno.test("sorted-set commands log ZADD with the scores they set and ZREM of what they removed", () => {
  const { run, wal } = respHarness();
  const logs = (fields: string[], records: string[]) => {
    wal.records.length = 0;
    run(...fields);
    assertEquals(wal.texts(), records, label(fields));
  };
  logs(["ZADD", "z", "1", "a", "2.5", "b", "-inf", "c"], [
    "4ZADD1:z1:11:a3:2.51:b9:-Infinity1:c\n",
  ]);
  // Only what changed: a member set to the score it has is no change.
  logs(["ZADD", "z", "1", "a", "3", "b"], ["4ZADD1:z1:31:b\n"]);
  logs(["ZADD", "z", "NX", "9", "a"], []);
  logs(["ZADD", "z", "XX", "1", "nope"], []);
  logs(["ZADD", "z", "1", "twice", "2", "twice"], ["4ZADD1:z1:15:twice1:25:twice\n"]);
  // Increments log the score they computed, never the increment.
  logs(["ZINCRBY", "z", "0.1", "b"], ["4ZADD1:z3:3.11:b\n"]);
  logs(["ZADD", "z", "INCR", "0.2", "b"], ["4ZADD1:z18:3.30000000000000031:b\n"]);
  logs(["ZINCRBY", "z", "inf", "c"], []); // -inf + inf: NaN, an error, no change
  // A compact set holds -0 as 0 (Redis's listpack), and logs what it holds.
  logs(["ZINCRBY", "z", "-0", "new"], ["4ZADD1:z1:03:new\n"]);
  logs(["ZREM", "z", "new", "nope"], ["4ZREM1:z3:new\n"]);
  logs(["ZREM", "z", "nope"], []);
  logs(["ZPOPMIN", "z"], ["4ZREM1:z1:c\n"]);
  logs(["ZPOPMAX", "z", "2"], ["4ZREM1:z1:b5:twice\n"]);
  logs(["ZADD", "r", "1", "a", "2", "b", "3", "c", "4", "d"], [
    "4ZADD1:r1:11:a1:21:b1:31:c1:41:d\n",
  ]);
  logs(["ZREMRANGEBYSCORE", "r", "(1", "2"], ["4ZREM1:r1:b\n"]);
  logs(["ZREMRANGEBYRANK", "r", "-1", "-1"], ["4ZREM1:r1:d\n"]);
  logs(["ZMPOP", "2", "missing", "r", "MAX"], ["4ZREM1:r1:c\n"]);
  // The last member takes the key with it: still a ZREM, which replay empties the same way.
  logs(["ZREMRANGEBYLEX", "r", "-", "+"], ["4ZREM1:r1:a\n"]);
  assertEquals(run("EXISTS", "r"), ":0\r\n");
  // A *STORE replaces its destination whole: DEL, then the set as ZADD pairs.
  run("ZADD", "src", "1", "a", "2", "b");
  logs(["ZUNIONSTORE", "dst", "1", "src", "WEIGHTS", "2"], [
    "5MULTI32:3DEL3dst\n4ZADD3:dst1:21:a1:41:b\n\n",
  ]);
  logs(["ZRANGESTORE", "dst", "src", "0", "0"], ["5MULTI26:3DEL3dst\n4ZADD3:dst1:11:a\n\n"]);
  logs(["ZINTERSTORE", "dst", "2", "src", "missing"], ["3DEL3dst\n"]);
  logs(["ZINTERSTORE", "dst", "2", "src", "missing"], []);
});

Deno.test("a sorted-set command refused by the WAL is undone exactly", () => {
  const { run, wal } = respHarness();
  const many: string[] = [];
  for (let i = 0; i < 200; i++) many.push(String(i % 17), `m${i}`);
  run("ZADD", "big", ...many);
  run("ZADD", "small", "1", "a", "2", "b", "-0", "z");
  const edge: string[] = [];
  for (let i = 0; i < 128; i++) edge.push("1", `e${i}`);
  run("ZADD", "edge", ...edge);
  const state = () => [
    // Whole while compact, paged once not: an undone 129th member must not change it.
    run("ZSCAN", "edge", "0", "COUNT", "5"),
    run("ZRANGE", "big", "0", "-1", "WITHSCORES"),
    run("ZRANGE", "small", "0", "-1", "WITHSCORES"),
    run("ZSCAN", "small", "0"),
    run("DBSIZE"),
  ];
  const before = state();
  const append = wal.append.bind(wal);
  wal.append = () => {
    throw new Error('WAL "w" is closed');
  };
  for (
    const fields of [
      ["ZADD", "big", "100", "m1", "5", "new", "-5", "m2"],
      ["ZADD", "small", "INCR", "5", "a"],
      ["ZADD", "edge", "2", "e0", "1", "e128"],
      ["ZADD", "edge", "1", "x".repeat(65)],
      ["ZINCRBY", "big", "-3", "m199"],
      ["ZREM", "big", "m0", "m1", "nope"],
      ["ZPOPMIN", "big", "50"],
      ["ZPOPMAX", "small", "10"],
      ["ZREMRANGEBYRANK", "big", "10", "150"],
      ["ZREMRANGEBYSCORE", "big", "(3", "9"],
      ["ZMPOP", "1", "small", "MIN", "COUNT", "2"],
      ["ZUNIONSTORE", "small", "2", "small", "big"],
      ["ZRANGESTORE", "fresh", "big", "0", "5"],
    ]
  ) {
    assert(run(...fields).startsWith("-"), `${label(fields)} fails with the WAL`);
    assertEquals(state(), before, label(fields));
  }
  wal.append = append;
  assertEquals(run("ZADD", "small", "3", "c"), ":1\r\n");
});

/** The least of three timings of `work`, in ms: noise on a shared machine only adds. */
function fastest(work: () => void): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const started = performance.now();
    work();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

Deno.test("a 200k-member sorted set answers ZRANK and ZRANGE in O(log n), not O(n)", () => {
  const { run } = respHarness();
  const load = (key: string, size: number) => {
    for (let from = 0; from < size; from += 1000) {
      const pairs: string[] = [];
      for (let i = from; i < Math.min(size, from + 1000); i++) pairs.push(String(i >> 1), `m${i}`);
      run("ZADD", key, ...pairs);
    }
  };
  const large = 200_000;
  const small = 2_000;
  load("large", large);
  load("small", small);
  assertEquals(run("ZCARD", "large"), `:${large}\r\n`);
  const calls = 2_000;
  /** The ms `calls` bounded reads of `key` (of `size` members) take: ranks, windows, offsets. */
  const bounded = (key: string, size: number) =>
    fastest(() => {
      for (let k = 0; k < calls; k++) {
        const i = (k * 7919) % size; // spread over the whole set, deep ranks included
        if (run("ZRANK", key, `m${i}`) !== `:${i}\r\n`) throw new Error(`ZRANK ${key} m${i}`);
        run("ZRANGE", key, String(i), String(i + 4), "WITHSCORES");
        run("ZRANGE", key, "0", "+inf", "BYSCORE", "LIMIT", String(i), "3");
        run("ZREVRANGE", key, String(i), String(i));
      }
    });
  const smallMs = bounded("small", small);
  const largeMs = bounded("large", large);
  // The unbounded read: every member, which must cost O(n).
  const wholeMs = fastest(() => run("ZRANGE", "large", "0", "-1"));
  const perCall = (ms: number) => (ms / (calls * 4) * 1000).toFixed(1) + " µs";
  console.log(
    `bounded reads: ${perCall(smallMs)} at 2k, ${perCall(largeMs)} at 200k; ` +
      `ZRANGE 0 -1 of 200k: ${wholeMs.toFixed(1)} ms`,
  );
  // 100 times the members: O(n) would cost ~100 times as much per read; O(log n) ~1.6.
  assert(largeMs < smallMs * 10, `200k: ${largeMs.toFixed(1)} ms, 2k: ${smallMs.toFixed(1)} ms`);
  // And one bounded read is far cheaper than walking all 200k.
  const oneRead = largeMs / (calls * 4);
  assert(oneRead * 50 < wholeMs, `one read ${oneRead.toFixed(3)} ms, all ${wholeMs.toFixed(1)} ms`);
});
