import {
  NOT_AN_INTEGER,
  parseCursor,
  parseInteger,
  parseScanOptions,
  SYNTAX_ERROR,
} from "./arguments.ts";
import type { Context, Run } from "./command_spec.ts";
import { globMatch } from "../io/glob_match.ts";
import { cloneValue } from "../store/clone_value.ts";
import { HashValue } from "../store/hash_value.ts";
import { SetValue } from "../store/set_value.ts";
import { ZSetValue } from "../store/zset_value.ts";
import { typeOf, type Value } from "../store/value.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * `DEL key [key ...]` → how many of the keys existed (each counted once).
 * Several keys become one WAL record, so a crash keeps all or none.
 *
 * @example
 * ```ts
 * del(["DEL", "a", "b", "a"], context); // ":2\r\n" if a and b existed
 * ```
 */
export function del(args: string[], { db, reply }: Context): void {
  let deleted = 0;
  for (let i = 1; i < args.length; i++) if (db.delete(args[i])) deleted++;
  reply.integer(deleted);
}

/**
 * `UNLINK key [key ...]`: DEL by another name, which clients that prefer
 * non-blocking deletes send. Redis frees the memory in the background;
 * here freeing is the garbage collector's business either way.
 */
export const unlink: Run = del;

/**
 * `EXISTS key [key ...]` → how many of the named keys exist, counting a key
 * named twice twice, as Redis does (so `EXISTS k k` answers 2).
 *
 * @example
 * ```ts
 * exists(["EXISTS", "k", "k", "missing"], context); // ":2\r\n" if k exists
 * ```
 */
export function exists(args: string[], { db, reply }: Context): void {
  let found = 0;
  for (let i = 1; i < args.length; i++) if (db.exists(args[i])) found++;
  reply.integer(found);
}

/**
 * `TOUCH key [key ...]` → how many of the named keys exist, a key named twice
 * counted twice, and marks them as just used (OBJECT IDLETIME), as Redis
 * does: looking a key up stamps it.
 *
 * @example
 * ```ts
 * touch(["TOUCH", "a", "missing"], context); // ":1\r\n" if a exists
 * ```
 */
export const touch: Run = exists;

/**
 * `TYPE key` → `+string`, `+hash`, `+set`, …, or `+none` when the key does
 * not exist.
 *
 * @example
 * ```ts
 * keyType(["TYPE", "greeting"], context); // "+string\r\n"
 * ```
 */
export function keyType(args: string[], { db, reply }: Context): void {
  const value = db.value(args[1]);
  reply.simple(value === undefined ? "none" : typeOf(value));
}

/** How long KEYS may hold the event loop before it lets other clients in. */
const SLICE_MS = 5;
/** Keys looked at between two looks at the clock. */
const KEYS_PER_CHECK = 256;

/**
 * `KEYS pattern` → every live key matching the glob `pattern` (see
 * {@linkcode globMatch}), in no particular order.
 *
 * It walks the whole keyspace, as Redis's does, but in slices of about
 * 5 ms, letting other clients be served between them instead of holding the
 * server for the whole walk (a second with 10M keys). So, like SCAN, a key
 * present for the whole call is returned, and one added or removed meanwhile
 * may or may not be. SCAN remains the way to walk a large keyspace in pages.
 *
 * @example
 * ```ts
 * await keys(["KEYS", "user:*"], context); // "*2\r\n$6\r\nuser:1\r\n$6\r\nuser:2\r\n"
 * ```
 */
export function keys(args: string[], { db, reply, atomic }: Context): void | Promise<void> {
  const pattern = args[1];
  const everything = pattern === "*";
  const found: string[] = [];
  const iterator = db.keys();
  /** Walks for one slice; true when the keys ran out. */
  const slice = (): boolean => {
    const started = performance.now();
    while (true) {
      for (let i = 0; i < KEYS_PER_CHECK; i++) {
        const next = iterator.next();
        if (next.done) return true;
        const key = next.value;
        if ((everything || globMatch(pattern, key)) && db.exists(key)) found.push(key);
      }
      if (performance.now() - started >= SLICE_MS) return false;
    }
  };
  // A small keyspace is answered at once, without a trip through the event
  // loop; so is any inside EXEC, which must not let other clients run.
  if (atomic) { while (!slice()); }
  if (atomic || slice()) return reply.bulkArray(found);
  return (async () => {
    do await new Promise((resolve) => setTimeout(resolve, 0)); while (!slice());
    reply.bulkArray(found);
  })();
}

/**
 * `SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]` → a two-element
 * array: the cursor to send next (`"0"` when the scan is done) and a page of
 * keys.
 *
 * A cursor names a saved live iterator over the keyspace (see
 * `ScanCursors`), so a key present from the first call to the last is
 * returned, whatever is added or deleted in between, and no key is returned
 * twice unless its cursor was dropped. COUNT is how many keys a call looks
 * at, not how many it returns: MATCH and TYPE filter afterwards, so pages may
 * be short or empty before the end, as in Redis. TYPE `string` keeps every
 * key and any other type none, strings being walkv's only type.
 *
 * @example
 * ```ts
 * scan(["SCAN", "0", "MATCH", "user:*", "COUNT", "100"], context);
 * // "*2\r\n$1\r\n7\r\n*1\r\n$6\r\nuser:1\r\n": continue with SCAN 7
 * ```
 */
export function scan(args: string[], { db, reply, server }: Context): void {
  const cursor = parseCursor(args[1]);
  if (cursor === null) return reply.error("ERR invalid cursor");
  const options = parseScanOptions(args, 2, true);
  if ("error" in options) return reply.error(options.error);
  const { pattern, count, type } = options;

  const iterator = server.scans.resume(cursor, () => db.keys());
  const page: string[] = [];
  let exhausted = false;
  for (let looked = 0; looked < count; looked++) {
    const next = iterator.next();
    if (next.done) {
      exhausted = true;
      break;
    }
    const key = next.value;
    if (pattern !== null && !globMatch(pattern, key)) continue;
    const value = db.value(key); // skips keys expired but not yet reclaimed
    if (value !== undefined && (type === null || typeOf(value) === type)) page.push(key);
  }
  reply.array(2);
  reply.bulk(exhausted ? "0" : String(server.scans.save(iterator)));
  reply.bulkArray(page);
}

/**
 * `RANDOMKEY` → a random live key as a bulk string, or the null bulk when
 * there are none.
 *
 * @example
 * ```ts
 * randomKey(["RANDOMKEY"], context); // "$5\r\nhello\r\n"
 * ```
 */
export function randomKey(_args: string[], { db, reply }: Context): void {
  reply.bulkOrNull(db.randomKey());
}

/**
 * RENAME and RENAMENX share the move; RENAMENX adds the refusal to replace
 * an existing key and answers with an integer instead of `+OK`.
 *
 * The move is a delete of the source and a set of the destination with the
 * source's value and expiry, two changes the dispatcher commits as one WAL
 * record, so a crash never leaves both keys or neither.
 */
function renameCommand(name: "RENAME" | "RENAMENX"): Run {
  const onlyIfNew = name === "RENAMENX";
  return (args, { db, reply }) => {
    const source = args[1];
    const destination = args[2];
    const value = db.value(source);
    if (value === undefined) return reply.error("ERR no such key");
    if (source === destination) return onlyIfNew ? reply.integer(0) : reply.ok();
    if (onlyIfNew && db.exists(destination)) return reply.integer(0);
    if (typeof value !== "string") {
      db.moveContainer(source, db, destination); // O(1), as Redis's
    } else {
      const expiresAt = db.expiresAt(source);
      db.delete(source);
      db.set(destination, value, expiresAt);
    }
    if (onlyIfNew) reply.integer(1);
    else reply.ok();
  };
}

/**
 * `RENAME key newkey` → `+OK`, replacing `newkey` if it exists; the key keeps
 * its expiry. `ERR no such key` when `key` does not exist.
 *
 * @example
 * ```ts
 * rename(["RENAME", "draft", "final"], context); // "+OK\r\n"
 * ```
 */
export const rename: Run = renameCommand("RENAME");

/**
 * `RENAMENX key newkey` → 1 when renamed, 0 when `newkey` already exists
 * (or is `key` itself); `ERR no such key` when `key` does not exist.
 *
 * @example
 * ```ts
 * renamenx(["RENAMENX", "draft", "final"], context); // ":0\r\n" if final exists
 * ```
 */
export const renamenx: Run = renameCommand("RENAMENX");

/**
 * `MOVE key db` → 1 when `key` moved to database `db` with its expiry, 0
 * when it does not exist here or already exists there.
 *
 * @example
 * ```ts
 * move(["MOVE", "session", "3"], context); // ":1\r\n"
 * ```
 */
export function move(args: string[], { db, reply, server }: Context): void {
  const index = parseInteger(args[2]);
  if (index === null) return reply.error(NOT_AN_INTEGER);
  if (index < 0 || index >= server.databases.length) {
    return reply.error("ERR DB index is out of range");
  }
  if (index === db.index) return reply.error("ERR source and destination objects are the same");
  const key = args[1];
  const value = db.value(key);
  const target = server.databases.get(index);
  if (value === undefined || target.exists(key)) return reply.integer(0);
  if (typeof value !== "string") {
    db.moveContainer(key, target, key); // O(1), as Redis's
  } else {
    const expiresAt = db.expiresAt(key);
    db.delete(key);
    target.set(key, value, expiresAt);
  }
  reply.integer(1);
}

/** Redis's OBJ_SHARED_INTEGERS: the integers it keeps one shared object for. */
const SHARED_INTEGERS = 10_000;
/** Redis's OBJECT_ENCODING_EMBSTR_SIZE_LIMIT: a longer string is `raw`. */
const EMBSTR_BYTES = 44;
/** A string Redis keeps as an integer: a `long` in its one canonical spelling. */
const INTEGER_TEXT = /^(0|-?[1-9][0-9]{0,18})$/;

/**
 * What OBJECT ENCODING answers for `value`: Redis's names for the
 * representation Redis 7.0 would choose for the same value (`int`, `embstr`,
 * `raw`; `listpack` or `hashtable` for a hash; `intset` or `hashtable` for a
 * set; `quicklist` for a list; `listpack` or `skiplist` for a sorted set). A string changed in place (APPEND, SETRANGE) is `raw` in Redis
 * whatever its length; here it is named by its length, as if SET.
 */
function encodingOf(value: Value): string {
  if (typeof value === "string") {
    if (
      value.length <= 20 && INTEGER_TEXT.test(value) &&
      BigInt.asIntN(64, BigInt(value)) === BigInt(value)
    ) {
      return "int";
    }
    return value.length <= EMBSTR_BYTES ? "embstr" : "raw";
  }
  if (value instanceof HashValue) return value.compact ? "listpack" : "hashtable";
  if (value instanceof SetValue) return value.intset ? "intset" : "hashtable";
  if (value instanceof ZSetValue) return value.compact ? "listpack" : "skiplist";
  return "quicklist"; // every list, in Redis 7.0
}

const OBJECT_SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  ENCODING: {
    arity: 3,
    run(args, { db, reply }) {
      const value = db.value(args[2]);
      if (value === undefined) return reply.nullBulk();
      reply.bulk(encodingOf(value));
    },
  },
  FREQ: {
    arity: 3,
    run(args, { db, reply, server }) {
      // Redis looks the key up without touching it, then checks the policy.
      const frequency = db.frequency(args[2]);
      if (frequency < 0) return reply.nullBulk();
      if (!server.maxMemory.lfu) {
        return reply.error(
          "ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please " +
            "note that when switching between policies at runtime LRU and LFU data will take " +
            "some time to adjust.",
        );
      }
      reply.integer(frequency);
    },
  },
  IDLETIME: {
    arity: 3,
    run(args, { db, reply, server }) {
      const idle = db.idleMs(args[2]);
      if (idle < 0) return reply.nullBulk();
      if (server.maxMemory.lfu) {
        return reply.error(
          "ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that " +
            "when switching between policies at runtime LRU and LFU data will take some time " +
            "to adjust.",
        );
      }
      reply.integer(Math.floor(idle / 1000));
    },
  },
  REFCOUNT: {
    arity: 3,
    run(args, { db, reply }) {
      const value = db.value(args[2]);
      if (value === undefined) return reply.nullBulk();
      // Redis shares one object for each integer 0–9999 (OBJ_SHARED_INTEGERS)
      // and reports it as referenced INT_MAX times; anything else once.
      const shared = typeof value === "string" && INTEGER_TEXT.test(value) &&
        Number(value) >= 0 && Number(value) < SHARED_INTEGERS;
      reply.integer(shared ? 2147483647 : 1);
    },
  },
  HELP: helpSubcommand("OBJECT", [
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
  ]),
};

/** The subcommands of OBJECT, for the registry. */
export const OBJECT_SUBCOMMAND_NAMES: readonly string[] = Object.keys(OBJECT_SUBCOMMANDS);

/**
 * `OBJECT ENCODING key` → the name of the representation Redis would use
 * for the key's value (see {@linkcode encodingOf}), or null when absent;
 * `OBJECT FREQ key` → the key's LFU counter under an LFU `maxmemory-policy`,
 * Redis's error under any other; `OBJECT IDLETIME key` → whole seconds
 * since the key was last read or written (each store stamps every access
 * on a clock the expiry sweep advances ten times a second; OBJECT itself
 * does not touch the key), Redis's error under an LFU policy; `OBJECT REFCOUNT key` → Redis's answer: its
 * shared-integer count for 0–9999, else 1; `OBJECT HELP`.
 *
 * @example
 * ```ts
 * object(["OBJECT", "ENCODING", "counter"], context); // "$3\r\nint\r\n"
 * ```
 */
export function object(args: string[], context: Context): void {
  runSubcommand("OBJECT", OBJECT_SUBCOMMANDS, args, context);
}

/**
 * `COPY source destination [DB destination-db] [REPLACE]` → 1 when `source`
 * was copied (with its expiry) to `destination`, 0 when `source` does not
 * exist or `destination` does and REPLACE was not given. The copy shares
 * nothing with the source, and is logged whole (as Redis's COPY is O(N)).
 *
 * @example
 * ```ts
 * copy(["COPY", "template", "draft"], context); // ":1\r\n"
 * ```
 */
export function copy(args: string[], { db, reply, server }: Context): void {
  let index = db.index;
  let replace = false;
  for (let i = 3; i < args.length; i++) {
    const option = args[i].toUpperCase();
    if (option === "REPLACE") {
      replace = true;
    } else if (option === "DB" && i + 1 < args.length) {
      const parsed = parseInteger(args[++i]);
      if (parsed === null) return reply.error(NOT_AN_INTEGER);
      if (parsed < 0 || parsed >= server.databases.length) {
        return reply.error("ERR DB index is out of range");
      }
      index = parsed;
    } else {
      return reply.error(SYNTAX_ERROR);
    }
  }
  const target = server.databases.get(index);
  const [, source, destination] = args;
  if (target === db && source === destination) {
    return reply.error("ERR source and destination objects are the same");
  }
  const value = db.value(source);
  if (value === undefined) return reply.integer(0);
  if (!replace && target.exists(destination)) return reply.integer(0);
  target.put(destination, cloneValue(value), db.expiresAt(source));
  reply.integer(1);
}
