import { type BatchSender, CommandBatch, rejectAll, settle } from "./command_batch.ts";
import type { Reply } from "./reply.ts";

/**
 * Commands collected, then sent in one write by `exec`, which resolves with
 * every result in order, as an array: an error reply stands as its
 * {@linkcode WalkvError} in its place instead of hiding the other results.
 * The commands are not atomic (another client's commands may run between
 * them); use {@linkcode WalkvClient.multi} for that. A pipeline is never
 * sent again after a lost connection.
 *
 * Each helper also returns a promise of its own typed result, settled when
 * `exec` has the reply, so results can be read either way. A helper whose
 * command failed rejects, but leaving that promise alone is fine: it is
 * marked handled.
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * const pipeline = client.pipeline();
 * pipeline.set("a", "1");
 * const a = pipeline.incr("a");
 * pipeline.send("HGET", "a", "f"); // WRONGTYPE
 * await pipeline.exec(); // [true, 2, WalkvError WRONGTYPE …]
 * await a; // 2
 * ```
 */
export class Pipeline extends CommandBatch {
  /** Made by {@linkcode WalkvClient.pipeline}. @internal */
  constructor(sender: BatchSender) {
    super(sender);
  }

  /**
   * Sends every collected command in one write and resolves with their
   * results in order (an error reply as its {@linkcode WalkvError}). Rejects
   * only if a reply never came (the connection failed, or a command timed
   * out), and then the promises of the commands without a reply reject too. The pipeline is empty
   * afterwards and can be filled again.
   */
  async exec(): Promise<unknown[]> {
    const queued = this.take();
    let replies: Promise<Reply>[];
    try {
      replies = await this.sender(queued);
    } catch (error: unknown) {
      rejectAll(queued, error);
      throw error;
    }
    const results: unknown[] = [];
    let failure: unknown = null;
    // All at once: a reply that times out while an earlier one is awaited must already be handled.
    const outcomes = await Promise.allSettled(replies);
    for (let i = 0; i < queued.length; i++) {
      const outcome = outcomes[i];
      if (outcome.status === "fulfilled") {
        results.push(settle(queued[i], outcome.value));
      } else {
        queued[i].reject(outcome.reason);
        failure ??= outcome.reason;
      }
    }
    if (failure !== null) throw failure;
    return results;
  }
}
