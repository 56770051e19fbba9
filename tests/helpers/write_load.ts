/**
 * A durable write load on a real walkv that knows, key by key, what the
 * server has promised: the crash tests kill the server under it and then
 * check that every key holds what was last acknowledged, or what the one
 * unanswered command would have made of it.
 *
 * Each writer owns its keys alone and waits for every reply before sending
 * the next command, so at any moment a key has at most one command in flight
 * and its acknowledged state is exact. Even-numbered writers speak the text
 * protocol, odd-numbered ones RESP.
 *
 * @module
 */
import { frame } from "./resp_frames.ts";
import { readRespReply } from "./resp_reply.ts";
import { RawConnection } from "./server_process.ts";

/** The share of commands that are DELs. */
const DEL_SHARE = 0.25;

/** What a test knows a key holds: its value, or `null` when it is absent. */
export type KeyState = string | null;

/** The command a writer sent and had no reply to when its connection died. */
export interface InFlight {
  key: string;
  /** What the key holds if the command took effect. */
  outcome: KeyState;
}

/** Options for {@linkcode WriteLoad.start}. */
export interface WriteLoadOptions {
  port: number;
  /** Writer i writes only `keys[i]`; no key may appear twice. */
  keys: readonly (readonly string[])[];
  /**
   * Every key's acknowledged state. The load updates it on every
   * acknowledgement; a key missing from it is taken to be absent.
   */
  known: Map<string, KeyState>;
  random: () => number;
  /** Goes into every value, so values are unique across loads (e.g. a cycle number). */
  tag: string;
}

/**
 * Writers on their own connections, looping `SET key <unique value>` or
 * `DEL key` until the server dies after {@linkcode WriteLoad.expectKill}.
 * Any reply but the acknowledgement, or a lost connection nobody announced,
 * ends every writer and fails {@linkcode WriteLoad.done}.
 *
 * @example
 * ```ts
 * const load = await WriteLoad.start({ port, keys, known, random, tag: "c1" });
 * load.expectKill();
 * await server.kill();
 * await load.done;
 * load.inFlight; // at most one unanswered command per writer
 * ```
 */
export class WriteLoad {
  /** Each writer's unanswered command, or `null`. */
  readonly inFlight: (InFlight | null)[];
  /** Resolves once every writer ended; rejects with the first writer's failure, if any. */
  readonly done: Promise<void>;
  #acknowledged = 0;
  #killing = false;
  #failed = false;

  private constructor(connections: RawConnection[], options: WriteLoadOptions) {
    this.inFlight = connections.map(() => null);
    const writers = connections.map((connection, i) => {
      return this.#write(connection, i, options)
        .catch((error: unknown) => {
          this.#failed = true; // the others end after their command in hand
          throw error;
        })
        .finally(() => connection.close());
    });
    this.done = Promise.allSettled(writers).then((results) => {
      for (const result of results) if (result.status === "rejected") throw result.reason;
    });
    // A writer may fail while the test is busy elsewhere; the test sees it when it awaits `done`.
    this.done.catch(() => {});
  }

  /** Opens one connection per writer and starts them all. */
  static async start(options: WriteLoadOptions): Promise<WriteLoad> {
    const connections: RawConnection[] = [];
    try {
      for (let i = 0; i < options.keys.length; i++) {
        connections.push(await RawConnection.connect(options.port));
      }
    } catch (error: unknown) {
      for (const connection of connections) connection.close();
      throw error;
    }
    return new WriteLoad(connections, options);
  }

  /** How many commands were acknowledged so far. */
  get acknowledged(): number {
    return this.#acknowledged;
  }

  /** The server is about to be killed: a broken connection ends a writer quietly from now on. */
  expectKill(): void {
    this.#killing = true;
  }

  async #write(
    connection: RawConnection,
    writer: number,
    options: WriteLoadOptions,
  ): Promise<void> {
    const { keys, known, random, tag } = options;
    const resp = writer % 2 === 1;
    const mine = keys[writer];
    for (let n = 0; !this.#failed; n++) {
      const key = mine[Math.floor(random() * mine.length)];
      const del = random() < DEL_SHARE;
      const before = known.get(key) ?? null;
      const outcome = del ? null : `${tag}.${writer}.${n}`;
      const request = del
        ? (resp ? frame("DEL", key) : `DEL ${key}\n`)
        : (resp ? frame("SET", key, outcome!) : `SET ${key} ${outcome}\n`);
      // Resp DEL counts what it removed, so it also checks the key's state.
      const expected = resp ? (del ? `:${before === null ? 0 : 1}\r\n` : "+OK\r\n") : "+OK\n";
      this.inFlight[writer] = { key, outcome };
      let reply: string;
      try {
        await connection.send(request);
        reply = resp ? await readRespReply(connection) : await connection.readText(1);
      } catch (error: unknown) {
        if (this.#killing) return;
        throw error;
      }
      if (reply !== expected) {
        throw new Error(
          `writer ${writer} (${resp ? "RESP" : "text"}) ${del ? "DEL" : "SET"} ${key}: ` +
            `expected ${JSON.stringify(expected)}, got ${JSON.stringify(reply)}`,
        );
      }
      known.set(key, outcome);
      this.inFlight[writer] = null;
      this.#acknowledged++;
    }
  }
}

/**
 * Reads every key of `keys` back over the text protocol and compares it with
 * what was acknowledged, allowing the outcome of a command in flight on it.
 * Returns one line per key that holds anything else (an acknowledged write
 * lost, a deleted key back, a value never written), and sets `known` to what
 * the server holds, so the next load starts from the verified state.
 *
 * @example
 * ```ts
 * const wrong = await verifyKeys(server.port, allKeys, known, load.inFlight);
 * assertEquals(wrong, []);
 * ```
 */
export async function verifyKeys(
  port: number,
  keys: readonly string[],
  known: Map<string, KeyState>,
  inFlight: readonly (InFlight | null)[] = [],
): Promise<string[]> {
  const pending = new Map<string, KeyState>();
  for (const op of inFlight) if (op) pending.set(op.key, op.outcome);
  const actual = await readKeys(port, keys);
  const wrong: string[] = [];
  keys.forEach((key, i) => {
    const acked = known.get(key) ?? null;
    const found = actual[i];
    const allowed = found === acked || (pending.has(key) && found === pending.get(key));
    if (!allowed) {
      wrong.push(
        `${key}: acknowledged ${JSON.stringify(acked)}` +
          (pending.has(key) ? `, in flight ${JSON.stringify(pending.get(key))}` : "") +
          `, found ${JSON.stringify(found)}`,
      );
    }
    known.set(key, found);
  });
  return wrong;
}

/** Each key's value (`null`: absent), by pipelined text-protocol GETs. */
export async function readKeys(port: number, keys: readonly string[]): Promise<KeyState[]> {
  using connection = await RawConnection.connect(port);
  const values: KeyState[] = [];
  const batch = 256;
  for (let at = 0; at < keys.length; at += batch) {
    const slice = keys.slice(at, at + batch);
    await connection.send(slice.map((key) => `GET ${key}\n`).join(""));
    const lines = (await connection.readText(slice.length)).slice(0, -1).split("\n");
    slice.forEach((key, i) => {
      const line = lines[i];
      if (line.startsWith("+OK ")) values.push(line.slice(4));
      else if (line === `-GET could not find ${key} in store`) values.push(null);
      else throw new Error(`GET ${key}: unexpected reply ${JSON.stringify(line)}`);
    });
  }
  return values;
}
