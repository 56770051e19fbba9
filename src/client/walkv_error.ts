/**
 * An error reply from a walkv server, e.g. `-SET expected 2 arguments KEY and
 * VALUE`. `reply` is the line as received, without the leading `-`.
 *
 * @example
 * ```ts
 * try { await client.set("k", "v"); } catch (e) { if (e instanceof WalkvError) console.log(e.reply); }
 * ```
 */
export class WalkvError extends Error {
  /** The server's error text. */
  readonly reply: string;

  constructor(reply: string) {
    super(`walkv replied with an error: ${reply}`);
    this.name = "WalkvError";
    this.reply = reply;
  }
}
