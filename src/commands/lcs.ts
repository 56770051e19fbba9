import { binaryFromBytes, bytesFromBinary } from "../io/binary.ts";
import { NOT_AN_INTEGER, parseInt64, SYNTAX_ERROR } from "./arguments.ts";
import type { Context } from "./command_spec.ts";

/** One run of the LCS found in both strings: its first and last byte in each. */
interface Match {
  readonly a: readonly [number, number];
  readonly b: readonly [number, number];
}

/**
 * The table of LCS lengths of every pair of prefixes, `(a.length + 1) ×
 * (b.length + 1)` entries, row by row: entry `i * (b.length + 1) + j` is the
 * length of the LCS of `a`'s first `i` bytes and `b`'s first `j`.
 */
function lcsTable(a: Uint8Array, b: Uint8Array): Uint32Array {
  const width = b.length + 1;
  const table = new Uint32Array((a.length + 1) * width);
  for (let i = 1; i <= a.length; i++) {
    const row = i * width;
    const above = row - width;
    for (let j = 1; j <= b.length; j++) {
      table[row + j] = a[i - 1] === b[j - 1]
        ? table[above + j - 1] + 1
        : Math.max(table[above + j], table[row + j - 1]);
    }
  }
  return table;
}

/**
 * `LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]` → the longest
 * common subsequence of the two strings (a missing key is the empty string):
 * the subsequence itself; with LEN, its length; with IDX, a map of its runs
 * of consecutive bytes (`matches`, last first, each as its byte ranges in
 * key1 and key2, with WITHMATCHLEN its length too, only those at least
 * MINMATCHLEN long) and `len`. The table it is found by is O(n·m), so as in
 * Redis one bigger than `--max-bulk` bytes is refused.
 *
 * @example
 * ```ts
 * lcs(["LCS", "a", "b"], context); // "$6\r\nmytext\r\n" for "ohmytext" and "mynewtext"
 * lcs(["LCS", "a", "b", "LEN"], context); // ":6\r\n"
 * ```
 */
export function lcs(args: string[], { db, reply, server }: Context): void {
  const first = db.value(args[1]) ?? "";
  const second = db.value(args[2]) ?? "";
  if (typeof first !== "string" || typeof second !== "string") {
    return reply.error("ERR The specified keys must contain string values");
  }
  let len = false, idx = false, withMatchLen = false;
  let minMatchLen = 0n;
  for (let i = 3; i < args.length; i++) {
    const option = args[i].toUpperCase();
    if (option === "IDX") idx = true;
    else if (option === "LEN") len = true;
    else if (option === "WITHMATCHLEN") withMatchLen = true;
    else if (option === "MINMATCHLEN" && i + 1 < args.length) {
      const parsed = parseInt64(args[++i]);
      if (parsed === null) return reply.error(NOT_AN_INTEGER);
      minMatchLen = parsed < 0n ? 0n : parsed;
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  if (idx && len) {
    return reply.error("ERR If you want both the length and indexes, please just use IDX.");
  }
  if ((first.length + 1) * (second.length + 1) * 4 > server.config.maxBulkBytes) {
    return reply.error(
      "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
    );
  }
  const a = bytesFromBinary(first);
  const b = bytesFromBinary(second);
  const width = b.length + 1;
  const table = lcsTable(a, b);
  const length = table[a.length * width + b.length];
  if (len) return reply.integer(length);

  // Walk back from the end, as Redis does: a byte both share is part of the
  // LCS; otherwise step towards the longer prefix LCS (j first on a tie).
  // Consecutive shared bytes make one run, reported as it closes.
  const common = new Uint8Array(length);
  const matches: Match[] = [];
  let i = a.length, j = b.length, k = length;
  let run: { aStart: number; aEnd: number; bStart: number; bEnd: number } | null = null;
  const close = () => {
    if (run === null) return;
    if (BigInt(run.aEnd - run.aStart + 1) >= minMatchLen) {
      matches.push({ a: [run.aStart, run.aEnd], b: [run.bStart, run.bEnd] });
    }
    run = null;
  };
  while (i > 0 && j > 0) {
    if (a[i - 1] === b[j - 1]) {
      common[--k] = a[i - 1];
      if (run === null) run = { aStart: i - 1, aEnd: i - 1, bStart: j - 1, bEnd: j - 1 };
      else {
        run.aStart = i - 1;
        run.bStart = j - 1;
      }
      i--;
      j--;
      if (i === 0 || j === 0) close();
    } else {
      close();
      if (table[(i - 1) * width + j] > table[i * width + j - 1]) i--;
      else j--;
    }
  }
  if (!idx) return reply.bulk(binaryFromBytes(common, 0, length));
  reply.map(2);
  reply.bulk("matches");
  reply.array(matches.length);
  for (const match of matches) {
    reply.array(withMatchLen ? 3 : 2);
    reply.array(2);
    reply.integer(match.a[0]);
    reply.integer(match.a[1]);
    reply.array(2);
    reply.integer(match.b[0]);
    reply.integer(match.b[1]);
    if (withMatchLen) reply.integer(match.a[1] - match.a[0] + 1);
  }
  reply.bulk("len");
  reply.integer(length);
}
