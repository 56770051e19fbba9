/**
 * Writes every byte of `bytes` to `writer`. `Deno.Conn.write` and
 * `Deno.FsFile.write` may each write only part of a buffer; this loops until
 * none is left.
 *
 * @example
 * ```ts
 * await writeAll(conn, new TextEncoder().encode("+OK\n"));
 * ```
 */
export async function writeAll(
  writer: { write(p: Uint8Array): Promise<number> },
  bytes: Uint8Array,
): Promise<void> {
  let written = 0;
  while (written < bytes.length) {
    written += await writer.write(bytes.subarray(written));
  }
}
