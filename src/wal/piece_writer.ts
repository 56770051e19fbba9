import { writeBinary } from "../io/binary.ts";

/** How much of a batch is copied to bytes before each write: the write buffer's size. */
const WRITE_CHUNK_BYTES = 256 * 1024;

/**
 * Turns binary-string pieces into bytes through one reused buffer and hands
 * each full buffer to `sink`, so a batch costs no allocation of its size and
 * a piece of any length (a value near V8's string limit) is written a chunk
 * at a time.
 *
 * @example
 * ```ts
 * const writer = new PieceWriter();
 * const chunks: Uint8Array[] = [];
 * writer.write(["3SET1k", "1v\n"], (bytes) => chunks.push(bytes.slice())); // 9
 * // The sink must use the bytes before it returns: the buffer is reused.
 * ```
 */
export class PieceWriter {
  readonly #buffer = new Uint8Array(WRITE_CHUNK_BYTES);

  /** Copies `pieces` in order to `sink`; returns how many bytes that was. */
  write(pieces: readonly string[], sink: (bytes: Uint8Array) => void): number {
    const buffer = this.#buffer;
    let filled = 0;
    let total = 0;
    for (const piece of pieces) {
      for (let at = 0; at < piece.length;) {
        if (filled === buffer.length) {
          sink(buffer);
          total += filled;
          filled = 0;
        }
        const take = Math.min(piece.length - at, buffer.length - filled);
        const part = take === piece.length ? piece : piece.slice(at, at + take);
        filled = writeBinary(part, buffer, filled);
        at += take;
      }
    }
    if (filled > 0) sink(buffer.subarray(0, filled));
    return total + filled;
  }
}
