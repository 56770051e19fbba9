import { assertEquals } from "@std/assert";
import { globMatch } from "../../src/io/glob_match.ts";

/** [pattern, text, expected]; the rows with ASCII keys agree with Redis 7.0.15's KEYS. */
function check(rows: [string, string, boolean][]): void {
  for (const [pattern, text, expected] of rows) {
    assertEquals(globMatch(pattern, text), expected, `globMatch(${pattern}, ${text})`);
  }
}

Deno.test("globMatch matches literals exactly and case-sensitively", () => {
  check([
    ["hello", "hello", true],
    ["hello", "Hello", false],
    ["hello", "hell", false],
    ["hell", "hello", false],
    ["", "", true],
  ]);
});

Deno.test("globMatch * matches any run of bytes, ? exactly one", () => {
  check([
    ["user:*", "user:42", true],
    ["user:*", "user:", true],
    ["user:*", "users", false],
    ["*:42", "user:42", true],
    ["a*b*c", "axxbyyc", true],
    ["a*b*c", "axxbyy", false],
    ["a**", "a", true],
    ["*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false],
    ["h?llo", "hallo", true],
    ["h?llo", "hllo", false],
    ["??", "ab", true],
    ["??", "abc", false],
  ]);
});

Deno.test("globMatch the empty key matches only the empty pattern, as in Redis", () => {
  check([
    ["*", "", false],
    ["**", "", false],
    ["", "a", false],
  ]);
});

Deno.test("globMatch classes: lists, negation, ranges in either order, escapes", () => {
  check([
    ["h[ae]llo", "hello", true],
    ["h[ae]llo", "hillo", false],
    ["h[^e]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["[a-c]x", "bx", true],
    ["[a-c]x", "dx", false],
    ["[c-a]x", "bx", true],
    ["[\\]]", "]", true],
    ["[\\^a]", "^", true],
    ["[]", "a", false],
    ["[^]", "a", true],
    ["[a-]", "-", false],
    ["[-a]", "-", true],
  ]);
});

Deno.test("globMatch an unterminated class runs to the end of the pattern", () => {
  check([
    ["[abc", "b", true],
    ["[abc", "bc", false],
    ["x[a-", "x-", true],
    ["[a-]b", "b", true],
    ["[a-]b", "^", true],
    ["[a-]b", "ab", false],
  ]);
});

Deno.test("globMatch backslash makes the next byte literal", () => {
  check([
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["a\\?", "a?", true],
    ["a\\?", "ab", false],
    ["\\[x]", "[x]", true],
    ["a\\", "a\\", true],
  ]);
});

Deno.test("globMatch compares binary strings byte by byte", () => {
  check([
    ["\xff*", "\xff\x00\r\n", true],
    ["[\x80-\xff]", "\xe9", true],
    ["[\x80-\xff]", "e", false],
    ["?", "\x00", true],
  ]);
});
