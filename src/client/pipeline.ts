import { type CallOptions, Commands, type Decode } from "./commands.ts";
import type { Argument, Reply } from "./reply.ts";
import { WalkvError } from "./walkv_error.ts";

/** A command collected by a {@linkcode Pipeline} or {@linkcode Transaction}. @internal */
export interface QueuedCall {
  args: readonly Argument[];
  options: CallOptions;
}

/**
 * Sends collected commands in one write and gives one promise per command
 * for its reply; {@linkcode WalkvClient} makes it. @internal
 */
export type BatchSender = (calls: readonly QueuedCall[]) => Promise<Promise<Reply>[]>;

/** A collected command and how to settle its helper's promise. @internal */
export interface Queued<T = unknown> extends QueuedCall {
  decode: Decode<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

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
export class Pipeline extends Commands {
  readonly #sender: BatchSender;
  #queued: Queued[] = [];

  /** Made by {@linkcode WalkvClient.pipeline}. @internal */
  constructor(sender: BatchSender) {
    super();
    this.#sender = sender;
  }

  /** How many commands are collected and not sent yet. */
  get length(): number {
    return this.#queued.length;
  }

  /** Collects one command; resolves once `exec` has its reply. @internal */
  protected call<T>(
    args: readonly Argument[],
    decode: Decode<T>,
    options: CallOptions = {},
  ): Promise<T> {
    return queue(this.#queued, args, decode, options);
  }

  /**
   * Sends every collected command in one write and resolves with their
   * results in order (an error reply as its {@linkcode WalkvError}). Rejects
   * only if a reply never came (the connection failed, or a command timed
   * out), and then the promises of the commands without a reply reject too. The pipeline is empty afterwards and can be filled again.
   */
  async exec(): Promise<unknown[]> {
    const queued = this.#queued;
    this.#queued = [];
    let replies: Promise<Reply>[];
    try {
      replies = await this.#sender(queued);
    } catch (error: unknown) {
      for (const entry of queued) entry.reject(error);
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

/** Adds a call to `queue`; its promise is marked handled, as callers may read `exec`'s array instead. @internal */
export function queue<T>(
  queued: Queued[],
  args: readonly Argument[],
  decode: Decode<T>,
  options: CallOptions,
): Promise<T> {
  const { promise, resolve, reject } = Promise.withResolvers<T>();
  promise.catch(() => {});
  queued.push({ args, options, decode, resolve, reject } as Queued);
  return promise;
}

/**
 * Settles one collected command with its reply and returns its result: the
 * decoded value, or the error reply (or decoding error) as a value. @internal
 */
export function settle(entry: Queued, reply: Reply): unknown {
  if (reply instanceof WalkvError) {
    entry.reject(reply);
    return reply;
  }
  try {
    const value = entry.decode(reply);
    entry.resolve(value);
    return value;
  } catch (error: unknown) {
    entry.reject(error);
    return error;
  }
}
