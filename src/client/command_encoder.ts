import type { Argument } from "./reply.ts";

const utf8 = new TextEncoder();

/**
 * Encodes commands as RESP arrays of bulk strings, all of them into one
 * buffer, so a pipeline or a transaction goes out in one write. Throws a
 * `TypeError` naming the argument for anything that is not an
 * {@linkcode Argument}, and a `RangeError` for `NaN`, which Redis has no
 * spelling for, before anything is sent.
 *
 * @example
 * ```ts
 * encodeCommands([["SET", "k", 1], ["GET", "k"]]);
 * // the bytes of "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\n1\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"
 * ```
 */
export function encodeCommands(commands: readonly (readonly Argument[])[]): Uint8Array {
  const pieces: Uint8Array[] = [];
  let size = 0;
  let header = "";
  for (const args of commands) {
    if (args.length === 0) throw new TypeError("A command needs at least its name, found []");
    header += `*${args.length}\r\n`;
    for (let i = 0; i < args.length; i++) {
      const bytes = argumentBytes(args[i], i);
      header += `$${bytes.length}\r\n`;
      const head = utf8.encode(header);
      pieces.push(head, bytes);
      size += head.length + bytes.length;
      header = "\r\n";
    }
  }
  const tail = utf8.encode(header);
  const out = new Uint8Array(size + tail.length);
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  out.set(tail, at);
  return out;
}

function argumentBytes(arg: Argument, index: number): Uint8Array {
  if (typeof arg === "string") return utf8.encode(arg);
  if (arg instanceof Uint8Array) return arg;
  if (typeof arg === "bigint") return utf8.encode(arg.toString());
  if (typeof arg === "number") {
    if (Number.isNaN(arg)) {
      throw new RangeError(`Argument ${index} is NaN, which Redis cannot read`);
    }
    if (arg === Infinity) return utf8.encode("+inf");
    if (arg === -Infinity) return utf8.encode("-inf");
    return utf8.encode(String(arg));
  }
  throw new TypeError(
    `Argument ${index} must be a string, number, bigint or Uint8Array, found ${describe(arg)}`,
  );
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}
