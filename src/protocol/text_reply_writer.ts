import { ReplyBuffer } from "./reply_buffer.ts";
import type { TextReply } from "../commands/reply.ts";

/**
 * The seed's reply format: one line per command, `+OK`, `+OK value` or
 * `-message`, each ending in `\n`, written as bytes into the connection's
 * {@linkcode ReplyBuffer} so a whole pipelined batch goes out in one write.
 * Values and echoed keys are binary strings and go out byte for byte.
 *
 * @example
 * ```ts
 * const replies = new TextReplyWriter();
 * replies.ok();
 * replies.value("world");
 * replies.take(); // the bytes of "+OK\n+OK world\n"
 * ```
 */
export class TextReplyWriter extends ReplyBuffer implements TextReply {
  errors = 0;
  /** Called with each error reply's message (INFO errorstats counts them). */
  onError: ((message: string) => void) | null = null;

  ok(): void {
    this.reserve(4);
    const bytes = this.bytes;
    bytes[this.length++] = 0x2b; // +
    bytes[this.length++] = 0x4f; // O
    bytes[this.length++] = 0x4b; // K
    bytes[this.length++] = 0x0a;
  }

  value(value: string): void {
    // Only a write over RESP can store such a value; sending it would split
    // one reply into several lines.
    if (value.includes("\n") || value.includes("\r")) {
      return this.error("value holds a line break, which the text protocol cannot carry");
    }
    this.appendBinary("+OK ");
    this.appendBinary(value);
    this.appendBinary("\n");
  }

  missing(name: string, key: string): void {
    // The seed's "not found" is an error line, but not a failed command.
    this.#line(`-${name} could not find ${key} in store`);
  }

  error(message: string): void {
    this.errors++;
    this.onError?.(message);
    // Client text can be echoed in errors; a CR or LF would end the line early.
    this.#line("-" + message.replace(/[\r\n]+/g, " "));
  }

  /** Appends binary string `line` and its newline. */
  #line(line: string): void {
    this.appendBinary(line);
    this.appendBinary("\n");
  }
}
