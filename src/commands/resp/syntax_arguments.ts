/** One argument of a command as COMMAND DOCS describes it (Redis's argument schema). */
export interface SyntaxArgument {
  /** The argument's name: the placeholder word, or the token in lower case. */
  readonly name: string;
  /** Redis's argument type; `oneof` and `block` hold `arguments`. */
  readonly type:
    | "key"
    | "string"
    | "integer"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  /** The literal word that introduces it (`EX` in `EX seconds`). */
  readonly token?: string;
  /** Whether it may be left out: it was written in `[...]`. */
  readonly optional?: boolean;
  /** Whether it may repeat: `key [key ...]`. */
  readonly multiple?: boolean;
  /** The alternatives of a `oneof`, or the parts of a `block`. */
  readonly arguments?: readonly SyntaxArgument[];
}

/** A piece of a synopsis: a word, a `[...]` or `<...>` group of alternatives, or `...`. */
type Node =
  | { readonly kind: "word"; readonly text: string }
  | { readonly kind: "optional"; readonly alternatives: Node[][] }
  | { readonly kind: "required"; readonly alternatives: Node[][] }
  | { readonly kind: "ellipsis" };

const CLOSING = { "[": "]", "<": ">" } as const;

/**
 * Turns a command's one-line synopsis (the `syntax` of a RespCommand, in the
 * notation of Redis's documentation) into the argument tree COMMAND DOCS
 * reports, because that tree is what `redis-cli` builds its help and its
 * typing hints from.
 *
 * The notation: lower-case words are placeholders, UPPER-case words are
 * literal tokens (a token takes the placeholders that follow it:
 * `EX seconds`, `AUTH username password`), `[...]` is optional, `<...>`
 * groups required alternatives, `|` separates alternatives, and
 * `x [x ...]` repeats `x`.
 *
 * @throws {SyntaxError} quoting the synopsis when its brackets do not balance.
 * @example
 * ```ts
 * parseSyntax("key [key ...]");
 * // [{ name: "key", type: "key", multiple: true }]
 * parseSyntax("[NX | XX]");
 * // [{ name: "nx-xx", type: "oneof", optional: true, arguments: [
 * //   { name: "nx", type: "pure-token", token: "NX" },
 * //   { name: "xx", type: "pure-token", token: "XX" } ] }]
 * ```
 */
export function parseSyntax(syntax: string): SyntaxArgument[] {
  const words = syntax.match(/[[\]<>|]|[^\s[\]<>|]+/g) ?? [];
  const at = { index: 0 };
  const alternatives = readAlternatives(words, at);
  if (at.index < words.length) {
    throw new SyntaxError(
      `Unbalanced "${words[at.index]}" in command synopsis ${JSON.stringify(syntax)}`,
    );
  }
  if (alternatives.length === 1) return toArguments(alternatives[0]);
  return [oneOf(alternatives.map(toArguments), false)];
}

/** Reads `a b | c d` up to a `]`, a `>` or the end (left for the caller). */
function readAlternatives(words: string[], at: { index: number }): Node[][] {
  const alternatives: Node[][] = [[]];
  while (at.index < words.length) {
    const word = words[at.index];
    if (word === "]" || word === ">") break;
    at.index++;
    if (word === "|") {
      alternatives.push([]);
    } else if (word === "[" || word === "<") {
      const inner = readAlternatives(words, at);
      if (words[at.index] !== CLOSING[word]) {
        throw new SyntaxError(
          `Missing "${CLOSING[word]}" in command synopsis ${JSON.stringify(words.join(" "))}`,
        );
      }
      at.index++;
      const kind = word === "[" ? "optional" : "required";
      alternatives[alternatives.length - 1].push({ kind, alternatives: inner });
    } else if (word === "...") {
      alternatives[alternatives.length - 1].push({ kind: "ellipsis" });
    } else {
      alternatives[alternatives.length - 1].push({ kind: "word", text: word });
    }
  }
  return alternatives;
}

function toArguments(nodes: Node[]): SyntaxArgument[] {
  const out: SyntaxArgument[] = [];
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    if (node.kind === "ellipsis") {
      if (out.length > 0) out[out.length - 1] = { ...out[out.length - 1], multiple: true };
    } else if (node.kind === "required") {
      if (node.alternatives.length === 1) out.push(...toArguments(node.alternatives[0]));
      else out.push(oneOf(node.alternatives.map(toArguments), false));
    } else if (node.kind === "optional") {
      const repeated = repetition(node);
      if (repeated !== null) {
        const parts = toArguments(repeated);
        if (parts.length > 0) out.push(repeat(out, parts));
      } else if (node.alternatives.length === 1) {
        const inner = toArguments(node.alternatives[0]);
        out.push({ ...(inner.length === 1 ? inner[0] : block(inner)), optional: true });
      } else {
        out.push(oneOf(node.alternatives.map(toArguments), true));
      }
    } else if (isToken(node.text)) {
      const placeholders: string[] = [];
      while (i + 1 < nodes.length) {
        const next = nodes[i + 1];
        if (next.kind !== "word" || isToken(next.text)) break;
        placeholders.push(next.text);
        i++;
      }
      out.push(tokenArgument(node.text, placeholders));
    } else {
      out.push(placeholder(node.text));
    }
  }
  return out;
}

/** The nodes before the `...` of `[x y ...]`, else `null`. */
function repetition(node: { readonly alternatives: Node[][] }): Node[] | null {
  if (node.alternatives.length !== 1) return null;
  const nodes = node.alternatives[0];
  return nodes.length > 1 && nodes[nodes.length - 1].kind === "ellipsis"
    ? nodes.slice(0, -1)
    : null;
}

/**
 * `x [x ...]`: folds the arguments just emitted that `[x ...]` repeats into
 * one `multiple` argument; a repetition of nothing before it (`[x ...]`
 * alone) is an optional multiple one.
 */
function repeat(out: SyntaxArgument[], repeated: SyntaxArgument[]): SyntaxArgument {
  const n = repeated.length;
  const before = out.slice(out.length - n);
  const same = out.length >= n && before.every((argument, i) => argument.name === repeated[i].name);
  // The first occurrence keeps what the repetition may leave out (`GET parameter [parameter ...]`).
  const parts = same ? before : repeated;
  const unit = n === 1 ? parts[0] : { ...block(parts), name: "data" };
  if (!same) return { ...unit, optional: true, multiple: true };
  out.length -= n;
  return { ...unit, multiple: true };
}

function tokenArgument(token: string, placeholders: string[]): SyntaxArgument {
  if (placeholders.length === 0) {
    return { name: token.toLowerCase(), type: "pure-token", token };
  }
  if (placeholders.length === 1) return { ...placeholder(placeholders[0]), token };
  return { ...block(placeholders.map(placeholder)), name: token.toLowerCase(), token };
}

function oneOf(alternatives: SyntaxArgument[][], optional: boolean): SyntaxArgument {
  const choices = alternatives.map((parts) => parts.length === 1 ? parts[0] : block(parts));
  const name = choices.map((choice) => choice.name).join("-");
  return optional
    ? { name, type: "oneof", optional, arguments: choices }
    : { name, type: "oneof", arguments: choices };
}

function block(parts: SyntaxArgument[]): SyntaxArgument {
  return { name: parts.map((part) => part.name).join("-"), type: "block", arguments: parts };
}

const KEY_NAMES = new Set(["key", "newkey", "source", "destination"]);
const INTEGER_NAMES = new Set([
  "seconds",
  "milliseconds",
  "count",
  "cursor",
  "timeout",
  "start",
  "end",
  "index",
  "offset",
  "increment",
  "decrement",
  "numkeys",
  "protover",
  "db",
]);

function placeholder(name: string): SyntaxArgument {
  if (KEY_NAMES.has(name)) return { name, type: "key" };
  if (name === "pattern") return { name, type: "pattern" };
  if (name.startsWith("unix-time")) return { name, type: "unix-time" };
  if (INTEGER_NAMES.has(name)) return { name, type: "integer" };
  return { name, type: "string" };
}

function isToken(word: string): boolean {
  return /^[A-Z][A-Z0-9_-]*$/.test(word);
}
