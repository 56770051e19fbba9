/** Redis's reply to a command used on a key of another type. */
export const WRONGTYPE = "WRONGTYPE Operation against a key holding the wrong kind of value";

/**
 * Thrown by {@linkcode Db} when a command reaches a key of another type; the
 * gate undoes the command's changes and answers {@linkcode WRONGTYPE}, so a
 * command never has to check the type before every access.
 *
 * @example
 * ```ts
 * try { db.get("a-hash"); } catch (error) { error instanceof WrongTypeError; } // true
 * ```
 */
export class WrongTypeError extends Error {
  constructor() {
    super(WRONGTYPE);
    this.name = "WrongTypeError";
  }
}
