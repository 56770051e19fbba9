import { type CallOptions, Commands, type Decode } from "./commands.ts";
import { type BatchSender, queue, type Queued, settle } from "./pipeline.ts";
import type { Argument, Reply } from "./reply.ts";
import { WalkvError } from "./walkv_error.ts";

/**
 * A MULTI/EXEC transaction: commands collected, then sent as `MULTI`, the
 * commands, `EXEC` in one write, so they run one after another with nothing
 * between them. `exec` resolves with EXEC's results in order (an error reply
 * at run time stands as its {@linkcode WalkvError} in its place, as Redis
 * runs the rest), or with `null` when a key given to
 * {@linkcode WalkvClient.watch} changed first and nothing ran.
 *
 * A command Redis refuses while queueing (an unknown command, a wrong
 * number of arguments) makes EXEC refuse the whole transaction: `exec`
 * rejects with Redis's `EXECABORT` error. If the connection was lost since
 * WATCH, the watch is gone with it, so `exec` rejects without sending
 * anything rather than run unguarded.
 *
 * As in a {@linkcode Pipeline}, each helper also returns a promise of its own
 * result.
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * await client.watch("balance");
 * const balance = Number(await client.get("balance") ?? 0);
 * const transaction = client.multi();
 * transaction.set("balance", balance + 10);
 * transaction.rpush("history", "+10");
 * const results = await transaction.exec(); // [true, 1], or null if balance changed meanwhile
 * ```
 */
export class Transaction extends Commands {
  readonly #sender: BatchSender;
  #queued: Queued[] = [];

  /** Made by {@linkcode WalkvClient.multi}. @internal */
  constructor(sender: BatchSender) {
    super();
    this.#sender = sender;
  }

  /** How many commands are collected and not sent yet. */
  get length(): number {
    return this.#queued.length;
  }

  /** Collects one command; resolves once EXEC has run it. @internal */
  protected call<T>(
    args: readonly Argument[],
    decode: Decode<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return queue(this.#queued, args, decode, options);
  }

  /**
   * Drops the collected commands without sending anything (they were never
   * sent: the transaction lives in the client until `exec`); their promises
   * reject.
   */
  discard(): void {
    const error = new Error("The transaction was discarded");
    for (const entry of this.#queued) entry.reject(error);
    this.#queued = [];
  }

  /**
   * Sends MULTI, the commands and EXEC in one write; resolves with the
   * results, or `null` when WATCH aborted the transaction. The transaction is
   * empty afterwards.
   */
  async exec(): Promise<unknown[] | null> {
    const queued = this.#queued;
    this.#queued = [];
    // EXEC's one reply holds every result: binary if any command wants bytes, decoded back for the rest.
    const binary = queued.some((entry) => entry.options.binary);
    let replies: Reply[];
    try {
      const sent = await this.#sender([
        { args: ["MULTI"], options: {} },
        ...queued,
        { args: ["EXEC"], options: { binary } },
      ]);
      replies = await Promise.all(sent);
    } catch (error: unknown) {
      for (const entry of queued) entry.reject(error);
      throw error;
    }
    const multi = replies[0];
    const exec = replies[replies.length - 1];
    if (multi instanceof WalkvError) {
      for (const entry of queued) entry.reject(multi);
      throw multi;
    }
    if (exec instanceof WalkvError) {
      // EXECABORT: each command refused while queueing keeps its own error.
      queued.forEach((entry, i) => {
        const queuedReply = replies[i + 1];
        entry.reject(queuedReply instanceof WalkvError ? queuedReply : exec);
      });
      throw exec;
    }
    if (exec === null) {
      const aborted = new Error("The transaction did not run: a watched key changed");
      for (const entry of queued) entry.reject(aborted);
      return null;
    }
    if (!Array.isArray(exec) || exec.length !== queued.length) {
      const error = new TypeError(
        `Expected ${queued.length} results from EXEC, found ${JSON.stringify(exec)}`,
      );
      for (const entry of queued) entry.reject(error);
      throw error;
    }
    return exec.map((reply, i) =>
      settle(queued[i], binary && !queued[i].options.binary ? asText(reply) : reply)
    );
  }
}

const utf8 = new TextDecoder();

/** `reply` with its bulk strings, however deep, as UTF-8 text. */
function asText(reply: Reply): Reply {
  if (reply instanceof Uint8Array) return utf8.decode(reply);
  if (Array.isArray(reply)) return reply.map(asText);
  if (reply instanceof Map) return new Map([...reply].map(([k, v]) => [asText(k), asText(v)]));
  return reply;
}
