/**
 * The message of whatever was thrown: an `Error`'s message, anything else
 * as a string. Errors are passed on to clients and logs by their message.
 *
 * @example
 * ```ts
 * errorMessage(new Error("disk full")); // "disk full"
 * errorMessage("odd");                 // "odd"
 * ```
 */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
