import { NOT_AN_INTEGER, parseLong } from "./arguments.ts";
import type { Context } from "./command_spec.ts";

/**
 * Parses a timeout in ms as Redis's `getTimeoutFromObjectOrReply` does:
 * an integer, not negative; the value or Redis's error.
 */
export function parseTimeoutMs(text: string): number | { error: string } {
  const timeout = parseLong(text);
  if (timeout === null) return { error: "ERR timeout is not an integer or out of range" };
  if (timeout < 0) return { error: "ERR timeout is negative" };
  return timeout;
}

/**
 * `WAIT numreplicas timeout` → how many replicas acknowledged the client's
 * writes: walkv has none, so `:0`, at once. (Redis with no replicas waits
 * out the timeout when more than 0 are asked for; walkv never will have
 * them, so it does not make the client wait for nothing.) The arguments are
 * checked as Redis checks them.
 *
 * @example
 * ```ts
 * wait(["WAIT", "1", "100"], context); // ":0\r\n"
 * ```
 */
export function wait(args: string[], { reply }: Context): void {
  if (parseLong(args[1]) === null) return reply.error(NOT_AN_INTEGER);
  const timeout = parseTimeoutMs(args[2]);
  if (typeof timeout !== "number") return reply.error(timeout.error);
  reply.integer(0);
}
