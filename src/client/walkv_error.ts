/**
 * An error reply from the server, e.g. `-WRONGTYPE Operation against a key
 * holding the wrong kind of value`. `reply` is Redis's text as received,
 * without the leading `-`; `code` is its first word (`WRONGTYPE`, `ERR`,
 * `NOAUTH`, …), which is what a program should branch on.
 *
 * A single command throws it; a pipeline or a transaction returns it in place
 * of that command's result, so one bad command does not hide the others'.
 *
 * @example
 * ```ts
 * import { WalkvClient, WalkvError } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * await client.set("name", "walkv");
 * try {
 *   await client.incr("name");
 * } catch (error) {
 *   if (!(error instanceof WalkvError)) throw error;
 *   console.log(error.code, error.reply); // ERR ERR value is not an integer or out of range
 * }
 * ```
 */
export class WalkvError extends Error {
  /** The server's error text. */
  readonly reply: string;

  /** `reply` is the error line without its `-`. */
  constructor(reply: string) {
    super(`walkv replied with an error: ${reply}`);
    this.name = "WalkvError";
    this.reply = reply;
  }

  /** The error's first word, Redis's error code: `ERR`, `WRONGTYPE`, `EXECABORT`, … */
  get code(): string {
    const space = this.reply.indexOf(" ");
    return space === -1 ? this.reply : this.reply.slice(0, space);
  }
}
