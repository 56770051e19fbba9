import type { Command } from "../commands/command.ts";
import type { ReplySink } from "./reply_sink.ts";

/**
 * The seed's reply format: one line per command, `+OK`, `+OK value` or
 * `-message`, each ending in `\n`. Replies accumulate in one string so a
 * connection writes a whole pipelined batch at once.
 *
 * @example
 * ```ts
 * const replies = new TextReplyWriter();
 * replies.ok();
 * replies.value("world");
 * replies.take(); // "+OK\n+OK world\n"
 * ```
 */
export class TextReplyWriter implements ReplySink {
  #text = "";
  #count = 0;

  /** How many replies are waiting. */
  get count(): number {
    return this.#count;
  }

  ok(): void {
    this.#text += "+OK\n";
    this.#count++;
  }

  value(value: string): void {
    // Only a WAL written by something else can hold such a value; sending it
    // would split one reply into several lines.
    if (value.includes("\n") || value.includes("\r")) {
      return this.#line("-value holds a line break, which the text protocol cannot carry");
    }
    this.#text += "+OK " + value + "\n";
    this.#count++;
  }

  missing(command: Command, key: string): void {
    this.#line(`-${command.name} could not find ${key} in store`);
  }

  unknownCommand(_name: string): void {
    this.#line("-INVALID COMMAND");
  }

  wrongArity(command: Command): void {
    this.#line(`-${command.name} ${command.usage}`);
  }

  error(message: string): void {
    // Client text can be echoed in errors; a CR or LF would end the line early.
    this.#line("-" + message.replace(/[\r\n]+/g, " "));
  }

  /** Replaces every waiting reply with the same error, keeping their count. */
  failAll(message: string): void {
    const count = this.#count;
    this.#text = "";
    this.#count = 0;
    for (let i = 0; i < count; i++) this.error(message);
  }

  /** The waiting replies as text; the writer is empty afterwards. */
  take(): string {
    const text = this.#text;
    this.#text = "";
    this.#count = 0;
    return text;
  }

  #line(line: string): void {
    this.#text += line + "\n";
    this.#count++;
  }
}
