import { type CallOptions, Commands, type Decode } from "./commands.ts";
import type { Argument, Reply } from "./reply.ts";
import { WalkvError } from "./walkv_error.ts";

/** A command collected by a {@linkcode CommandBatch}. @internal */
export interface QueuedCall {
  /** The command and its arguments. */
  args: readonly Argument[];
  /** How its reply is read (e.g. as bytes). */
  options: CallOptions;
}

/**
 * Sends collected commands in one write and gives one promise per command
 * for its reply; {@linkcode WalkvClient} makes it. @internal
 */
export type BatchSender = (calls: readonly QueuedCall[]) => Promise<Promise<Reply>[]>;

/** A collected command and how to settle its helper's promise. @internal */
export interface Queued<T = unknown> extends QueuedCall {
  /** Turns the reply into the helper's result. */
  decode: Decode<T>;
  /** Settles the helper's promise with its result. */
  resolve(value: T): void;
  /** Settles the helper's promise with a failure. */
  reject(error: unknown): void;
}

/**
 * What a {@linkcode Pipeline} and a {@linkcode Transaction} share: every
 * helper collects its command instead of sending it, with a promise of its
 * own result that the subclass's `exec` settles. @internal
 *
 * @example
 * ```ts
 * import { WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * const batch = client.pipeline(); // a CommandBatch
 * batch.set("a", "1");
 * batch.length; // 1
 * ```
 */
export abstract class CommandBatch extends Commands {
  /** Where `exec` sends the collected commands. */
  protected readonly sender: BatchSender;
  #queued: Queued[] = [];

  /** Made by a subclass for {@linkcode WalkvClient}. @internal */
  constructor(sender: BatchSender) {
    super();
    this.sender = sender;
  }

  /** How many commands are collected and not sent yet. */
  get length(): number {
    return this.#queued.length;
  }

  /**
   * Collects one command; its promise is marked handled, as callers may read
   * `exec`'s array instead. @internal
   */
  protected call<T>(
    args: readonly Argument[],
    decode: Decode<T>,
    options: CallOptions = {},
  ): Promise<T> {
    const { promise, resolve, reject } = Promise.withResolvers<T>();
    promise.catch(() => {});
    this.#queued.push({ args, options, decode, resolve, reject } as Queued);
    return promise;
  }

  /** The collected commands, leaving the batch empty to be filled again. */
  protected take(): Queued[] {
    const queued = this.#queued;
    this.#queued = [];
    return queued;
  }
}

/** Rejects every command of `queued` with `error`. @internal */
export function rejectAll(queued: readonly Queued[], error: unknown): void {
  for (const entry of queued) entry.reject(error);
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
