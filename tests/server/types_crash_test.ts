/**
 * Every data type survives SIGKILL: concurrent clients each change their own
 * string, hash and set, one acknowledged command at a time, while walkv is
 * killed at a random moment, again and again on the same WAL (with a
 * BGREWRITEAOF in some rounds, so kills also land during and after
 * compactions). After every restart each client's keys must hold exactly the
 * state its first `n` commands produce, for an `n` between the commands it
 * had acknowledged and those it had sent: nothing acknowledged is lost,
 * nothing unsent appears, and no change is applied twice (a replayed HDEL
 * or SREM of a member added back later would show).
 *
 * Command `k` of client `c` is a pure function of `c` and `k`, so a model
 * replays the first `n` of them to get the state to compare. The kill moments
 * come from a seeded PRNG: set `WALKV_TYPES_CRASH_SEED` to replay a run.
 */
import { assert, assertEquals } from "@std/assert";
import { prng } from "../helpers/prng.ts";
import { respCall } from "../helpers/resp_reply.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const CLIENTS = 4;
const ROUNDS = 4;
const KILL_AFTER_MS = { min: 150, max: 500 };
const FIELDS = 40;

const SEED = Number(
  Deno.env.get("WALKV_TYPES_CRASH_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0],
);
console.log(`types_crash_test seed ${SEED} (replay with WALKV_TYPES_CRASH_SEED=${SEED})`);

/** One client's keys as a model holds them. */
interface State {
  string: string | null;
  hash: Map<string, string>;
  set: Set<string>;
}

/** Client `c`'s command `k` (from 1), and what it does to the model. */
function command(c: number, k: number): { args: string[]; apply(state: State): void } {
  const field = `f${(k * 7) % FIELDS}`;
  const member = `m${(k * 3) % FIELDS}`;
  switch (k % 6) {
    case 0:
      return {
        args: ["SET", `s:${c}`, `v${k}`],
        apply: (state) => void (state.string = `v${k}`),
      };
    case 1:
      return {
        args: ["HSET", `h:${c}`, field, `v${k}`, `g${k % 3}`, `w${k}`],
        apply: (state) => {
          state.hash.set(field, `v${k}`);
          state.hash.set(`g${k % 3}`, `w${k}`);
        },
      };
    case 2:
      return {
        // The field the command before set, and one set some commands ago.
        args: ["HDEL", `h:${c}`, `f${(7 * (k - 1)) % FIELDS}`, `f${(7 * (k - 7)) % FIELDS}`],
        apply: (state) => {
          state.hash.delete(`f${(7 * (k - 1)) % FIELDS}`);
          state.hash.delete(`f${(7 * (k - 7)) % FIELDS}`);
        },
      };
    case 3:
      return {
        args: ["SADD", `t:${c}`, member, `n${k % 5}`],
        apply: (state) => {
          state.set.add(member);
          state.set.add(`n${k % 5}`);
        },
      };
    case 4:
      return {
        // The member the command before added, and one of the five `n` members.
        args: ["SREM", `t:${c}`, `m${(3 * (k - 1)) % FIELDS}`, `n${(k + 1) % 5}`],
        apply: (state) => {
          state.set.delete(`m${(3 * (k - 1)) % FIELDS}`);
          state.set.delete(`n${(k + 1) % 5}`);
        },
      };
    default:
      return {
        args: ["HINCRBY", `h:${c}`, "counter", String(k)],
        apply: (state) =>
          void state.hash.set("counter", String(Number(state.hash.get("counter") ?? 0) + k)),
      };
  }
}

function modelAfter(c: number, n: number): State {
  const state: State = { string: null, hash: new Map(), set: new Set() };
  for (let k = 1; k <= n; k++) command(c, k).apply(state);
  return state;
}

/** The model's state as the server's replies would show it. */
function expectedReplies(state: State): string[] {
  const bulk = (text: string) => `$${text.length}\r\n${text}\r\n`;
  const pairs = [...state.hash].sort(([a], [b]) => (a < b ? -1 : 1));
  const members = [...state.set].sort();
  return [
    state.string === null ? "$-1\r\n" : bulk(state.string),
    `*${pairs.length * 2}\r\n${pairs.map(([f, v]) => bulk(f) + bulk(v)).join("")}`,
    `*${members.length}\r\n${members.map(bulk).join("")}`,
  ];
}

/** Client `c`'s keys as the server holds them, hash pairs and set members sorted. */
async function serverState(port: number, c: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const string = await respCall(connection, "GET", `s:${c}`);
  const hash = await respCall(connection, "HGETALL", `h:${c}`);
  const set = await respCall(connection, "SMEMBERS", `t:${c}`);
  const items = (reply: string) =>
    reply.slice(reply.indexOf("\r\n") + 2).match(/\$\d+\r\n[^\r]*\r\n/g) ?? [];
  const hashItems = items(hash);
  const pairs: string[] = [];
  for (let i = 0; i < hashItems.length; i += 2) pairs.push(hashItems[i] + hashItems[i + 1]);
  pairs.sort((a, b) => {
    const fa = a.split("\r\n")[1];
    const fb = b.split("\r\n")[1];
    return fa < fb ? -1 : 1;
  });
  const members = items(set).sort((a, b) => (a.split("\r\n")[1] < b.split("\r\n")[1] ? -1 : 1));
  return [
    string,
    `*${hashItems.length}\r\n${pairs.join("")}`,
    `*${members.length}\r\n${members.join("")}`,
  ];
}

Deno.test("every type's acknowledged changes survive SIGKILL, exactly once", async () => {
  const random = prng(SEED);
  await using dir = await tempDir();
  const done = Array.from({ length: CLIENTS }, () => 0);
  for (let round = 1; round <= ROUNDS; round++) {
    const walkv: ServerProcess = await startServer({ walDir: dir.path });
    // After the restart: each client's state is that of some n in [acknowledged, sent].
    for (let c = 0; c < CLIENTS; c++) {
      const actual = await serverState(walkv.port, c);
      assertEquals(actual, expectedReplies(modelAfter(c, done[c])), `client ${c}, round ${round}`);
    }
    const acknowledged = done.slice();
    const sent = done.slice();
    let stop = false;
    const clients = Array.from({ length: CLIENTS }, async (_, c) => {
      using connection = await RawConnection.connect(walkv.port);
      while (!stop) {
        const k = sent[c] + 1;
        sent[c] = k;
        try {
          const reply = await respCall(connection, ...command(c, k).args);
          assert(!reply.startsWith("-"), `client ${c} command ${k}: ${reply}`);
        } catch {
          return; // killed
        }
        acknowledged[c] = k;
      }
    });
    if (round % 2 === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      using connection = await RawConnection.connect(walkv.port);
      await respCall(connection, "BGREWRITEAOF");
    }
    const killAfter = KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min);
    await new Promise((resolve) => setTimeout(resolve, killAfter));
    stop = true;
    await walkv.kill();
    await Promise.allSettled(clients);
    // Which n each client's keys hold decides where the next round goes on from.
    const restarted = await startServer({ walDir: dir.path });
    try {
      for (let c = 0; c < CLIENTS; c++) {
        const actual = await serverState(restarted.port, c);
        let found = -1;
        for (let n = acknowledged[c]; n <= sent[c]; n++) {
          if (JSON.stringify(actual) === JSON.stringify(expectedReplies(modelAfter(c, n)))) {
            found = n;
          }
        }
        assert(
          found !== -1,
          `client ${c}, round ${round}: the keys match no n in [${acknowledged[c]}, ${sent[c]}]: ${
            JSON.stringify(actual).slice(0, 300)
          }`,
        );
        done[c] = found;
      }
    } finally {
      await restarted.kill();
    }
  }
  assert(done.every((n) => n > 20), `too few commands ran: ${done}`);
  console.log(`types_crash_test: ${ROUNDS} kills; commands per client kept: ${done.join(", ")}`);
});
