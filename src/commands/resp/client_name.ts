/**
 * Whether `name` may be a connection name (CLIENT SETNAME, HELLO SETNAME):
 * Redis allows only printable ASCII without spaces, bytes 33 to 126, so a
 * name never breaks the space-separated lines of CLIENT LIST/INFO. The
 * empty name is allowed: it clears the name.
 *
 * @example
 * ```ts
 * isValidClientName("worker-1"); // true
 * isValidClientName("a b");      // false
 * ```
 */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 33 || code > 126) return false;
  }
  return true;
}

/** Redis's reply to a connection name {@linkcode isValidClientName} refuses. */
export const INVALID_CLIENT_NAME =
  "ERR Client names cannot contain spaces, newlines or special characters.";
