import type { Databases } from "../db/databases.ts";
import type { ReplyBuffer } from "../protocol/reply_buffer.ts";

/**
 * A connection's replies are sent once they reach this size even if more
 * requests are waiting, and no more requests are run until they have gone
 * out: a client that pipelines large GETs and never reads holds at most
 * this plus one reply (and one batch in flight), not everything it asked for.
 */
export const FLUSH_BYTES = 1024 * 1024;

/** A protocol's reply writer: the bytes of the batch, and how it spells an error reply. */
export interface HeldReplies extends ReplyBuffer {
  /** Appends an error reply with binary-string `message`. */
  error(message: string): void;
}

/** Options for {@linkcode ReplyBarrier}. */
export interface ReplyBarrierOptions {
  /** Writes a batch to the client; the bytes stay valid until the write after next starts. */
  write(bytes: Uint8Array): Promise<void>;
  /** The error reply's message for a reply whose writes were rolled back by `error`. */
  rolledBack(error: Error): string;
}

/**
 * The one path from replies to the socket, for both protocols: it holds a
 * batch of replies until every write they could depend on is durable, sends
 * as errors exactly the replies that depended on writes that were rolled
 * back instead, and keeps one write in flight while the next batch is built.
 *
 * The session tells it where each reply began ({@linkcode ReplyBarrier.replied}).
 * A reply computed while WAL records were pending depends on the newest of
 * them (the {@linkcode Databases.horizon}), whether it acknowledges this client's
 * write or shows a value another client wrote. So `+OK` goes out only for a
 * durable write; a write made durable by an earlier sync keeps its `+OK`
 * even if a later one in the same batch fails; and a read that could have
 * seen a rolled-back value is an error too, as Redis answers `-MISCONF`.
 *
 * @example
 * ```ts
 * const barrier = new ReplyBarrier(databases, replies, { write, rolledBack: (e) => `MISCONF ${e.message}` });
 * const mark = replies.length;
 * gate.execute(table, dialect, fields, context);
 * barrier.replied(mark);
 * await barrier.flush(); // durable, then written
 * ```
 */
export class ReplyBarrier {
  readonly #db: Databases;
  readonly #replies: HeldReplies;
  readonly #options: ReplyBarrierOptions;
  /** `[start, end, seq]` for each held reply that depends on a pending record. */
  readonly #dependent: number[] = [];
  /** The newest record any held reply depends on; 0 for none. */
  #newest = 0;
  /** The batch being written, until its write is done. */
  #writing: Promise<void> | null = null;
  /** The size of the batch being written; 0 once its write is done. */
  #writingBytes = 0;

  constructor(db: Databases, replies: HeldReplies, options: ReplyBarrierOptions) {
    this.#db = db;
    this.#replies = replies;
    this.#options = options;
  }

  /** Notes the reply that began at `start` and ends at the writer's current length. */
  replied(start: number): void {
    const seq = this.#db.horizon();
    if (seq === 0) return;
    this.#dependent.push(start, this.#replies.length, seq);
    if (seq > this.#newest) this.#newest = seq;
  }

  /**
   * Notes that pushes (pub/sub messages) were appended: they are held until
   * every record pending now is settled, as replies are, but never turned
   * into errors, since a message is no claim about the store.
   */
  pushed(): void {
    const seq = this.#db.horizon();
    if (seq > this.#newest) this.#newest = seq;
  }

  /** Bytes not yet written to the socket: the held replies and the batch being written. */
  get unsentBytes(): number {
    return this.#replies.length + this.#writingBytes;
  }

  /** Whether the held replies reached {@linkcode FLUSH_BYTES}: flush before running more. */
  get full(): boolean {
    return this.#replies.length >= FLUSH_BYTES;
  }

  /**
   * Waits until the held replies' writes are settled, turns those that saw
   * rolled-back writes into errors, waits for the previous batch's write,
   * and starts writing this one. Rejects with the previous write's error.
   */
  async flush(): Promise<void> {
    if (this.#newest !== 0) {
      const pending = this.#db.settled(this.#newest);
      if (pending) await pending;
      this.#answerRolledBack();
      this.#dependent.length = 0;
      this.#newest = 0;
    }
    if (this.#replies.length === 0) return;
    if (this.#writing) await this.#writing;
    const bytes = this.#replies.take();
    this.#writingBytes = bytes.length;
    const writing = this.#writing = this.#options.write(bytes);
    // A write that is done needs no await; a failed one stays, to reject the next.
    writing.then(() => {
      if (this.#writing !== writing) return;
      this.#writing = null;
      this.#writingBytes = 0;
    }, () => {});
  }

  /** Waits for the write in flight; rejects with its error. */
  async drain(): Promise<void> {
    if (this.#writing) await this.#writing;
  }

  /**
   * For a connection about to wait for its client: gives back the buffers a
   * large batch grew. The write in flight keeps its own bytes.
   */
  idle(): void {
    this.#replies.release();
  }

  /** Rewrites the held batch with an error in place of each reply whose writes were rolled back. */
  #answerRolledBack(): void {
    const dependent = this.#dependent;
    const db = this.#db;
    let first = -1;
    for (let i = 0; i < dependent.length && first === -1; i += 3) {
      if (db.rolledBack(dependent[i + 2]) !== null) first = i;
    }
    if (first === -1) return;
    const replies = this.#replies;
    const held = replies.bytes.slice(0, replies.length);
    let copied = dependent[first];
    replies.rewind(copied);
    for (let i = first; i < dependent.length; i += 3) {
      const error = db.rolledBack(dependent[i + 2]);
      if (error === null) continue;
      replies.appendBytes(held.subarray(copied, dependent[i]));
      replies.error(this.#options.rolledBack(error));
      copied = dependent[i + 1];
    }
    replies.appendBytes(held.subarray(copied));
  }
}
