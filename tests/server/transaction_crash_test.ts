/**
 * MULTI/EXEC survives SIGKILL whole: concurrent clients move money between 8
 * accounts in transactions while the server is killed at a random moment,
 * again and again on the same WAL, and after every restart
 *
 * - the accounts still hold 8000 in all (no transaction was half applied);
 * - each client's sequence key `seq:c`, incremented inside the same
 *   transaction, lies between the transactions it had acknowledged and those
 *   it had sent (nothing acknowledged was lost, nothing unsent appeared);
 * - every balance is exactly the initial 1000 plus the transfers of the first
 *   `seq:c` transactions of every client.
 *
 * The last point is exact although the clients touch the same accounts in an
 * unknown interleaving: a transfer only adds to two balances, and additions
 * commute, so the balances depend on which transactions took effect, not on
 * their order. Each client waits for one transaction's replies before sending
 * the next, and transfer `k` of client `c` is a pure function of the seed, `c`
 * and `k`, so "the first `seq:c`" names exactly the transactions that must
 * have taken effect. One acknowledged MSET sets the accounts (and the
 * sequence keys to 0) before the first round; each round starts from the
 * state the last one verified.
 *
 * The same rounds first run against redis-server with `appendfsync always`
 * (its AOF on the same folder across the kills), which checks the test
 * itself. The kill moments and transfers come from a seeded PRNG: set
 * `WALKV_TX_CRASH_SEED` to replay a run.
 */
import { assert, assertEquals } from "@std/assert";
import { prng } from "../helpers/prng.ts";
import { startRedisServer } from "../helpers/redis_server.ts";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const ACCOUNTS = 8;
const INITIAL_BALANCE = 1000;
/** Concurrent clients, each on its own connection. */
const CLIENTS = 6;
/** Kill and restart this many times. */
const ROUNDS = 4;
/** The kill lands this long after the clients start, drawn uniformly. */
const KILL_AFTER_MS = { min: 150, max: 600 };
/** Largest amount one transfer moves. */
const MAX_AMOUNT = 100;

const SEED = Number(
  Deno.env.get("WALKV_TX_CRASH_SEED") ?? crypto.getRandomValues(new Uint32Array(1))[0],
);
console.log(`transaction_crash_test seed ${SEED} (replay with WALKV_TX_CRASH_SEED=${SEED})`);

const account = (i: number) => `acct:${i}`;
const sequence = (c: number) => `seq:${c}`;

/** One transaction's transfer: `amount` from account `from` to account `to`. */
interface Transfer {
  from: number;
  to: number;
  amount: number;
}

/** Transfer `k` (counted from 0 over all rounds) of client `c`: always the same for a seed. */
function transfer(c: number, k: number): Transfer {
  const random = prng((SEED ^ Math.imul(c + 1, 0x9e3779b1) ^ Math.imul(k + 1, 0x85ebca6b)) >>> 0);
  const from = Math.floor(random() * ACCOUNTS);
  const to = (from + 1 + Math.floor(random() * (ACCOUNTS - 1))) % ACCOUNTS;
  return { from, to, amount: 1 + Math.floor(random() * MAX_AMOUNT) };
}

/** The balances once the first `applied[c]` transactions of every client `c` took effect. */
function expectedBalances(applied: readonly number[]): number[] {
  const balances = Array.from({ length: ACCOUNTS }, () => INITIAL_BALANCE);
  applied.forEach((count, c) => {
    for (let k = 0; k < count; k++) {
      const { from, to, amount } = transfer(c, k);
      balances[from] -= amount;
      balances[to] += amount;
    }
  });
  return balances;
}

/** Transaction `k` of client `c`, as one pipelined write. */
function transactionRequest(c: number, k: number): Uint8Array {
  const { from, to, amount } = transfer(c, k);
  return concat(
    frame("MULTI"),
    frame("DECRBY", account(from), String(amount)),
    frame("INCRBY", account(to), String(amount)),
    frame("INCR", sequence(c)),
    frame("EXEC"),
  );
}

/** A server the rounds can kill and start again on the same files. */
interface Target extends AsyncDisposable {
  readonly port: number;
  /** SIGKILL, and wait until the process is gone. */
  kill(): Promise<void>;
}

/** What one client did in one round. */
interface ClientRound {
  /** Transactions written to the socket (the last may not have arrived). */
  sent: number;
  /** Transactions whose five replies all arrived. */
  acknowledged: number;
}

/**
 * Client `c` loops its transactions from number `first` on, one at a time,
 * until the connection dies after `killing()` turned true. Any reply but the
 * expected one, or a dead connection before the kill, fails it.
 */
async function runClient(
  connection: RawConnection,
  c: number,
  first: number,
  killing: () => boolean,
  round: ClientRound,
): Promise<void> {
  for (let k = first;; k++) {
    let replies = "";
    try {
      await connection.send(transactionRequest(c, k));
      round.sent++;
      for (let i = 0; i < 5; i++) replies += await readRespReply(connection);
    } catch (error: unknown) {
      if (killing()) return; // the kill ended the connection: this one is in flight
      throw error;
    }
    // EXEC's reply holds the two new balances and the client's new sequence number.
    const match = /^\+OK\r\n(?:\+QUEUED\r\n){3}\*3\r\n:-?\d+\r\n:-?\d+\r\n:(\d+)\r\n$/.exec(
      replies,
    );
    if (match === null || Number(match[1]) !== k + 1) {
      throw new Error(
        `client ${c}, transaction ${k}: expected MULTI +OK, three +QUEUED and EXEC's ` +
          `[balance, balance, ${k + 1}], got ${JSON.stringify(replies)}`,
      );
    }
    round.acknowledged++;
  }
}

/** The values of a RESP array of bulk strings, `null` for a nil. */
function bulkArray(reply: string): (string | null)[] {
  const lines = reply.split("\r\n");
  const count = Number(lines[0].slice(1));
  assert(lines[0].startsWith("*") && Number.isInteger(count), `not an array: ${reply}`);
  const values: (string | null)[] = [];
  for (let i = 1; values.length < count; i++) {
    if (lines[i] === "$-1") values.push(null);
    else values.push(lines[++i]);
  }
  return values;
}

/** Reads every account and sequence key in one MGET. */
async function readState(port: number): Promise<{ balances: number[]; sequences: number[] }> {
  using connection = await RawConnection.connect(port);
  const keys = [
    ...Array.from({ length: ACCOUNTS }, (_, i) => account(i)),
    ...Array.from({ length: CLIENTS }, (_, c) => sequence(c)),
  ];
  const values = bulkArray(await respCall(connection, "MGET", ...keys));
  values.forEach((value, i) => assert(value !== null, `${keys[i]} is missing after the restart`));
  const numbers = values.map(Number);
  return { balances: numbers.slice(0, ACCOUNTS), sequences: numbers.slice(ACCOUNTS) };
}

/**
 * Runs the clients against `target` until a random moment, then SIGKILLs it.
 * Returns what each client sent and had acknowledged.
 */
async function loadUntilKilled(
  target: Target,
  applied: readonly number[],
  killAfterMs: number,
  context: string,
): Promise<ClientRound[]> {
  const rounds: ClientRound[] = applied.map(() => ({ sent: 0, acknowledged: 0 }));
  let killing = false;
  const connections = await Promise.all(applied.map(() => RawConnection.connect(target.port)));
  const clients = connections.map((connection, c) =>
    runClient(connection, c, applied[c], () => killing, rounds[c])
      .finally(() => connection.close())
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killTime = new Promise<void>((resolve) => timer = setTimeout(resolve, killAfterMs));
  try {
    // A client only ever stops by failing, until the kill.
    await Promise.race([killTime, ...clients]);
  } catch (error: unknown) {
    throw new Error(`${context}: a client failed before the kill`, { cause: error });
  } finally {
    clearTimeout(timer);
    killing = true;
    await target.kill();
    await Promise.allSettled(clients);
  }
  return rounds;
}

/**
 * Reads the state after a restart and checks it against what the clients
 * saw: the total, each sequence key within its bounds, and the balances
 * those sequence keys imply. Returns the sequence keys.
 */
async function verify(
  port: number,
  before: readonly number[],
  rounds: readonly ClientRound[],
  context: string,
): Promise<number[]> {
  const { balances, sequences } = await readState(port);
  assertEquals(
    balances.reduce((sum, balance) => sum + balance, 0),
    ACCOUNTS * INITIAL_BALANCE,
    `${context}: the accounts' total changed: ${balances}`,
  );
  sequences.forEach((seq, c) => {
    const acknowledged = before[c] + rounds[c].acknowledged;
    const sent = before[c] + rounds[c].sent;
    assert(
      Number.isInteger(seq) && acknowledged <= seq && seq <= sent,
      `${context}: ${sequence(c)} is ${seq}, but ${acknowledged} of client ${c}'s ` +
        `transactions were acknowledged and ${sent} sent`,
    );
  });
  assertEquals(
    balances,
    expectedBalances(sequences),
    `${context}: the balances are not those of the first [${sequences}] transactions`,
  );
  return sequences;
}

/** What the rounds saw, for the log: how hard the load was, and both fates of a transaction in flight. */
interface CrashReport {
  /** Transactions acknowledged in each round. */
  acknowledgedPerRound: number[];
  /** Transactions unanswered at the kill that took effect after all, and that did not. */
  inFlight: { kept: number; lost: number };
}

/**
 * Sets the accounts with one acknowledged MSET, then runs {@linkcode ROUNDS}
 * rounds of: load, SIGKILL at a random moment, restart on the same files,
 * verify. Each round continues from the state the last one verified.
 */
async function crashRounds(start: () => Promise<Target>, seedOffset: number): Promise<CrashReport> {
  const random = prng(SEED + seedOffset);
  /** Per client: how many of its transactions took effect, as last verified. */
  let applied = Array.from({ length: CLIENTS }, () => 0);
  const report: CrashReport = { acknowledgedPerRound: [], inFlight: { kept: 0, lost: 0 } };
  const inFlight = report.inFlight;
  let target = await start();
  try {
    {
      using connection = await RawConnection.connect(target.port);
      const pairs = [
        ...Array.from({ length: ACCOUNTS }, (_, i) => [account(i), String(INITIAL_BALANCE)]),
        ...Array.from({ length: CLIENTS }, (_, c) => [sequence(c), "0"]),
      ];
      assertEquals(await respCall(connection, "MSET", ...pairs.flat()), "+OK\r\n");
    }
    for (let round = 1; round <= ROUNDS; round++) {
      const context = `round ${round} (seed ${SEED})`;
      const killAfterMs = KILL_AFTER_MS.min + random() * (KILL_AFTER_MS.max - KILL_AFTER_MS.min);
      const rounds = await loadUntilKilled(target, applied, killAfterMs, context);
      target = await start();
      const verified = await verify(target.port, applied, rounds, context);
      rounds.forEach(({ sent, acknowledged }, c) => {
        if (sent > acknowledged) inFlight[verified[c] === applied[c] + sent ? "kept" : "lost"]++;
      });
      applied = verified;
      const acknowledged = rounds.reduce((sum, client) => sum + client.acknowledged, 0);
      assert(acknowledged > 0, `${context}: no transaction was acknowledged before the kill`);
      report.acknowledgedPerRound.push(acknowledged);
    }
  } finally {
    await target[Symbol.asyncDispose]();
  }
  return report;
}

Deno.test("transaction crash: redis-server with appendfsync always keeps every acknowledged EXEC (checks the test)", async () => {
  await using dir = await tempDir();
  const start = async (): Promise<Target> => {
    // The later --dir and --appendonly win over the helper's own, so the AOF outlives each kill.
    const redis = await startRedisServer({
      args: ["--dir", dir.path, "--appendonly", "yes", "--appendfsync", "always"],
    });
    // Disposing SIGKILLs it and waits for the exit; only once, as it also removes the helper's dir.
    let gone: Promise<void> | undefined;
    const kill = () => gone ??= Promise.resolve(redis[Symbol.asyncDispose]());
    return { port: redis.port, kill, [Symbol.asyncDispose]: kill };
  };
  console.log("redis-server:", await crashRounds(start, 1));
});

Deno.test("transaction crash: walkv keeps every acknowledged EXEC whole across SIGKILLs", async () => {
  await using dir = await tempDir();
  const start = async (): Promise<Target> => {
    const server = await startServer({ walDir: dir.path }); // --fsync always, the default
    return {
      port: server.port,
      kill: async () => {
        await server.kill();
      },
      [Symbol.asyncDispose]: () => server[Symbol.asyncDispose](),
    };
  };
  console.log("walkv:", await crashRounds(start, 2));
});
