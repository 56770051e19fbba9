/**
 * A reason walkv cannot start that the operator can fix (a busy port, a WAL
 * path it may not use). `main` prints the message, which says what to do, and
 * exits with code 1.
 *
 * @example
 * ```ts
 * throw new StartupError("port 4242 is already in use; choose another port with --port");
 * ```
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StartupError";
  }
}
