/**
 * One directive of a config file: its name in lower case (names are not
 * case-sensitive, as in Redis), its arguments, and its line number from 1.
 */
export interface Directive {
  name: string;
  args: string[];
  line: number;
}

/**
 * Reads a config file's text as Redis reads `redis.conf`: one `directive
 * value…` per line; blank lines and lines whose first non-blank character is
 * `#` are skipped; arguments are split as {@linkcode splitConfigLine} does.
 *
 * @throws {SyntaxError} naming `path` and the line, for unbalanced quotes.
 * @example
 * ```ts
 * parseConfigFile('port 5000\n# a comment\nrequirepass "s3 cret"\n', "walkv.conf");
 * // [{ name: "port", args: ["5000"], line: 1 }, { name: "requirepass", args: ["s3 cret"], line: 3 }]
 * ```
 */
export function parseConfigFile(text: string, path: string): Directive[] {
  const directives: Directive[] = [];
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const args = splitConfigLine(lines[i]);
    if (args === null) {
      throw new SyntaxError(`${path}:${i + 1}: unbalanced quotes in ${JSON.stringify(lines[i])}`);
    }
    if (args.length === 0) continue;
    directives.push({ name: args[0].toLowerCase(), args: args.slice(1), line: i + 1 });
  }
  return directives;
}

const ESCAPES: Readonly<Record<string, string>> = {
  n: "\n",
  r: "\r",
  t: "\t",
  b: "\b",
  a: "\x07",
};

/**
 * Splits one config line into its words as Redis's `sdssplitargs` does:
 * words are separated by blanks; `"…"` may hold blanks and the escapes
 * `\n \r \t \b \a \xHH` (any other `\c` is `c`); `'…'` may hold blanks and
 * `\'`. A closing quote must end the word. A blank or comment line is no
 * words. Returns `null` for unbalanced quotes.
 *
 * @example
 * ```ts
 * splitConfigLine(`requirepass "a b\\x41"`); // ["requirepass", "a bA"]
 * ```
 */
export function splitConfigLine(line: string): string[] | null {
  const text = line.trim();
  if (text === "" || text.startsWith("#")) return [];
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && isBlank(text[i])) i++;
    if (i === text.length) break;
    let word = "";
    let quote: '"' | "'" | null = null;
    for (; i < text.length; i++) {
      const c = text[i];
      if (quote === '"') {
        if (
          c === "\\" && text[i + 1] === "x" && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 2, i + 4))
        ) {
          word += String.fromCharCode(parseInt(text.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (c === "\\" && i + 1 < text.length) {
          i++;
          word += ESCAPES[text[i]] ?? text[i];
        } else if (c === '"') {
          if (i + 1 < text.length && !isBlank(text[i + 1])) return null;
          quote = null;
          i++;
          break;
        } else {
          word += c;
        }
      } else if (quote === "'") {
        if (c === "\\" && text[i + 1] === "'") {
          word += "'";
          i++;
        } else if (c === "'") {
          if (i + 1 < text.length && !isBlank(text[i + 1])) return null;
          quote = null;
          i++;
          break;
        } else {
          word += c;
        }
      } else if (isBlank(c)) {
        break;
      } else if (c === '"' || c === "'") {
        quote = c;
      } else {
        word += c;
      }
    }
    if (quote !== null) return null;
    words.push(word);
  }
  return words;
}

/**
 * A value as a config file line spells it: bare when it is one plain word,
 * else in double quotes with `\\`, `\"` and control bytes escaped, so
 * {@linkcode splitConfigLine} reads back exactly `value`.
 *
 * @example
 * ```ts
 * quoteConfigValue("always");  // "always"
 * quoteConfigValue("a b");     // "\"a b\""
 * ```
 */
export function quoteConfigValue(value: string): string {
  if (/^[A-Za-z0-9._:/@+=,-]+$/.test(value)) return value;
  let quoted = '"';
  for (const c of value) {
    const code = c.charCodeAt(0);
    if (c === "\\" || c === '"') quoted += "\\" + c;
    else if (c === "\n") quoted += "\\n";
    else if (c === "\r") quoted += "\\r";
    else if (c === "\t") quoted += "\\t";
    else if (code < 0x20 || code === 0x7f) quoted += "\\x" + code.toString(16).padStart(2, "0");
    else quoted += c;
  }
  return quoted + '"';
}

function isBlank(c: string): boolean {
  return c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\v" || c === "\f";
}
