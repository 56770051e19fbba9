/**
 * Splits a text-protocol line, given as a binary string (one char per byte),
 * into its fields on runs of white space, leading and trailing white space
 * ignored, exactly as the seed's Go `strings.Fields` splits the same bytes.
 * The fields are binary strings too, so any bytes a client sends stay as sent.
 *
 * White space is Go's `unicode.IsSpace` on the bytes decoded as UTF-8: the
 * ASCII `\t \n \v \f \r` and space, and the Unicode spaces (U+0085, U+00A0,
 * U+1680, U+2000–U+200A, U+2028, U+2029, U+202F, U+205F, U+3000) when they
 * are encoded as valid UTF-8, e.g. `"\xc2\xa0"`. A byte that is not valid
 * UTF-8 (a lone `"\xa0"`, a cut-short `"\xe2\x80"`) is never white space.
 *
 * @example
 * ```ts
 * splitFields("  SET\thello   world "); // ["SET", "hello", "world"]
 * splitFields("SET\xc2\xa0k\xa0 v"); // ["SET", "k\xa0", "v"]: only the first is U+00A0
 * splitFields("   "); // []
 * ```
 */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    const c = line.charCodeAt(i);
    // Most bytes are 0x21-0xC1, settled in two comparisons: no Unicode space
    // starts below C2.
    let width = 0;
    if (c <= 0x20) {
      if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) width = 1;
    } else if (c >= 0xc2) {
      width = unicodeSpace(line, i, c);
    }
    if (width === 0) {
      if (start === -1) start = i;
      continue;
    }
    if (start !== -1) {
      fields.push(line.slice(start, i));
      start = -1;
    }
    i += width - 1; // the loop adds the last one
  }
  if (start !== -1) fields.push(line.slice(start));
  return fields;
}

/**
 * The byte length of the UTF-8 Unicode space starting at `i` (whose first
 * byte is `c`), or 0 if there is none.
 *
 * Matching the spaces' exact encodings here gives what Go gets by decoding
 * rune after rune (`utf8.DecodeRuneInString`): each encoding starts with a
 * lead byte (C2, E1, E2 or E3), which Go never consumes as part of another
 * rune (valid runes continue only with bytes 80–BF, and an invalid sequence
 * advances one byte), so Go starts a rune there and decodes exactly this
 * space. Overlong forms, surrogates and cut-short sequences match no pattern.
 * Every other rune, valid or not, is part of a field, whatever its width.
 */
function unicodeSpace(line: string, i: number, c: number): number {
  // Past the end, charCodeAt gives NaN, which matches nothing below.
  const b1 = line.charCodeAt(i + 1);
  if (c === 0xc2) return b1 === 0x85 || b1 === 0xa0 ? 2 : 0; // U+0085, U+00A0
  const b2 = line.charCodeAt(i + 2);
  switch (c) {
    case 0xe1: // U+1680
      return b1 === 0x9a && b2 === 0x80 ? 3 : 0;
    case 0xe2:
      if (b1 === 0x80) {
        // U+2000–U+200A, U+2028, U+2029, U+202F
        return (b2 >= 0x80 && b2 <= 0x8a) || b2 === 0xa8 || b2 === 0xa9 || b2 === 0xaf ? 3 : 0;
      }
      return b1 === 0x81 && b2 === 0x9f ? 3 : 0; // U+205F
    case 0xe3: // U+3000
      return b1 === 0x80 && b2 === 0x80 ? 3 : 0;
    default:
      return 0;
  }
}
