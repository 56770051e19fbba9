import { type BatchSender, CommandBatch, rejectAll, settle } from "./command_batch.ts";
import type { Reply } from "./reply.ts";
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
export class Transaction extends CommandBatch {
  /** Made by {@linkcode WalkvClient.multi}. @internal */
  constructor(sender: BatchSender) {
    super(sender);
  }

  /**
   * Drops the collected commands without sending anything (they were never
   * sent: the transaction lives in the client until `exec`); their promises
   * reject.
   */
  discard(): void {
    rejectAll(this.take(), new Error("The transaction was discarded"));
  }

  /**
   * Sends MULTI, the commands and EXEC in one write; resolves with the
   * results, or `null` when WATCH aborted the transaction. The transaction is
   * empty afterwards.
   */
  async exec(): Promise<unknown[] | null> {
    const queued = this.take();
    // EXEC's one reply holds every result: binary if any command wants bytes, decoded back for the rest.
    const binary = queued.some((entry) => entry.options.binary);
    let replies: Reply[];
    try {
      const sent = await this.sender([
        { args: ["MULTI"], options: {} },
        ...queued,
        { args: ["EXEC"], options: { binary } },
      ]);
      replies = await Promise.all(sent);
    } catch (error: unknown) {
      rejectAll(queued, error);
      throw error;
    }
    const multi = replies[0];
    const exec = replies[replies.length - 1];
    if (multi instanceof WalkvError) {
      rejectAll(queued, multi);
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
      rejectAll(queued, aborted);
      return null;
    }
    if (!Array.isArray(exec) || exec.length !== queued.length) {
      const error = new TypeError(
        `Expected ${queued.length} results from EXEC, found ${JSON.stringify(exec)}`,
      );
      rejectAll(queued, error);
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
