/**
 * Splits a text-protocol line into its fields on runs of white space, leading
 * and trailing white space ignored, as the seed's Go `strings.Fields` does
 * (spaces, tabs, the other ASCII controls `\v\f\r`, and Unicode spaces).
 *
 * @example
 * ```ts
 * splitFields("  SET\thello   world "); // ["SET", "hello", "world"]
 * splitFields("   "); // []
 * ```
 */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  let start = -1;
  for (let i = 0; i < line.length; i++) {
    if (isSpace(line.charCodeAt(i))) {
      if (start !== -1) {
        fields.push(line.slice(start, i));
        start = -1;
      }
    } else if (start === -1) {
      start = i;
    }
  }
  if (start !== -1) fields.push(line.slice(start));
  return fields;
}

/** Go's `unicode.IsSpace`. */
function isSpace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0x85) return false;
  return c === 0x85 || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000;
}
