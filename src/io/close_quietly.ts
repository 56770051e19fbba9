/**
 * Closes `resource`, accepting that it may be closed already: a socket whose
 * readable stream reached its end, or one closed by a shutdown, is closed by
 * Deno itself, and closing it again throws `BadResource`.
 *
 * @example
 * ```ts
 * closeQuietly(conn); // never throws BadResource
 * ```
 */
export function closeQuietly(resource: { close(): void }): void {
  try {
    resource.close();
  } catch (error: unknown) {
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}
