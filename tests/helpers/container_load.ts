/**
 * A load of container changes whose outcome a model can replay: client `c`'s
 * command `k` (from 1) is a pure function of `c` and `k` (a SET, HSET, HDEL,
 * SADD, SREM or HINCRBY on the client's own keys `s:c`, `h:c`, `t:c`), so
 * the state after its first `n` commands is known exactly, and a test finds
 * which `n` a restarted server holds. Lists and sorted sets too (`l:c`,
 * `z:c`), with changes that are not idempotent (LPOP, ZINCRBY): one applied
 * twice, or skipped, shows. Used by the SIGKILL tests.
 *
 * @module
 */
import { respCall } from "./resp_reply.ts";
import { RawConnection } from "./server_process.ts";

const FIELDS = 40;

/** One client's keys as a model holds them. */
export interface State {
  string: string | null;
  hash: Map<string, string>;
  set: Set<string>;
  list: string[];
  zset: Map<string, number>;
}

/** Client `c`'s command `k` (from 1), and what it does to the model. */
export function command(c: number, k: number): { args: string[]; apply(state: State): void } {
  const field = `f${(k * 7) % FIELDS}`;
  const member = `m${(k * 3) % FIELDS}`;
  switch (k % 10) {
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
    case 6:
      return {
        args: ["RPUSH", `l:${c}`, `e${k}`, `e${k}b`],
        apply: (state) => void state.list.push(`e${k}`, `e${k}b`),
      };
    case 7: // not idempotent: a pop replayed twice would take two
      return {
        args: ["LPOP", `l:${c}`],
        apply: (state) => void state.list.shift(),
      };
    case 8:
      return k % 20 === 8
        ? {
          // One off each end: pops at both ends in one change.
          args: ["LTRIM", `l:${c}`, "1", "-2"],
          apply: (state) => void (state.list = state.list.slice(1, -1)),
        }
        : {
          args: ["ZINCRBY", `z:${c}`, String(k % 7), `m${k % 9}`],
          apply: (state) =>
            void state.zset.set(`m${k % 9}`, (state.zset.get(`m${k % 9}`) ?? 0) + (k % 7)),
        };
    case 9:
      return k % 20 === 9
        ? {
          args: ["ZADD", `z:${c}`, String(k % 13), `m${k % 11}`],
          apply: (state) => void state.zset.set(`m${k % 11}`, k % 13),
        }
        : {
          args: ["ZREM", `z:${c}`, `m${(k + 3) % 9}`],
          apply: (state) => void state.zset.delete(`m${(k + 3) % 9}`),
        };
    default:
      return {
        args: ["HINCRBY", `h:${c}`, "counter", String(k)],
        apply: (state) =>
          void state.hash.set("counter", String(Number(state.hash.get("counter") ?? 0) + k)),
      };
  }
}

/**
 * Members each of client `c`'s hash, set, list and sorted set gets first,
 * with `bulk` (see {@linkcode bulkCommands}): more than a compaction writes
 * in one go, so it holds them while their changes go on.
 */
export const BULK_MEMBERS = 1500;

/**
 * The commands that give client `c`'s containers {@linkcode BULK_MEMBERS}
 * members its commands never touch (`b…`; a list's go first, and LPOP and
 * LTRIM take them), to send, acknowledged, before a load with `bulk`.
 */
export function bulkCommands(c: number): string[][] {
  const names = Array.from({ length: BULK_MEMBERS }, (_, i) => `b${i}`);
  return [
    ["HSET", `h:${c}`, ...names.flatMap((name) => [name, `x${name}`])],
    ["SADD", `t:${c}`, ...names],
    ["RPUSH", `l:${c}`, ...names],
    ["ZADD", `z:${c}`, ...names.flatMap((name, i) => [String(i % 50), name])],
  ];
}

/** The state after client `c`'s first `n` commands (after its {@linkcode bulkCommands} with `bulk`). */
export function modelAfter(c: number, n: number, bulk = false): State {
  const state: State = { string: null, hash: new Map(), set: new Set(), list: [], zset: new Map() };
  if (bulk) {
    for (let i = 0; i < BULK_MEMBERS; i++) {
      state.hash.set(`b${i}`, `xb${i}`);
      state.set.add(`b${i}`);
      state.list.push(`b${i}`);
      state.zset.set(`b${i}`, i % 50);
    }
  }
  for (let k = 1; k <= n; k++) command(c, k).apply(state);
  return state;
}

/** The model's state as the server's replies would show it. */
export function expectedReplies(state: State): string[] {
  const bulk = (text: string) => `$${text.length}\r\n${text}\r\n`;
  const pairs = [...state.hash].sort(([a], [b]) => (a < b ? -1 : 1));
  const members = [...state.set].sort();
  const ranked = [...state.zset].sort(([a, x], [b, y]) => x - y || (a < b ? -1 : 1));
  return [
    state.string === null ? "$-1\r\n" : bulk(state.string),
    `*${pairs.length * 2}\r\n${pairs.map(([f, v]) => bulk(f) + bulk(v)).join("")}`,
    `*${members.length}\r\n${members.map(bulk).join("")}`,
    `*${state.list.length}\r\n${state.list.map(bulk).join("")}`,
    `*${ranked.length * 2}\r\n${
      ranked.map(([m, score]) => bulk(m) + bulk(String(score))).join("")
    }`,
  ];
}

/** Client `c`'s keys as the server holds them, hash pairs and set members sorted. */
export async function serverState(port: number, c: number): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const string = await respCall(connection, "GET", `s:${c}`);
  const hash = await respCall(connection, "HGETALL", `h:${c}`);
  const set = await respCall(connection, "SMEMBERS", `t:${c}`);
  const list = await respCall(connection, "LRANGE", `l:${c}`, "0", "-1");
  const zset = await respCall(connection, "ZRANGE", `z:${c}`, "0", "-1", "WITHSCORES");
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
    list,
    zset,
  ];
}

/** Where the server's replies for a client's keys first differ from the model's. */
function difference(actual: string[], expected: string[]): string {
  const names = ["string", "hash", "set", "list", "zset"];
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] === expected[i]) continue;
    let at = 0;
    while (actual[i][at] === expected[i][at]) at++;
    const near = (text: string) => JSON.stringify(text.slice(Math.max(0, at - 40), at + 80));
    return `the ${names[i]} differs at byte ${at}: ${near(actual[i])}, expected ${
      near(expected[i])
    } (lengths ${actual[i].length}, ${expected[i].length})`;
  }
  return "none differs";
}

/**
 * Runs `clients` connections on `port`, each sending its commands one at a
 * time from `done[c] + 1` until {@linkcode ContainerLoad.stop} or the server
 * dies; `acknowledged` and `sent` bound what each client's keys may hold.
 */
export class ContainerLoad {
  readonly acknowledged: number[];
  readonly sent: number[];
  readonly done: Promise<unknown>;
  readonly #bulk: boolean;
  #stop = false;

  /** `bulk`: the clients' containers got their {@linkcode bulkCommands} first. */
  constructor(port: number, from: readonly number[], bulk = false) {
    this.#bulk = bulk;
    this.acknowledged = from.slice();
    this.sent = from.slice();
    this.done = Promise.allSettled(from.map(async (_, c) => {
      using connection = await RawConnection.connect(port);
      while (!this.#stop) {
        const k = ++this.sent[c];
        let reply: string;
        try {
          reply = await respCall(connection, ...command(c, k).args);
        } catch {
          return; // the server was killed
        }
        if (reply.startsWith("-")) throw new Error(`client ${c} command ${k}: ${reply}`);
        this.acknowledged[c] = k;
      }
    }));
  }

  /** Stops sending after each client's command in flight. */
  stop(): void {
    this.#stop = true;
  }

  /**
   * For each client, the `n` in `[acknowledged, sent]` whose state the server
   * on `port` holds, or an error naming the client that matches none.
   */
  async found(port: number): Promise<number[]> {
    const found: number[] = [];
    for (let c = 0; c < this.sent.length; c++) {
      const actual = JSON.stringify(await serverState(port, c));
      let n = -1;
      for (let i = this.acknowledged[c]; i <= this.sent[c]; i++) {
        if (actual === JSON.stringify(expectedReplies(modelAfter(c, i, this.#bulk)))) n = i;
      }
      if (n === -1) {
        throw new Error(
          `client ${c}: the keys match no n in [${this.acknowledged[c]}, ${this.sent[c]}]: ` +
            difference(
              JSON.parse(actual),
              expectedReplies(modelAfter(c, this.sent[c], this.#bulk)),
            ),
        );
      }
      found.push(n);
    }
    return found;
  }
}
