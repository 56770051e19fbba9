import type { Reply } from "../commands/reply.ts";
import type { PushSink } from "../commands/client_state.ts";
import type { ReplyBuffer } from "../protocol/reply_buffer.ts";
import { RespWriter } from "../protocol/resp_writer.ts";

/** What {@linkcode PushQueue.arrival} resolves with, told apart from a read's byte count. */
export const PUSHED: unique symbol = Symbol("pushed");

/** Redis's `client-output-buffer-limit pubsub 32mb 8mb 60`: past the hard limit at once. */
export const PUBSUB_HARD_LIMIT_BYTES = 32 * 1024 * 1024;
/** …and past the soft limit once it has been over it for longer than the soft limit's time. */
export const PUBSUB_SOFT_LIMIT_BYTES = 8 * 1024 * 1024;
export const PUBSUB_SOFT_LIMIT_MS = 60_000;

/** Options for {@linkcode PushQueue}. */
export interface PushQueueOptions {
  /** The connection's reply writer: its protocol, and where a message to itself goes. */
  replies: Reply;
  /** Whether the connection's current command runs inside EXEC (`context.atomic`). */
  atomic(): boolean;
  /** The connection's other unsent output in bytes: held replies and the batch being written. */
  unsentBytes(): number;
  /** Called once when the output limit is passed; `reason` says which. The queue then drops everything. */
  onOverflow(reason: string, unsentBytes: number): void;
  /** Default {@linkcode PUBSUB_HARD_LIMIT_BYTES}. */
  hardLimitBytes?: number;
  /** Default {@linkcode PUBSUB_SOFT_LIMIT_BYTES}. */
  softLimitBytes?: number;
  /** Default {@linkcode PUBSUB_SOFT_LIMIT_MS}. */
  softLimitMs?: number;
  /** The clock for the soft limit, in ms. Default `performance.now`. */
  now?: () => number;
}

/**
 * One RESP connection's pub/sub messages and MONITOR lines on their way to
 * its socket: the sink the `PubSub` registry and the monitor feed deliver to.
 *
 * A message is encoded at once, in the connection's protocol (a `>3`/`>4`
 * push in RESP3, an array in RESP2), and queued; the session moves the queue
 * behind its replies between commands, or, while it waits for the client to
 * send something, as soon as {@linkcode PushQueue.arrival} resolves, so an
 * idle subscriber gets each message promptly and in publish order, after
 * every reply it was owed. A message the client publishes to itself (its
 * own command is running: {@linkcode PushQueue.direct}) goes straight into
 * its replies, before that command's reply, as in Redis; inside EXEC it
 * waits until after the EXEC's reply, so it never lands inside an array.
 *
 * A subscriber that does not read must not grow the server's memory without
 * bound: when its unsent output (queued messages, held replies, the batch
 * being written) would pass the hard limit, or has stayed over the soft one
 * for longer than its time, {@linkcode PushQueueOptions.onOverflow} is called
 * (the session closes the connection, as Redis does) and every later
 * message is dropped.
 *
 * @example
 * ```ts
 * const pushes = new PushQueue({ replies, atomic: () => context.atomic,
 *   unsentBytes: () => barrier.unsentBytes, onOverflow: () => connection.abort() });
 * client.sink = pushes;
 * if (await Promise.race([reading, pushes.arrival()]) === PUSHED) pushes.moveTo(reply);
 * ```
 */
export class PushQueue implements PushSink {
  /** Set by the session while its own command runs synchronously. */
  direct = false;
  readonly #options: PushQueueOptions;
  readonly #hard: number;
  readonly #soft: number;
  readonly #softMs: number;
  readonly #now: () => number;
  #queue = new RespWriter();
  #waiter: PromiseWithResolvers<typeof PUSHED> | null = null;
  /** When the output went over the soft limit and stayed there; -1 while under it. */
  #softSince = -1;
  #overflowed = false;

  constructor(options: PushQueueOptions) {
    this.#options = options;
    this.#hard = options.hardLimitBytes ?? PUBSUB_HARD_LIMIT_BYTES;
    this.#soft = options.softLimitBytes ?? PUBSUB_SOFT_LIMIT_BYTES;
    this.#softMs = options.softLimitMs ?? PUBSUB_SOFT_LIMIT_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  /** Bytes of messages queued and not yet moved behind the replies. */
  get length(): number {
    return this.#queue.length;
  }

  /** Whether the limit was passed: the connection is being closed. */
  get overflowed(): boolean {
    return this.#overflowed;
  }

  /** Resolves with {@linkcode PUSHED} once a message is queued (at once if one is). */
  arrival(): Promise<typeof PUSHED> {
    if (this.#queue.length !== 0) return Promise.resolve(PUSHED);
    this.#waiter ??= Promise.withResolvers();
    return this.#waiter.promise;
  }

  /** Appends the queued messages to `replies` and empties the queue. */
  moveTo(replies: ReplyBuffer): void {
    const queue = this.#queue;
    if (queue.length === 0) return;
    replies.appendBytes(queue.bytes.subarray(0, queue.length));
    queue.rewind(0);
    queue.release();
  }

  deliver(pattern: string | null, channel: string, message: string): void {
    const size = message.length + channel.length + (pattern?.length ?? 0) + 64;
    const writer = this.#writer(size);
    if (writer === null) return;
    if (pattern === null) {
      writer.push(3);
      writer.bulk("message");
    } else {
      writer.push(4);
      writer.bulk("pmessage");
      writer.bulk(pattern);
    }
    writer.bulk(channel);
    writer.bulk(message);
    this.#queued(writer);
  }

  line(text: string): void {
    const writer = this.#writer(text.length + 3);
    if (writer === null) return;
    writer.simple(text);
    this.#queued(writer);
  }

  /**
   * Where the next `size` bytes of output go: the replies (the client's own
   * command is running), the queue, or nowhere once the limit is passed.
   */
  #writer(size: number): RespWriter | Reply | null {
    if (this.#overflowed) return null;
    const reply = this.#options.replies;
    const unsent = this.#queue.length + this.#options.unsentBytes() + size;
    const reason = this.#limitPassed(unsent);
    if (reason !== null) {
      this.#overflowed = true;
      this.#queue = new RespWriter();
      this.#options.onOverflow(reason, unsent);
      return null;
    }
    const queued = !this.direct || this.#options.atomic();
    const writer = queued ? this.#queue : reply;
    writer.protocol = reply.protocol;
    return writer;
  }

  /** Wakes the session waiting for output, if `writer` was the queue. */
  #queued(writer: RespWriter | Reply): void {
    if (writer === this.#queue && this.#waiter !== null) {
      const waiter = this.#waiter;
      this.#waiter = null;
      waiter.resolve(PUSHED);
    }
  }

  /** Which limit `unsent` bytes pass now, if any (Redis's `checkClientOutputBufferLimits`). */
  #limitPassed(unsent: number): string | null {
    if (unsent >= this.#hard) return `hard limit ${this.#hard} bytes`;
    if (unsent < this.#soft) {
      this.#softSince = -1;
      return null;
    }
    const now = this.#now();
    if (this.#softSince < 0) this.#softSince = now;
    else if (now - this.#softSince > this.#softMs) {
      return `soft limit ${this.#soft} bytes for over ${this.#softMs / 1000} s`;
    }
    return null;
  }
}
