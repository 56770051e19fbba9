import type { CommandRegistry } from "../commands/command_spec.ts";
import type { Reply, TextReply } from "../commands/reply.ts";
import { binaryFromBytes } from "../io/binary.ts";

/** The two protocols a connection can speak for its whole life. */
export type Protocol = "resp" | "text";

const STAR = 0x2a;
const NEWLINE = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
/** Longer than any command's name (Redis's longest, GEORADIUSBYMEMBER_RO, has 20 bytes). */
const LONGEST_NAME_BYTES = 32;

/**
 * Commands Redis does not flag `readonly` that may still open a RESP
 * connection as inline commands: each only answers (PING, ECHO, INFO,
 * COMMAND, TIME) or sets up the connection itself (HELLO), so a first line
 * naming one changes nothing anyone else can see. Health checks and
 * redis-benchmark's PING_INLINE send the bare `PING`.
 */
const INLINE_OPENERS: ReadonlySet<string> = new Set([
  "PING",
  "ECHO",
  "HELLO",
  "INFO",
  "COMMAND",
  "TIME",
]);

/**
 * Decides from a connection's first bytes which protocol it speaks, or
 * `null` while the first word has not ended (read more and ask again; a
 * word longer than any command's name is text at once).
 *
 * - A first byte `*` (a RESP array) is RESP.
 * - Otherwise the first line's first word (after leading spaces and tabs,
 *   up to a space, tab, CR or LF), in any case, decides: a name the text
 *   protocol has (SET, GET, DEL, COMPACT, AUTH) is text; a RESP command
 *   that changes nothing — one Redis flags `readonly`, or one of
 *   {@linkcode INLINE_OPENERS} — is RESP, as an inline command; anything
 *   else (FLUSHALL, any other write, CONFIG, CLIENT, an unknown word, a
 *   blank line) is text.
 *
 * So a user typing into `nc` gets the seed's `-INVALID COMMAND` for every
 * line the seed refused that could change something, and the store is
 * untouched, while an inline PING or INFO (as redis-benchmark and health
 * checks send) gets a RESP reply a Redis client can read.
 *
 * @example
 * ```ts
 * const bytes = new TextEncoder().encode("PING\r\n");
 * chooseProtocol(bytes, { resp, text }); // "resp"
 * ```
 */
export function chooseProtocol(
  bytes: Uint8Array,
  commands: { resp: CommandRegistry<Reply>; text: CommandRegistry<TextReply> },
): Protocol | null {
  if (bytes.length === 0) return null;
  if (bytes[0] === STAR) return "resp";
  let start = 0;
  while (start < bytes.length && (bytes[start] === SPACE || bytes[start] === TAB)) start++;
  let end = start;
  while (end < bytes.length && !isInlineSeparator(bytes[end])) end++;
  if (end - start > LONGEST_NAME_BYTES) return "text";
  if (end === bytes.length) return null;
  if (end === start) return "text";
  const name = binaryFromBytes(bytes, start, end).toUpperCase();
  if (commands.text.get(name) !== undefined) return "text";
  const entry = commands.resp.get(name);
  if (entry === undefined) return "text";
  const changesNothing = entry.spec.flags.includes("readonly") || INLINE_OPENERS.has(name);
  return changesNothing ? "resp" : "text";
}

function isInlineSeparator(byte: number): boolean {
  return byte === SPACE || byte === TAB || byte === CR || byte === NEWLINE;
}
