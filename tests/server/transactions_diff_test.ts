/**
 * Transactions (MULTI, EXEC, DISCARD, WATCH, UNWATCH) byte for byte against
 * a real redis-server 7.0.15: every scenario runs on a fresh redis-server and
 * a fresh walkv, over the same raw connections in the same order, and the two
 * servers' raw reply texts must be equal. Nothing is normalised: none of these
 * replies holds an id, a version or a time that could legitimately differ
 * (TTLs are read in the same second they are set, so Redis's rounding gives
 * the same whole number on both).
 *
 * Client libraries drive optimistic locking with exactly these replies
 * (`*-1` for an aborted EXEC, `-EXECABORT` for a transaction discarded at
 * queue time), so a reply that differs from Redis's breaks them, not just
 * this test.
 *
 * Each scenario also pins the replies that make it mean what its name says
 * (that EXEC aborted, that nothing was applied), checked against
 * redis-server first, so a scenario cannot pass vacuously on both servers
 * and a change in Redis's behaviour shows as such, not as a walkv bug.
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import {
  runSession,
  type SessionStep,
  type SleepStep,
  transcript,
} from "../helpers/diff_session.ts";

/**
 * walkv's flags. `["--databases", "16"]` is the intent (Redis's default, so
 * SELECT 1 and SWAPDB see the same databases), but walkv refuses the flag
 * today (`unknown flag "--databases"`, exit 2), and 16 is its planned
 * default, so no flag is passed.
 */
const WALKV_ARGS: string[] = [];

/** A step, and optionally the exact reply redis-server 7.0.15 gives to it. */
type Step = SessionStep & { redis?: string };

/** Client 0's request. */
function a(...args: string[]): Step {
  return { client: 0, args };
}

/** Client 1's request. */
function b(...args: string[]): Step {
  return { client: 1, args };
}

/** `step`, pinned to the reply Redis gives it (for a pipeline: its replies, joined). */
function says(reply: string, step: Step): Step {
  return { ...step, redis: reply };
}

/** Client 0's requests, sent in one write; their replies are read afterwards. */
function pipelined(...commands: string[][]): Step {
  return { client: 0, pipeline: commands };
}

function sleep(ms: number): SleepStep {
  return { sleepMs: ms };
}

const OK = "+OK\r\n";
const QUEUED = "+QUEUED\r\n";
const NIL = "$-1\r\n";
/** EXEC's reply when a watched key was touched: the null array. */
const ABORTED = "*-1\r\n";
/** EXEC's reply to a transaction of one `SET`, when it runs. */
const RAN_ONE_SET = "*1\r\n+OK\r\n";
const EXECABORT = "-EXECABORT Transaction discarded because of previous errors.\r\n";
const EXEC_WITHOUT_MULTI = "-ERR EXEC without MULTI\r\n";
const DISCARD_WITHOUT_MULTI = "-ERR DISCARD without MULTI\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";

function bulk(value: string): string {
  return `$${value.length}\r\n${value}\r\n`;
}

/** What a scenario is: a name for the test step, and its steps. */
interface Scenario {
  name: string;
  steps: Step[];
}

/**
 * Runs `steps` on a fresh redis-server, checks the replies it pins, then runs
 * them on a fresh walkv and compares every reply. Transcripts (request next
 * to reply) are compared, so a failure shows the step that differs.
 */
async function compareWithRedis(steps: Step[]): Promise<void> {
  let expected: string[];
  {
    await using redis = await startRedisServer();
    expected = await runSession(redis.port, steps);
  }
  const pinned: string[] = [];
  const got: string[] = [];
  let next = 0;
  for (const step of steps) {
    const count = "sleepMs" in step ? 0 : "pipeline" in step ? step.pipeline.length : 1;
    const replies = expected.slice(next, next + count).join("");
    next += count;
    if (step.redis === undefined) continue;
    pinned.push(step.redis);
    got.push(replies);
  }
  assertEquals(
    got,
    pinned,
    "redis-server itself answered differently from what this test pins; " +
      `its transcript:\n${transcript(steps, expected).join("\n")}`,
  );

  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path, args: WALKV_ARGS });
  const actual = await runSession(walkv.port, steps);
  assertEquals(
    transcript(steps, actual),
    transcript(steps, expected),
    "walkv's replies (actual) differ from redis-server's (expected)",
  );
}

/** One Deno test per group; one test step per scenario, so every scenario reports. */
function diffTest(group: string, scenarios: Scenario[]): void {
  Deno.test(`transactions diff: ${group}`, async (t) => {
    for (const scenario of scenarios) {
      await t.step(scenario.name, () => compareWithRedis(scenario.steps));
    }
  });
}

diffTest("MULTI, EXEC and DISCARD answer as Redis does", [
  {
    name: "queued commands answer +QUEUED and EXEC answers their replies in an array",
    steps: [
      says(OK, a("MULTI")),
      says(QUEUED, a("SET", "k", "v")),
      says(QUEUED, a("GET", "k")),
      says(QUEUED, a("INCR", "n")),
      says(QUEUED, a("PING")),
      says(QUEUED, a("ECHO", "hi")),
      says(QUEUED, a("GET", "missing")),
      says("*6\r\n+OK\r\n$1\r\nv\r\n:1\r\n+PONG\r\n$2\r\nhi\r\n$-1\r\n", a("EXEC")),
      says(bulk("v"), a("GET", "k")),
    ],
  },
  {
    name: "EXEC of a mix of SET, GET, INCR, MSET, DEL, EXISTS, EXPIRE and TTL",
    steps: [
      a("MULTI"),
      a("SET", "a", "1"),
      a("INCR", "a"),
      a("MSET", "b", "2", "c", "3"),
      a("GET", "b"),
      a("DEL", "c", "nothing"),
      a("EXISTS", "c"),
      a("EXPIRE", "a", "100"),
      a("TTL", "a"),
      a("TTL", "b"),
      a("TTL", "nothing"),
      a("GET", "a"),
      says(
        "*11\r\n+OK\r\n:2\r\n+OK\r\n$1\r\n2\r\n:1\r\n:0\r\n:1\r\n:100\r\n:-1\r\n:-2\r\n$1\r\n2\r\n",
        a("EXEC"),
      ),
      says(":100\r\n", a("TTL", "a")),
      says("*3\r\n$1\r\n2\r\n$1\r\n2\r\n$-1\r\n", a("MGET", "a", "b", "c")),
    ],
  },
  {
    name: "an empty MULTI/EXEC answers an empty array",
    steps: [says(OK, a("MULTI")), says("*0\r\n", a("EXEC"))],
  },
  {
    name: "command names are case-insensitive",
    steps: [
      a("multi"),
      a("set", "k", "1"),
      says("*1\r\n+OK\r\n", a("exec")),
      a("Multi"),
      a("incr", "k"),
      says(OK, a("discard")),
      says(bulk("1"), a("GET", "k")),
    ],
  },
  {
    name: "DISCARD answers +OK, applies nothing and ends the transaction",
    steps: [
      a("SET", "k", "before"),
      a("MULTI"),
      a("SET", "k", "1"),
      a("INCR", "k"),
      a("DEL", "k"),
      a("SET", "other", "x"),
      says(OK, a("DISCARD")),
      says(bulk("before"), a("GET", "k")),
      says(NIL, a("GET", "other")),
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
    ],
  },
  {
    name: "EXEC and DISCARD without MULTI are errors",
    steps: [
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
      says(DISCARD_WITHOUT_MULTI, a("DISCARD")),
      says(OK, a("UNWATCH")),
    ],
  },
  {
    name: "a nested MULTI is an error that does not abort the transaction",
    steps: [
      a("MULTI"),
      a("SET", "a", "1"),
      says("-ERR MULTI calls can not be nested\r\n", a("MULTI")),
      a("SET", "b", "2"),
      says("*2\r\n+OK\r\n+OK\r\n", a("EXEC")),
      says("*2\r\n$1\r\n1\r\n$1\r\n2\r\n", a("MGET", "a", "b")),
    ],
  },
  {
    name: "WATCH inside MULTI is an error that does not abort the transaction",
    steps: [
      a("MULTI"),
      a("SET", "a", "1"),
      says("-ERR WATCH inside MULTI is not allowed\r\n", a("WATCH", "a")),
      says("*1\r\n+OK\r\n", a("EXEC")),
      says(bulk("1"), a("GET", "a")),
    ],
  },
  {
    name: "an unknown command at queue time makes EXEC answer -EXECABORT and apply nothing",
    steps: [
      a("MULTI"),
      a("SET", "k", "v"),
      says(
        "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n",
        a("FOO", "bar"),
      ),
      a("SET", "j", "w"),
      says(EXECABORT, a("EXEC")),
      says(NIL, a("GET", "k")),
      says(NIL, a("GET", "j")),
      // The transaction is over.
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
    ],
  },
  {
    name: "a wrong-arity command at queue time makes EXEC answer -EXECABORT and apply nothing",
    steps: [
      a("MULTI"),
      a("SET", "k", "v"),
      says("-ERR wrong number of arguments for 'get' command\r\n", a("GET")),
      says("-ERR wrong number of arguments for 'set' command\r\n", a("SET", "k")),
      a("INCR", "n"),
      says(EXECABORT, a("EXEC")),
      says(NIL, a("GET", "k")),
      says(NIL, a("GET", "n")),
    ],
  },
  {
    name: "DISCARD after a queue-time error answers +OK and applies nothing",
    steps: [
      a("MULTI"),
      a("SET", "k", "v"),
      a("NOSUCHCOMMAND"),
      says(OK, a("DISCARD")),
      says(NIL, a("GET", "k")),
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
    ],
  },
  {
    name: "runtime errors inside EXEC are answered in place while the other commands apply",
    steps: [
      a("MULTI"),
      a("SET", "n", "abc"),
      says(QUEUED, a("INCR", "n")),
      says(QUEUED, a("SET", "e", "v", "EX", "0")),
      a("SET", "x", "1"),
      says(QUEUED, a("SET", "y", "v", "EX", "abc")),
      says(QUEUED, a("SET", "k", "v", "FOO")),
      says(QUEUED, a("SET", "z", "v", "EX", "-5")),
      says(QUEUED, a("INCRBY", "x", "notanumber")),
      says(QUEUED, a("EXPIRE", "x", "abc")),
      a("INCR", "x"),
      says(
        "*10\r\n+OK\r\n" + NOT_INTEGER + "-ERR invalid expire time in 'set' command\r\n" +
          "+OK\r\n" + NOT_INTEGER + "-ERR syntax error\r\n" +
          "-ERR invalid expire time in 'set' command\r\n" + NOT_INTEGER + NOT_INTEGER +
          ":2\r\n",
        a("EXEC"),
      ),
      says(
        "*6\r\n$3\r\nabc\r\n$-1\r\n$1\r\n2\r\n$-1\r\n$-1\r\n$-1\r\n",
        a("MGET", "n", "e", "x", "y", "k", "z"),
      ),
    ],
  },
  {
    name: "QUIT inside MULTI answers +OK, closes the connection and applies nothing",
    steps: [
      a("MULTI"),
      a("SET", "q", "1"),
      says(OK, a("QUIT")),
      says("(closed)", { client: 0, closed: true }),
      says(NIL, b("GET", "q")),
    ],
  },
]);

/**
 * Client 0 watches `k` (after `setup`), client 1 runs `touch`, client 0 runs
 * `MULTI`/`SET k x`/`EXEC`, and EXEC must abort (`*-1`, k as client 1 left
 * it) or run, as Redis decides; then client 0 reads k back.
 */
function watchScenario(
  name: string,
  options: { setup?: string[][]; touch: Step[]; aborts: boolean; after: string },
): Scenario {
  const setup = options.setup ?? [["SET", "k", "v"], ["SET", "other", "o"]];
  return {
    name,
    steps: [
      ...setup.map((args) => a(...args)),
      says(OK, a("WATCH", "k")),
      ...options.touch,
      a("MULTI"),
      says(QUEUED, a("SET", "k", "x")),
      says(options.aborts ? ABORTED : RAN_ONE_SET, a("EXEC")),
      says(options.after, a("GET", "k")),
    ],
  };
}

const WITH_TTL = [["SET", "k", "v", "EX", "100"], ["SET", "other", "o"]];
const INTEGER_K = [["SET", "k", "5"]];

diffTest("WATCH aborts EXEC when another client modifies the watched key", [
  watchScenario("SET of k", { touch: [b("SET", "k", "z")], aborts: true, after: bulk("z") }),
  watchScenario("SET of k to the value it already has", {
    touch: [b("SET", "k", "v")],
    aborts: true,
    after: bulk("v"),
  }),
  watchScenario("DEL of k", { touch: [b("DEL", "k")], aborts: true, after: NIL }),
  watchScenario("INCR of k", {
    setup: INTEGER_K,
    touch: [b("INCR", "k")],
    aborts: true,
    after: bulk("6"),
  }),
  watchScenario("APPEND to k", {
    touch: [b("APPEND", "k", "w")],
    aborts: true,
    after: bulk("vw"),
  }),
  watchScenario("APPEND of nothing to k", {
    touch: [says(":1\r\n", b("APPEND", "k", ""))],
    aborts: true,
    after: bulk("v"),
  }),
  watchScenario("EXPIRE of k", {
    touch: [b("EXPIRE", "k", "500")],
    aborts: true,
    after: bulk("v"),
  }),
  watchScenario("EXPIRE of k into the past (deletes it)", {
    touch: [b("EXPIRE", "k", "-1")],
    aborts: true,
    after: NIL,
  }),
  watchScenario("PERSIST of k, which has a TTL", {
    setup: WITH_TTL,
    touch: [says(":1\r\n", b("PERSIST", "k"))],
    aborts: true,
    after: bulk("v"),
  }),
  watchScenario("GETEX k PERSIST of k, which has a TTL", {
    setup: WITH_TTL,
    touch: [b("GETEX", "k", "PERSIST")],
    aborts: true,
    after: bulk("v"),
  }),
  watchScenario("GETDEL of k", { touch: [b("GETDEL", "k")], aborts: true, after: NIL }),
  watchScenario("RENAME of another key onto k", {
    touch: [b("RENAME", "other", "k")],
    aborts: true,
    after: bulk("o"),
  }),
  watchScenario("RENAME of k away", {
    touch: [b("RENAME", "k", "elsewhere")],
    aborts: true,
    after: NIL,
  }),
  watchScenario("FLUSHDB while k exists", { touch: [b("FLUSHDB")], aborts: true, after: NIL }),
  watchScenario("FLUSHALL while k exists", { touch: [b("FLUSHALL")], aborts: true, after: NIL }),
  watchScenario("FLUSHALL from another database while k exists", {
    touch: [b("SELECT", "1"), b("FLUSHALL")],
    aborts: true,
    after: NIL,
  }),
  watchScenario("MSET that includes k", {
    touch: [b("MSET", "a", "1", "k", "2")],
    aborts: true,
    after: bulk("2"),
  }),
  watchScenario("SET that creates k, which did not exist when watched", {
    setup: [],
    touch: [b("SET", "k", "new")],
    aborts: true,
    after: bulk("new"),
  }),
  watchScenario("client 0's own SET of k between WATCH and MULTI", {
    touch: [a("SET", "k", "mine")],
    aborts: true,
    after: bulk("mine"),
  }),
  watchScenario("SET of k by a client in database 0 while client 0 has since SELECTed 1", {
    setup: [],
    touch: [a("SELECT", "1"), b("SET", "k", "1")],
    aborts: true,
    // Client 0 now reads database 1, where its own SET did not run either.
    after: NIL,
  }),
]);

diffTest("WATCH does not abort EXEC when the watched key is not modified", [
  watchScenario("SET of a different key", {
    touch: [b("SET", "other", "z"), b("DEL", "other")],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("GET, EXISTS and TTL of k", {
    touch: [b("GET", "k"), b("EXISTS", "k"), b("TTL", "k")],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("SET k NX that does not set", {
    touch: [says(NIL, b("SET", "k", "z", "NX"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("MSETNX that sets nothing", {
    touch: [says(":0\r\n", b("MSETNX", "other", "1", "k", "2"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("INCR of k that fails", {
    touch: [says(NOT_INTEGER, b("INCR", "k"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("EXPIRE k NX that does not apply", {
    setup: WITH_TTL,
    touch: [says(":0\r\n", b("EXPIRE", "k", "500", "NX"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("PERSIST of k, which has no TTL", {
    touch: [says(":0\r\n", b("PERSIST", "k"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("DEL of k, which does not exist", {
    setup: [],
    touch: [says(":0\r\n", b("DEL", "k"))],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("FLUSHDB while k does not exist (Redis touches only existing keys)", {
    setup: [["SET", "other", "o"]],
    touch: [b("FLUSHDB")],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("FLUSHALL while k does not exist", {
    setup: [["SET", "other", "o"]],
    touch: [b("FLUSHALL")],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("FLUSHDB of another database", {
    touch: [b("SELECT", "1"), b("SET", "k", "1"), b("FLUSHDB")],
    aborts: false,
    after: bulk("x"),
  }),
  watchScenario("SET of k in another database", {
    touch: [b("SELECT", "1"), b("SET", "k", "z")],
    aborts: false,
    after: bulk("x"),
  }),
]);

diffTest("WATCH is cleared by UNWATCH, EXEC and DISCARD, and sees expiry", [
  {
    name: "UNWATCH before MULTI clears the watch",
    steps: [
      a("WATCH", "k"),
      b("SET", "k", "1"),
      says(OK, a("UNWATCH")),
      a("MULTI"),
      a("SET", "k", "x"),
      says(RAN_ONE_SET, a("EXEC")),
      says(bulk("x"), a("GET", "k")),
    ],
  },
  {
    name: "UNWATCH inside MULTI is only queued, so the watch still aborts EXEC",
    steps: [
      a("WATCH", "k"),
      a("MULTI"),
      says(QUEUED, a("UNWATCH")),
      b("SET", "k", "1"),
      says(ABORTED, a("EXEC")),
    ],
  },
  {
    name: "a successful EXEC clears the watch",
    steps: [
      a("WATCH", "k"),
      a("MULTI"),
      says(QUEUED, a("SET", "k", "x")),
      says(RAN_ONE_SET, a("EXEC")),
      b("SET", "k", "1"),
      a("MULTI"),
      a("SET", "k", "y"),
      says(RAN_ONE_SET, a("EXEC")),
      says(bulk("y"), a("GET", "k")),
    ],
  },
  {
    name: "an aborted EXEC clears the watch",
    steps: [
      a("WATCH", "k"),
      b("SET", "k", "1"),
      a("MULTI"),
      says(ABORTED, a("EXEC")),
      b("SET", "k", "2"),
      a("MULTI"),
      a("SET", "k", "x"),
      says(RAN_ONE_SET, a("EXEC")),
    ],
  },
  {
    name: "an EXEC answered -EXECABORT clears the watch",
    steps: [
      a("WATCH", "k"),
      a("MULTI"),
      a("FOO"),
      says(EXECABORT, a("EXEC")),
      b("SET", "k", "1"),
      a("MULTI"),
      a("SET", "k", "x"),
      says(RAN_ONE_SET, a("EXEC")),
    ],
  },
  {
    name: "DISCARD clears the watch",
    steps: [
      a("WATCH", "k"),
      a("MULTI"),
      a("SET", "k", "x"),
      says(OK, a("DISCARD")),
      b("SET", "k", "1"),
      a("MULTI"),
      a("SET", "k", "y"),
      says(RAN_ONE_SET, a("EXEC")),
      says(bulk("y"), a("GET", "k")),
    ],
  },
  {
    name: "EXEC and DISCARD without MULTI leave the watch in place",
    steps: [
      a("WATCH", "k"),
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
      says(DISCARD_WITHOUT_MULTI, a("DISCARD")),
      b("SET", "k", "1"),
      a("MULTI"),
      says(ABORTED, a("EXEC")),
    ],
  },
  {
    name: "WATCH of several keys aborts when any one is modified; repeats are fine",
    steps: [
      a("WATCH", "k1", "k2"),
      says(OK, a("WATCH", "k3", "k2", "k3")),
      b("SET", "k3", "1"),
      a("MULTI"),
      a("SET", "k1", "x"),
      says(ABORTED, a("EXEC")),
      says(NIL, a("GET", "k1")),
    ],
  },
  {
    // Redis 7.0 treats a watched key that expires after WATCH as modified
    // (the key outlives WATCH by ~100 ms here, so loopback latency cannot
    // make it expire first; 200 ms later it is surely gone).
    name: "a watched key that expires after WATCH aborts EXEC",
    steps: [
      a("SET", "k", "v", "PX", "100"),
      a("WATCH", "k"),
      sleep(200),
      a("MULTI"),
      a("SET", "j", "x"),
      says(ABORTED, a("EXEC")),
      says(NIL, a("GET", "j")),
    ],
  },
  {
    name: "a watched key that expires after WATCH aborts EXEC even once read back as gone",
    steps: [
      a("SET", "k", "v", "PX", "100"),
      a("WATCH", "k"),
      sleep(200),
      says(NIL, a("GET", "k")),
      a("MULTI"),
      a("SET", "j", "x"),
      says(ABORTED, a("EXEC")),
    ],
  },
  {
    name: "a key that had already expired when watched does not abort EXEC",
    steps: [
      a("SET", "k", "v", "PX", "50"),
      sleep(150),
      a("WATCH", "k"),
      a("MULTI"),
      a("SET", "j", "x"),
      says(RAN_ONE_SET, a("EXEC")),
      says(bulk("x"), a("GET", "j")),
    ],
  },
  {
    name: "a watch in database 1 sees writes to database 1 only",
    steps: [
      a("SELECT", "1"),
      a("WATCH", "k"),
      b("SET", "k", "db0"),
      a("MULTI"),
      says("*0\r\n", a("EXEC")),
      a("WATCH", "k"),
      b("SELECT", "1"),
      b("SET", "k", "db1"),
      a("MULTI"),
      says(ABORTED, a("EXEC")),
    ],
  },
]);

diffTest("SWAPDB touches the watched keys of both databases", [
  {
    name: "watched key exists in database 0 only",
    steps: [
      a("SET", "k", "a"),
      a("WATCH", "k"),
      says(OK, b("SWAPDB", "0", "1")),
      a("MULTI"),
      a("SET", "j", "x"),
      says(ABORTED, a("EXEC")),
      says(NIL, a("GET", "k")),
    ],
  },
  {
    name: "watched key exists in database 1 only",
    steps: [
      b("SELECT", "1"),
      b("SET", "k", "b"),
      a("WATCH", "k"),
      b("SWAPDB", "0", "1"),
      a("MULTI"),
      a("SET", "j", "x"),
      says(ABORTED, a("EXEC")),
      says(bulk("b"), a("GET", "k")),
    ],
  },
  {
    name: "watched key exists in both databases",
    steps: [
      a("SET", "k", "a"),
      b("SELECT", "1"),
      b("SET", "k", "b"),
      a("WATCH", "k"),
      b("SWAPDB", "1", "0"),
      a("MULTI"),
      a("GET", "k"),
      says(ABORTED, a("EXEC")),
      says(bulk("b"), a("GET", "k")),
    ],
  },
  {
    name: "watched key exists in neither database: no abort",
    steps: [
      b("SELECT", "1"),
      b("SET", "z", "v"),
      a("WATCH", "k"),
      b("SWAPDB", "0", "1"),
      a("MULTI"),
      a("GET", "z"),
      says("*1\r\n$1\r\nv\r\n", a("EXEC")),
    ],
  },
  {
    name: "SWAPDB of two other databases: no abort",
    steps: [
      a("SET", "k", "a"),
      b("SELECT", "1"),
      b("SET", "k", "b"),
      a("WATCH", "k"),
      b("SWAPDB", "1", "2"),
      a("MULTI"),
      a("GET", "k"),
      says("*1\r\n$1\r\na\r\n", a("EXEC")),
    ],
  },
]);

const MANY_WATCHED = 10_000;
const watchedKeys = Array.from({ length: MANY_WATCHED }, (_, i) => `w:${i}`);

// Redis 7.0's WATCH checks each key against the client's watched list, so a
// 10,000-key WATCH costs it about a second here: two scenarios, not more.
diffTest("WATCH of 10,000 keys in one command", [
  {
    name: "untouched, the transaction runs",
    steps: [
      says(OK, a("WATCH", ...watchedKeys)),
      b("SET", "unwatched", "1"),
      b("GET", "w:5000"),
      a("MULTI"),
      a("SET", "w:0", "x"),
      says(RAN_ONE_SET, a("EXEC")),
    ],
  },
  {
    name: "all existing, the last one deleted by another client, the transaction aborts",
    steps: [
      says(OK, a("MSET", ...watchedKeys.flatMap((key) => [key, "v"]))),
      says(OK, a("WATCH", ...watchedKeys)),
      says(":1\r\n", b("DEL", `w:${MANY_WATCHED - 1}`)),
      a("MULTI"),
      a("SET", "w:0", "x"),
      says(ABORTED, a("EXEC")),
      says(bulk("v"), a("GET", "w:0")),
      // The abort cleared all 10,000 watches.
      b("SET", "w:1", "y"),
      a("MULTI"),
      a("SET", "w:0", "x"),
      says(RAN_ONE_SET, a("EXEC")),
    ],
  },
]);

/** `MULTI`, then `count` commands, then `EXEC`: what a pipelined batch queues. */
function manyQueued(count: number): string[][] {
  const commands: string[][] = [["MULTI"]];
  for (let i = 0; i < count; i++) {
    commands.push(i % 2 === 0 ? ["SET", `q:${i}`, String(i)] : ["INCR", "counter"]);
  }
  commands.push(["EXEC"]);
  return commands;
}

const QUEUED_MANY = 2000;
/** EXEC's reply to {@linkcode manyQueued}(QUEUED_MANY). */
const MANY_EXEC_REPLY = `*${QUEUED_MANY}\r\n` +
  Array.from({ length: QUEUED_MANY }, (_, i) => i % 2 === 0 ? OK : `:${(i + 1) / 2}\r\n`).join("");

diffTest("pipelined transactions, sent in one write", [
  {
    name: "MULTI…EXEC and a read after it",
    steps: [
      says(
        OK + QUEUED.repeat(3) + "*3\r\n+OK\r\n:2\r\n$1\r\n2\r\n" + bulk("2"),
        pipelined(
          ["MULTI"],
          ["SET", "a", "1"],
          ["INCR", "a"],
          ["GET", "a"],
          ["EXEC"],
          ["GET", "a"],
        ),
      ),
    ],
  },
  {
    name: "a queue-time error inside the pipeline aborts only its transaction",
    steps: [
      says(
        OK + QUEUED + "-ERR unknown command 'NOPE', with args beginning with: \r\n" + EXECABORT +
          NIL + OK + QUEUED + "*1\r\n+OK\r\n" + bulk("2"),
        pipelined(
          ["MULTI"],
          ["SET", "a", "1"],
          ["NOPE"],
          ["EXEC"],
          ["GET", "a"],
          ["MULTI"],
          ["SET", "a", "2"],
          ["EXEC"],
          ["GET", "a"],
        ),
      ),
    ],
  },
  {
    name: "WATCH, MULTI, EXEC and DISCARD back to back",
    steps: [
      says(
        OK + OK + QUEUED + "*1\r\n+OK\r\n" + OK + QUEUED + OK + OK + QUEUED + "*1\r\n:2\r\n" +
          EXEC_WITHOUT_MULTI,
        pipelined(
          ["WATCH", "k"],
          ["MULTI"],
          ["SET", "k", "1"],
          ["EXEC"],
          ["MULTI"],
          ["INCR", "k"],
          ["DISCARD"],
          ["MULTI"],
          ["INCR", "k"],
          ["EXEC"],
          ["EXEC"],
        ),
      ),
    ],
  },
  {
    name: "a watched key modified before the pipelined transaction aborts it",
    steps: [
      a("WATCH", "k"),
      b("SET", "k", "theirs"),
      says(
        OK + QUEUED + ABORTED + bulk("theirs"),
        pipelined(["MULTI"], ["SET", "k", "x"], ["EXEC"], ["GET", "k"]),
      ),
    ],
  },
  {
    name: `a MULTI that queues ${QUEUED_MANY} commands`,
    steps: [
      says(
        OK + QUEUED.repeat(QUEUED_MANY) + MANY_EXEC_REPLY,
        pipelined(...manyQueued(QUEUED_MANY)),
      ),
      says(bulk(String(QUEUED_MANY / 2)), a("GET", "counter")),
      says(`:${QUEUED_MANY / 2 + 1}\r\n`, a("DBSIZE")),
    ],
  },
]);

diffTest("bad input around transactions", [
  {
    name: "WATCH with no arguments is an arity error, outside and inside MULTI",
    steps: [
      says("-ERR wrong number of arguments for 'watch' command\r\n", a("WATCH")),
      a("MULTI"),
      a("SET", "k", "v"),
      says("-ERR wrong number of arguments for 'watch' command\r\n", a("WATCH")),
      says(EXECABORT, a("EXEC")),
      says(NIL, a("GET", "k")),
    ],
  },
  {
    name: "MULTI, UNWATCH and DISCARD with arguments are arity errors",
    steps: [
      says("-ERR wrong number of arguments for 'multi' command\r\n", a("MULTI", "x")),
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
      says("-ERR wrong number of arguments for 'unwatch' command\r\n", a("UNWATCH", "x")),
      a("MULTI"),
      a("SET", "k", "v"),
      says("-ERR wrong number of arguments for 'discard' command\r\n", a("DISCARD", "x")),
      says(EXECABORT, a("EXEC")),
      says(NIL, a("GET", "k")),
    ],
  },
  {
    // EXEC with an argument ends the transaction itself, with its own EXECABORT text.
    name: "EXEC with an argument inside MULTI discards the transaction",
    steps: [
      a("MULTI"),
      a("SET", "k", "v"),
      says(
        "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
        a("EXEC", "x"),
      ),
      says(EXEC_WITHOUT_MULTI, a("EXEC")),
      says(NIL, a("GET", "k")),
    ],
  },
]);
