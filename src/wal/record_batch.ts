import { writeBinary } from "../io/binary.ts";
import { PieceWriter } from "./piece_writer.ts";
import { fillSeal, isSeedRecord, type RecordPieces, sealHeader, sealRecord } from "./record.ts";

/** A record at most this long joins the batch's text; a longer one stays in pieces. */
const SMALL_RECORD = 1024;
/** The conversion buffer kept between batches; a larger batch gets one of its own. */
const KEEP_BUFFER_BYTES = 1024 * 1024;

/** Small records as one string, with where each sealed one's checksum and body lie in it. */
interface TextPart {
  text: string;
  /** `[bodyStart, bodyEnd]` per sealed record, as offsets into `text`. */
  seals: number[];
}

/**
 * The records of one group commit, ready to be written: sealed as the file
 * holds them (see `sealRecord`), in order.
 *
 * Why this shape: most records are small, and turning each into bytes (and
 * checksumming each) one character at a time costs more than the rest of a
 * write command. So small records are concatenated into one string, as the
 * seed's records always were, converted to bytes natively once per batch,
 * and each sealed one's checksum is computed over those bytes and filled
 * into its header in place. A large record keeps its pieces and is sealed
 * up front, so no string ever holds more than one value.
 *
 * @example
 * ```ts
 * const batch = new RecordBatch();
 * batch.add(encodeSet("k", "v"));
 * batch.add(encodeSet("k", "v\n"));
 * batch.writeTo((bytes) => file.writeSync(bytes)); // "3SET1k1v\n3CRC…:…:3PUT1:k2:v\n1:0\n"
 * ```
 */
export class RecordBatch {
  readonly #parts: (TextPart | RecordPieces)[] = [];
  #text: TextPart | null = null;
  #count = 0;

  /** How many records were added. */
  get count(): number {
    return this.#count;
  }

  /** Adds `record` (unsealed) after those added before. */
  add(record: RecordPieces): void {
    this.#count++;
    if (record.length !== 1 || record[0].length > SMALL_RECORD) {
      this.#text = null;
      this.#parts.push(sealRecord(record));
      return;
    }
    const body = record[0];
    let part = this.#text;
    if (part === null) {
      part = this.#text = { text: "", seals: [] };
      this.#parts.push(part);
    }
    if (isSeedRecord(record)) {
      part.text += body;
      return;
    }
    const header = sealHeader(body.length);
    const start = part.text.length + header.length;
    part.seals.push(start, start + body.length);
    part.text += header + body;
  }

  /**
   * Hands the batch's bytes to `sink` in order, a buffer at a time (the sink
   * must use them before it returns); returns how many bytes that was.
   * Writing the same batch again gives the same bytes.
   */
  writeTo(sink: (bytes: Uint8Array) => void): number {
    let total = 0;
    for (const part of this.#parts) {
      if (!("text" in part)) {
        total += pieceWriter.write(part, sink);
        continue;
      }
      const bytes = conversionBuffer(part.text.length);
      const length = writeBinary(part.text, bytes, 0);
      const seals = part.seals;
      for (let i = 0; i < seals.length; i += 2) fillSeal(bytes, seals[i], seals[i + 1]);
      sink(bytes.subarray(0, length));
      total += length;
    }
    return total;
  }
}

const pieceWriter = new PieceWriter();
let kept = new Uint8Array(64 * 1024);

/** A buffer of at least `length` bytes: the kept one, grown up to a point, or a fresh one. */
function conversionBuffer(length: number): Uint8Array {
  if (length <= kept.length) return kept;
  if (length > KEEP_BUFFER_BYTES) return new Uint8Array(length);
  return kept = new Uint8Array(KEEP_BUFFER_BYTES);
}
