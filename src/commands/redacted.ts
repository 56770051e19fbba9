/** What Redis shows in place of a secret argument. */
const REDACTED = "(redacted)";

/**
 * `args` as MONITOR and the slow log may show them: AUTH's arguments, and
 * HELLO's user name and password after `AUTH`, replaced by `(redacted)`, as
 * Redis 7.0 hides them (`redactClientCommandArgument`). Other commands'
 * arguments come back as they are (the same array).
 *
 * @example
 * ```ts
 * redacted(["AUTH", "s3cret"]); // ["AUTH", "(redacted)"]
 * ```
 */
export function redacted(args: readonly string[]): readonly string[] {
  const name = args[0].toUpperCase();
  if (name === "AUTH") return [args[0], ...args.slice(1).map(() => REDACTED)];
  if (name !== "HELLO") return args;
  const shown = args.slice();
  for (let i = 2; i < shown.length; i++) {
    if (shown[i].toUpperCase() === "AUTH" && i + 2 < shown.length) {
      shown[i + 1] = REDACTED;
      shown[i + 2] = REDACTED;
      i += 2;
    }
  }
  return shown;
}
