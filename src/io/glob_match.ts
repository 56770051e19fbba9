const STAR = 0x2a; // *
const QUESTION = 0x3f; // ?
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const CARET = 0x5e; // ^
const DASH = 0x2d; // -
const BACKSLASH = 0x5c; // \

/**
 * Whether binary string `text` matches glob `pattern` by the rules of
 * Redis's KEYS and SCAN MATCH, so clients get the keys Redis would give
 * them:
 *
 * - `*` any run of bytes, `?` any one byte;
 * - `[abc]` one of the listed bytes, `[^abc]` any other, `[a-z]` a range
 *   (either order: `[z-a]` is the same), `\x` inside a class a literal `x`;
 *   a class missing its `]` runs to the end of the pattern;
 * - `\x` outside a class is a literal `x`, a lone trailing `\` a literal `\`.
 *
 * Bytes compare by value (0–255), case-sensitively. As in Redis, the empty
 * key matches only the empty pattern (KEYS and SCAN treat a pattern of just
 * `*` as "everything" before ever calling this, which is how they return
 * it).
 *
 * Every token but `*` consumes exactly one byte, so one backtracking point
 * (the latest `*`) suffices: the time is O(pattern × text) at worst, never
 * exponential as naive recursion over several stars is.
 *
 * @example
 * ```ts
 * globMatch("user:*", "user:42");   // true
 * globMatch("h[ae]llo", "hallo");   // true
 * globMatch("h[^e]llo", "hello");   // false
 * globMatch("\\*", "*");            // true: an escaped star is literal
 * ```
 */
export function globMatch(pattern: string, text: string): boolean {
  if (text.length === 0) return pattern.length === 0;
  let p = 0;
  let t = 0;
  let starAt = -1; // index in pattern just after the latest `*` run
  let starText = 0; // where in text that `*` currently stops
  while (t < text.length) {
    if (p < pattern.length && pattern.charCodeAt(p) === STAR) {
      while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
      if (p === pattern.length) return true;
      starAt = p;
      starText = t;
      continue;
    }
    const next = p < pattern.length ? matchToken(pattern, p, text.charCodeAt(t)) : -1;
    if (next !== -1) {
      p = next;
      t++;
    } else if (starAt !== -1) {
      // Let the latest `*` swallow one more byte and retry what follows it.
      p = starAt;
      t = ++starText;
    } else {
      return false;
    }
  }
  while (p < pattern.length && pattern.charCodeAt(p) === STAR) p++;
  return p === pattern.length;
}

/**
 * Matches the one-byte token (not `*`) at `pattern[p]` against byte `c`:
 * the index just after the token on a match, else -1.
 */
function matchToken(pattern: string, p: number, c: number): number {
  const token = pattern.charCodeAt(p);
  if (token === QUESTION) return p + 1;
  if (token === OPEN) return matchClass(pattern, p + 1, c);
  if (token === BACKSLASH && p + 1 < pattern.length) {
    return pattern.charCodeAt(p + 1) === c ? p + 2 : -1;
  }
  return token === c ? p + 1 : -1;
}

/** Matches the class whose body starts at `pattern[p]` (after `[`); as {@linkcode matchToken}. */
function matchClass(pattern: string, p: number, c: number): number {
  const end = pattern.length;
  const negated = p < end && pattern.charCodeAt(p) === CARET;
  if (negated) p++;
  let found = false;
  while (p < end) {
    const first = pattern.charCodeAt(p);
    if (first === CLOSE) {
      p++;
      break;
    }
    if (first === BACKSLASH && p + 1 < end) {
      if (pattern.charCodeAt(p + 1) === c) found = true;
      p += 2;
    } else if (p + 2 < end && pattern.charCodeAt(p + 1) === DASH) {
      const last = pattern.charCodeAt(p + 2);
      if (c >= Math.min(first, last) && c <= Math.max(first, last)) found = true;
      p += 3;
    } else {
      if (first === c) found = true;
      p++;
    }
  }
  return found !== negated ? p : -1;
}
