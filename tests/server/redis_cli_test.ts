/**
 * walkv against a real redis-server (7.0.15, 16 databases), reply for reply
 * on the wire: one scripted session is sent to both over raw sockets, each
 * step as the RESP request redis-cli would send for that line, and the exact
 * reply bytes must match once the few answers Redis leaves unordered or
 * time-dependent are normalised. Comparing bytes, not redis-cli's printout,
 * is what catches a reply of the wrong type: redis-cli prints `1` for both
 * `:1` and `$1 1`, `PONG` for both `+PONG` and a bulk `PONG`, and flattens
 * nested arrays. Then what is about redis-cli itself, run as a tool against
 * walkv: `--no-raw` quoting, `-x` and `--pipe` with binary values, `--scan`
 * to completion, and the clock, INFO, RANDOMKEY and QUIT through it.
 */
import { assert, assertEquals, assertMatch, assertStringIncludes, assertThrows } from "@std/assert";
import { binaryFromBytes } from "../../src/io/binary.ts";
import { runRedisTool, startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, type ServerProcess, startServer } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/**
 * How one step's reply is made comparable: `sort` the elements of an array
 * reply whose order Redis leaves to its hash table (KEYS), `round` an
 * integer reply of milliseconds (PTTL) to the nearest second, `digits` for
 * ids, versions and counters that differ between two servers (every digit
 * run becomes `N`, bulk lengths included; the type bytes `+ - : $ *` stay).
 */
type Normalise = "exact" | "sort" | "round" | "digits";

/** One line of the session: the command as typed at redis-cli, and its normalisation. */
interface Step {
  line: string;
  normalise: Normalise;
}

function step(line: string, normalise: Normalise = "exact"): Step {
  return { line, normalise };
}

/** How long one step may take to answer before it counts as unanswered. */
const STEP_TIMEOUT_MS = 2_000;

/**
 * The scripted session, each line as typed at redis-cli's prompt (so
 * "a\x00b\r\n" in double quotes is the bytes a, NUL, b, CR, LF; see
 * {@linkcode splitArgs}). Both servers have 16 databases.
 */
const SESSION: Step[] = [
  step("FLUSHALL"),
  step("DBSIZE"),
  // Connection commands.
  step("PING"),
  step('PING "hello world"'),
  step("ECHO"),
  step('ECHO "a\\x00b"'),
  step("SELECT 0"),
  step("SELECT 15"),
  step("SET in15 v"),
  step("DBSIZE"),
  step("SELECT 16"),
  step("SELECT -1"),
  step("SELECT abc"),
  step("GET in15"),
  step("SELECT 0"),
  step("GET in15"),
  step("SELECT"),
  step("CLIENT SETNAME walkv-test"),
  step("CLIENT GETNAME"),
  step('CLIENT SETNAME "has space"'),
  step("CLIENT ID", "digits"),
  step("HELLO 2", "digits"),
  step("HELLO 2 SETNAME renamed", "digits"),
  step("CLIENT GETNAME"),
  // SET and GET, binary values included.
  step("SET plain value"),
  step("GET plain"),
  step("GET missing"),
  step('SET bin "a\\x00b\\r\\n"'),
  step("GET bin"),
  step("STRLEN bin"),
  step('SET "key with\\x00nul" "\\xff\\xfe\\x80"'),
  step('GET "key with\\x00nul"'),
  step("SET plain other GET"),
  step("SET plain again NX"),
  step("SET plain again XX"),
  step("GET plain"),
  step("SET fresh v XX"),
  step("SET fresh v NX GET"),
  step("SET k v NX XX"),
  step("SET k v EX"),
  step("SET k v EX abc"),
  step("SET k v EX 0"),
  step("SET k v PX -1"),
  step("SET k v EX 10 PX 10000"),
  step("SET k v BOGUS"),
  step("SET k"),
  step("GET"),
  step("GET a b"),
  // Setters with their own names.
  step("SETNX sn 1"),
  step("SETNX sn 2"),
  step("GET sn"),
  step("SETEX se 100 v"),
  step("TTL se"),
  step("SETEX se 0 v"),
  step("SETEX se -1 v"),
  step("SETEX se abc v"),
  step("PSETEX pse 100000 v"),
  step("TTL pse"),
  step("PSETEX pse 0 v"),
  step("GETSET sn 3"),
  step("GETSET nothing 1"),
  step("GET sn"),
  step("GETDEL sn"),
  step("GETDEL sn"),
  step("EXISTS sn"),
  // The INCR family.
  step("INCR counter"),
  step("INCR counter"),
  step("INCRBY counter 10"),
  step("DECR counter"),
  step("DECRBY counter 5"),
  step("INCRBY counter -3"),
  step("DECRBY counter -100"),
  step("GET counter"),
  step("TYPE counter"),
  step("INCRBY counter abc"),
  step("INCRBY counter 1.5"),
  step("INCR plain"),
  step('SET spaced " 1"'),
  step("INCR spaced"),
  step("SET zeros 007"),
  step("INCR zeros"),
  step("SET negzero -0"),
  step("INCR negzero"),
  step("SET plus +5"),
  step("INCR plus"),
  step("INCR"),
  step("INCRBY counter"),
  step("INCRBYFLOAT fl 1.5"),
  step("INCRBYFLOAT fl 0.1"),
  step("INCRBYFLOAT fl -1.6"),
  step("INCRBYFLOAT fl 1e3"),
  step("INCRBYFLOAT fl 5.0e-1"),
  step("GET fl"),
  step("INCRBYFLOAT fl abc"),
  step("INCRBYFLOAT fl inf"),
  step("INCRBYFLOAT plain 1"),
  step("INCRBYFLOAT counter 2.5"),
  // APPEND and STRLEN.
  step("APPEND app hello"),
  step('APPEND app " \\x00world"'),
  step("GET app"),
  step("STRLEN app"),
  step("STRLEN missing"),
  step("APPEND counter 0"),
  step("INCR counter"),
  // MSET, MGET, MSETNX.
  step("MSET m1 one m2 two m3 three"),
  step("MGET m1 missing m2 m3 bin"),
  step("MSET m1"),
  step("MSET m1 a m2"),
  step("MSETNX m1 x new1 y"),
  step("GET new1"),
  step("MSETNX new1 x new2 y"),
  step("MGET new1 new2"),
  step("MSET dup 1 dup 2"),
  step("GET dup"),
  step("MGET"),
  // EXISTS, DEL, UNLINK, TYPE.
  step("EXISTS m1 m2 missing m1"),
  step("DEL m1 missing m2"),
  step("EXISTS m1 m2"),
  step("UNLINK m3 new1 new2 nothing"),
  step("TYPE plain"),
  step("TYPE missing"),
  step("DEL"),
  // TTLs, where the answer does not depend on the clock.
  step("SET t1 v EX 100"),
  step("TTL t1"),
  step("PTTL t1", "round"),
  step("SET t2 v PX 50000"),
  step("TTL t2"),
  step("EXPIRE t2 200"),
  step("TTL t2"),
  step("PEXPIRE t2 300000"),
  step("TTL t2"),
  step("PTTL t2", "round"),
  step("PERSIST t2"),
  step("TTL t2"),
  step("PTTL t2"),
  step("PERSIST t2"),
  step("PERSIST missing"),
  step("TTL missing"),
  step("PTTL missing"),
  step("EXPIRE missing 100"),
  step("EXPIRE t2 abc"),
  step("EXPIRE t2"),
  step("SET t3 v KEEPTTL"),
  step("TTL t3"),
  step("EXPIRE t3 100"),
  step("SET t3 w KEEPTTL"),
  step("TTL t3"),
  step("SET t3 x"),
  step("TTL t3"),
  step("EXPIRE t3 100 NX"),
  step("EXPIRE t3 100 NX"),
  step("EXPIRE t3 200 XX"),
  step("TTL t3"),
  step("EXPIRE t3 50 GT"),
  step("EXPIRE t3 500 GT"),
  step("TTL t3"),
  step("EXPIRE t3 50 LT"),
  step("TTL t3"),
  step("EXPIRE t3 50 NX XX"),
  step("EXPIRE t3 50 GT LT"),
  step("EXPIRE t3 50 BOGUS"),
  step("EXPIRE t1 0"),
  step("EXISTS t1"),
  step("SET t4 v"),
  step("EXPIRE t4 -5"),
  step("GET t4"),
  step("SET t5 v"),
  step("EXPIREAT t5 1"),
  step("EXISTS t5"),
  step("SET t6 v"),
  step("PEXPIREAT t6 1000"),
  step("EXISTS t6"),
  step("SET t7 v"),
  step("EXPIREAT t7 4102444800"),
  step("TYPE t7"),
  step("PEXPIREAT t7 4102444800000"),
  step("SET t8 v EXAT 4102444800"),
  step("SET t9 v PXAT 4102444800000"),
  step("SET t10 v EXAT 1"),
  step("EXISTS t8 t9 t10"),
  step("GETEX t9"),
  step("GETEX t9 EX 100"),
  step("TTL t9"),
  step("GETEX t9 PX 200000"),
  step("TTL t9"),
  step("GETEX t9 PERSIST"),
  step("TTL t9"),
  step("GETEX t9 EXAT 4102444800"),
  step("GETEX missing EX 100"),
  step("GETEX t9 EX 0"),
  step("GETEX t9 EX 10 PX 100"),
  step("GETEX t9 BOGUS"),
  // RENAME and RENAMENX, TTL included.
  step("SET r1 v EX 100"),
  step("RENAME r1 r2"),
  step("TTL r2"),
  step("EXISTS r1"),
  step("RENAME r1 r3"),
  step("RENAME r2 r2"),
  step("SET r4 w"),
  step("RENAMENX r2 r4"),
  step("RENAMENX r2 r5"),
  step("MGET r2 r4 r5"),
  step("RENAMENX missing r6"),
  step("RENAME r5"),
  // KEYS, whose order is the hash table's.
  step("FLUSHALL"),
  step("MSET hello 1 hallo 2 hxllo 3 hllo 4 heeello 5 h*llo 6 other 7"),
  step("KEYS *", "sort"),
  step("KEYS h?llo", "sort"),
  step("KEYS h*llo", "sort"),
  step("KEYS h[ae]llo", "sort"),
  step("KEYS h[^e]llo", "sort"),
  step("KEYS h[a-b]llo", "sort"),
  step("KEYS h\\*llo", "sort"),
  step("KEYS nomatch*"),
  step("DBSIZE"),
  // SCAN on one key is deterministic; --scan below runs it to completion.
  step("FLUSHDB"),
  step("SET only 1"),
  step("SCAN 0"),
  step("SCAN 0 MATCH o*"),
  step("SCAN 0 MATCH x*"),
  step("SCAN 0 COUNT 100 TYPE string"),
  step("SCAN 0 TYPE list"),
  step("SCAN abc"),
  step("SCAN 0 COUNT 0"),
  step("SCAN 0 COUNT abc"),
  step("SCAN 0 BOGUS"),
  step("SCAN"),
  // Server introspection, where the answers do not depend on the server's history.
  step("INFO keyspace", "digits"),
  step("CONFIG GET databases"),
  step("CONFIG GET maxmemory"),
  step("CONFIG GET maxmemory-policy"),
  step("CONFIG GET save"),
  step("CONFIG GET timeout"),
  step("CONFIG GET no-such-parameter"),
  step("CONFIG RESETSTAT"),
  step("CONFIG"),
  step("CONFIG NOSUCH"),
  step("CLIENT NOSUCH"),
  step("COMMAND COUNT", "digits"),
  step("TIME extra"),
  // Errors that name the command, and the unknown.
  step("FOOBAR"),
  step("FOOBAR a b"),
  step('FOOBAR "a\\r\\nb"'),
  step("ECHO a b"),
  step("PING a b"),
  step("DBSIZE extra"),
  step("FLUSHALL bogus"),
  step("FLUSHALL SYNC"),
  step("DBSIZE"),
];

/** Databases: what SELECT scopes, and the commands that move keys between them. */
const DATABASES_SESSION: Step[] = [
  step("FLUSHALL"),
  step("CONFIG GET databases"),
  step("SET shared zero"),
  step("SELECT 1"),
  step("GET shared"),
  step("SET shared one"),
  step("SET only1 x EX 100"),
  step("DBSIZE"),
  step("KEYS *", "sort"),
  step("SELECT 0"),
  step("GET shared"),
  step("DBSIZE"),
  step("INFO keyspace", "digits"),
  step("MOVE shared 1"),
  step("MOVE missing 1"),
  step("MOVE shared 0"),
  step("MOVE shared 16"),
  step("MOVE shared abc"),
  step("SELECT 1"),
  step("MOVE only1 2"),
  step("SELECT 2"),
  step("TTL only1"),
  step("SWAPDB 0 2"),
  step("GET only1"),
  step("GET shared"),
  step("SWAPDB 0 16"),
  step("SWAPDB 0 abc"),
  step("SWAPDB 0"),
  step("SELECT 0"),
  step("GET only1"),
  step("FLUSHDB"),
  step("DBSIZE"),
  step("SELECT 1"),
  step("DBSIZE"),
  step("FLUSHALL"),
  step("DBSIZE"),
  step("SELECT 15"),
  step("SET last 1"),
  step("RENAME last still15"),
  step("EXISTS still15"),
  step("SELECT 0"),
  step("EXISTS still15"),
  step("SELECT 15"),
  step("GET still15"),
];

/**
 * Splits `line` into arguments the way redis-cli's prompt does (Redis's
 * `sdssplitargs`): white space separates arguments; in double quotes `\xHH`
 * is that byte, `\n \r \t \b \a` are control characters and `\` before
 * anything else is that character; in single quotes only `\'` is special;
 * a closing quote must be followed by white space or the end. Outside quotes
 * a backslash is an ordinary character (`h\*llo` is those six bytes).
 *
 * @throws {SyntaxError} for an unbalanced quote or a quote followed by
 *   something else, which redis-cli refuses as "Invalid argument(s)".
 */
function splitArgs(line: string): Uint8Array[] {
  const input = new TextEncoder().encode(line);
  const isSpace = (byte: number | undefined) =>
    byte === 0x20 || (byte !== undefined && byte >= 0x09 && byte <= 0x0d);
  const hex = (byte: number | undefined) => {
    if (byte === undefined) return -1;
    const char = String.fromCharCode(byte);
    return /^[0-9a-fA-F]$/.test(char) ? parseInt(char, 16) : -1;
  };
  const escapes: Record<string, number> = { n: 0x0a, r: 0x0d, t: 0x09, b: 0x08, a: 0x07 };
  const args: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    while (isSpace(input[at])) at++;
    if (at >= input.length) return args;
    const current: number[] = [];
    let quote: "none" | "double" | "single" = "none";
    for (let done = false; !done;) {
      const byte = input[at];
      if (quote === "double") {
        if (byte === undefined) {
          throw new SyntaxError(`Unbalanced quotes in ${JSON.stringify(line)}`);
        }
        if (
          byte === 0x5c && input[at + 1] === 0x78 && hex(input[at + 2]) >= 0 &&
          hex(input[at + 3]) >= 0
        ) {
          current.push(hex(input[at + 2]) * 16 + hex(input[at + 3]));
          at += 3;
        } else if (byte === 0x5c && at + 1 < input.length) {
          at++;
          current.push(escapes[String.fromCharCode(input[at])] ?? input[at]);
        } else if (byte === 0x22) {
          if (at + 1 < input.length && !isSpace(input[at + 1])) {
            throw new SyntaxError(
              `A closing quote must be followed by a space in ${JSON.stringify(line)}`,
            );
          }
          done = true;
        } else {
          current.push(byte);
        }
      } else if (quote === "single") {
        if (byte === undefined) {
          throw new SyntaxError(`Unbalanced quotes in ${JSON.stringify(line)}`);
        }
        if (byte === 0x5c && input[at + 1] === 0x27) {
          at++;
          current.push(0x27);
        } else if (byte === 0x27) {
          if (at + 1 < input.length && !isSpace(input[at + 1])) {
            throw new SyntaxError(
              `A closing quote must be followed by a space in ${JSON.stringify(line)}`,
            );
          }
          done = true;
        } else {
          current.push(byte);
        }
      } else if (byte === undefined || isSpace(byte)) {
        done = true;
      } else if (byte === 0x22) {
        quote = "double";
      } else if (byte === 0x27) {
        quote = "single";
      } else {
        current.push(byte);
      }
      if (byte !== undefined) at++;
    }
    args.push(new Uint8Array(current));
  }
}

/** `bytes` as a binary string (one character per byte), so every byte survives a comparison. */
function binary(bytes: Uint8Array): string {
  return binaryFromBytes(bytes, 0, bytes.length);
}

/**
 * Reads exactly one RESP2 reply, nested arrays included, as a binary
 * string. Like `readRespReply` from `tests/helpers/resp_reply.ts`, but
 * without its UTF-8 decoding, which turns `\xff` and `\xfe` alike into
 * U+FFFD and so would hide a wrong byte in a binary value.
 */
async function readReply(connection: RawConnection, timeoutMs: number): Promise<string> {
  const header = binary(await connection.readReplies(1, timeoutMs));
  const type = header[0];
  if (type === "+" || type === "-" || type === ":") return header;
  const count = Number(header.slice(1, -2));
  if (!Number.isInteger(count) || !header.endsWith("\r\n") || (type !== "$" && type !== "*")) {
    throw new SyntaxError(`Expected a RESP reply header, found ${shown(header)}`);
  }
  if (count < 0) return header;
  let reply = header;
  if (type === "$") {
    // The body ends with CRLF, a line end, so reading whole lines lands on it.
    let received = 0;
    while (received < count + 2) {
      const line = await connection.readReplies(1, timeoutMs);
      received += line.length;
      reply += binary(line);
    }
  } else {
    for (let i = 0; i < count; i++) reply += await readReply(connection, timeoutMs);
  }
  return reply;
}

/** Where the RESP2 reply starting at `start` of `text` ends. */
function replyEnd(text: string, start: number): number {
  const lineEnd = text.indexOf("\r\n", start) + 2;
  const type = text[start];
  const count = Number(text.slice(start + 1, lineEnd - 2));
  if (type === "$" && count >= 0) return lineEnd + count + 2;
  if (type === "*" && count > 0) {
    let at = lineEnd;
    for (let i = 0; i < count; i++) at = replyEnd(text, at);
    return at;
  }
  return lineEnd;
}

/** `reply` made comparable as `how` says; a reply of another type than expected stays as it is. */
function normaliseReply(reply: string, how: Normalise): string {
  if (how === "digits") return reply.replace(/\d+/g, "N");
  if (how === "round" && /^:\d+\r\n$/.test(reply)) {
    return `:${Math.round(Number(reply.slice(1, -2)) / 1000) * 1000}\r\n`;
  }
  if (how === "sort" && /^\*\d+\r\n/.test(reply)) {
    const header = reply.slice(0, reply.indexOf("\r\n") + 2);
    const elements: string[] = [];
    for (let at = header.length; at < reply.length;) {
      const end = replyEnd(reply, at);
      elements.push(reply.slice(at, end));
      at = end;
    }
    return header + elements.sort().join("");
  }
  return reply;
}

/** A binary string as readable ASCII: CR and LF as `\r` `\n`, other unprintable bytes as `\xHH`. */
function shown(text: string): string {
  let result = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (char === "\r") result += "\\r";
    else if (char === "\n") result += "\\n";
    else if (char === "\\") result += "\\\\";
    else if (code >= 0x20 && code < 0x7f) result += char;
    else result += `\\x${code.toString(16).padStart(2, "0")}`;
  }
  return result;
}

/**
 * Sends each step to the server on `port` over one RESP connection and
 * returns each reply's exact bytes (a binary string). A step that gets no
 * whole reply within {@linkcode STEP_TIMEOUT_MS}, or whose connection is
 * closed, is recorded as `(no reply: …)` and the rest run on a new
 * connection, so one failure shows as one mismatch, not as all that follow.
 */
async function runSession(port: number, session: Step[]): Promise<string[]> {
  // Split first: a line redis-cli would refuse is a bug in the script, not a mismatch.
  const requests = session.map(({ line }) => frame(...splitArgs(line)));
  const replies: string[] = [];
  let connection = await RawConnection.connect(port);
  try {
    for (const request of requests) {
      try {
        await connection.send(request);
        replies.push(await readReply(connection, STEP_TIMEOUT_MS));
      } catch (error: unknown) {
        replies.push(`(no reply: ${error instanceof Error ? error.message : String(error)})`);
        connection.close();
        connection = await RawConnection.connect(port);
      }
    }
  } finally {
    connection.close();
  }
  return replies;
}

/** One step whose normalised replies differ. */
interface Mismatch {
  index: number;
  line: string;
  walkv: string;
  redis: string;
}

/** The steps whose replies, normalised as each step says, are not the same bytes. */
function mismatches(session: Step[], fromWalkv: string[], fromRedis: string[]): Mismatch[] {
  const found: Mismatch[] = [];
  session.forEach(({ line, normalise }, index) => {
    const walkv = normaliseReply(fromWalkv[index], normalise);
    const redis = normaliseReply(fromRedis[index], normalise);
    if (walkv !== redis) found.push({ index, line, walkv, redis });
  });
  return found;
}

/** Fails listing every mismatch, both sides' bytes shown, unless there are none. */
function assertSameReplies(session: Step[], fromWalkv: string[], fromRedis: string[]): void {
  assertEquals(fromWalkv.length, session.length);
  assertEquals(fromRedis.length, session.length);
  const found = mismatches(session, fromWalkv, fromRedis);
  if (found.length === 0) return;
  const report = found.map(({ index, line, walkv, redis }) =>
    `step ${index} \`${line}\`:\n  walkv: ${shown(walkv)}\n  redis: ${shown(redis)}`
  );
  throw new Error(
    `${found.length} of ${session.length} replies differ from redis-server's:\n${
      report.join("\n")
    }`,
  );
}

/**
 * walkv with 16 databases, as redis-server has by default. Until walkv takes
 * `--databases` (it exits with `unknown flag "--databases"`), it is started
 * without the flag, saying so, and the steps that need a second database
 * show up as mismatches. Drop the fallback once the flag has landed.
 */
async function startWalkv(walDir: string): Promise<ServerProcess> {
  try {
    return await startServer({ walDir, args: ["--databases", "16"] });
  } catch (error: unknown) {
    if (!(error instanceof Error) || !error.message.includes('unknown flag "--databases"')) {
      throw error;
    }
    console.warn('walkv refused "--databases 16"; comparing with walkv started without it');
    return await startServer({ walDir });
  }
}

/** Runs `session` on a fresh walkv and a fresh redis-server and compares the replies. */
async function compareSessions(session: Step[]): Promise<void> {
  await using dir = await tempDir();
  await using walkv = await startWalkv(dir.path);
  await using redis = await startRedisServer();
  const [fromWalkv, fromRedis] = await Promise.all([
    runSession(walkv.port, session),
    runSession(redis.port, session),
  ]);
  // Every step got a reply from Redis, so the script itself is sound.
  const unanswered = fromRedis.filter((reply) => reply.startsWith("(no reply"));
  assertEquals(unanswered, [], "redis-server left steps unanswered");
  assertSameReplies(session, fromWalkv, fromRedis);
}

Deno.test("raw replies: the session gets the same bytes from walkv as from redis-server", async () => {
  await compareSessions(SESSION);
});

Deno.test("raw replies: the INCR family agrees with redis-server at the 64-bit limits", async () => {
  await compareSessions([
    step("SET big 9223372036854775806"),
    step("INCR big"),
    step("INCR big"),
    step("GET big"),
    step("SET small -9223372036854775807"),
    step("DECR small"),
    step("DECR small"),
    step("DECRBY small 9223372036854775808"),
    step("INCRBY n 9223372036854775807"),
    step("INCRBY n 1"),
    step("DECRBY m -9223372036854775808"),
    step("SET unsafe 9007199254740993"),
    step("INCR unsafe"),
    step("INCRBY unsafe -9007199254740993"),
  ]);
});

Deno.test("raw replies: databases are scoped, moved and swapped as on redis-server", async () => {
  await compareSessions(DATABASES_SESSION);
});

Deno.test("raw replies: a reply of another type fails the comparison, normalised or not", () => {
  const one = (line: string, normalise: Normalise = "exact") => [step(line, normalise)];
  const differ = (steps: Step[], walkv: string, redis: string) =>
    assertThrows(() => assertSameReplies(steps, [walkv], [redis]), Error, "1 of 1 replies differ");
  differ(one("INCR n"), ":1\r\n", "$1\r\n1\r\n");
  differ(one("PING"), "$4\r\nPONG\r\n", "+PONG\r\n");
  differ(one("GET k"), "$0\r\n\r\n", "$-1\r\n");
  differ(one("GET k"), "$1\r\n\xfe\r\n", "$1\r\n\xff\r\n");
  differ(one("SCAN 0"), "*1\r\n$1\r\n0\r\n", "*1\r\n*1\r\n$1\r\n0\r\n");
  differ(one("HELLO 2", "digits"), ":5\r\n", "$1\r\n5\r\n");
  differ(one("PTTL k", "round"), "$5\r\n99998\r\n", ":99998\r\n");
  differ(one("KEYS *", "sort"), "*2\r\n$1\r\na\r\n:1\r\n", "*2\r\n$1\r\na\r\n$1\r\n1\r\n");
  // What the normalisations are there for still compares equal.
  assertSameReplies(one("PTTL k", "round"), [":99998\r\n"], [":100000\r\n"]);
  assertSameReplies(
    one("KEYS *", "sort"),
    ["*2\r\n$2\r\nbb\r\n$1\r\na\r\n"],
    ["*2\r\n$1\r\na\r\n$2\r\nbb\r\n"],
  );
  assertSameReplies(one("CLIENT ID", "digits"), [":17\r\n"], [":3\r\n"]);
});

Deno.test("raw replies: the session's lines split into the arguments redis-cli sends", async () => {
  // redis-cli stores each line's arguments as a list on redis-server, which
  // hands them back byte for byte: a check of splitArgs against redis-cli.
  await using redis = await startRedisServer();
  const lines = [...new Set([...SESSION, ...DATABASES_SESSION].map(({ line }) => line))];
  const input = lines.map((line, i) => `DEL split:${i}\nRPUSH split:${i} ${line}\n`).join("");
  await cli(redis.port, [], input);
  using connection = await RawConnection.connect(redis.port);
  for (const [i, line] of lines.entries()) {
    await connection.send(frame("LRANGE", `split:${i}`, "0", "-1"));
    const args = splitArgs(line);
    const expected = `*${args.length}\r\n` +
      args.map((arg) => `$${arg.length}\r\n${binary(arg)}\r\n`).join("");
    assertEquals(shown(await readReply(connection, STEP_TIMEOUT_MS)), shown(expected), line);
  }
  assertEquals(splitArgs(`a "b\\x41\\n" 'c\\'d' e"f g"`).map(binary), ["a", "bA\n", "c'd", "ef g"]);
  assertThrows(() => splitArgs('GET "unclosed'), SyntaxError);
  assertThrows(() => splitArgs('GET "a"b'), SyntaxError);
});

/** redis-cli's stdout as a binary string, so every byte survives the comparison. */
async function cli(port: number, args: string[], stdin?: string | Uint8Array): Promise<string> {
  const result = await runRedisTool("redis-cli", ["-p", String(port), ...args], { stdin });
  assertEquals(result.code, 0, `redis-cli ${args.join(" ")} failed: ${result.stderr}`);
  return binary(result.stdout);
}

Deno.test("redis-cli --no-raw quotes binary values the same on walkv as on redis-server", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  const input = [
    'SET bin "a\\x00b\\r\\n\\xff"',
    "GET bin",
    "MGET bin missing",
    "GET missing",
    "INCR n",
    "SET k v NX XX",
    "STRLEN bin",
    "KEYS bin",
    "",
  ].join("\n");
  const fromWalkv = await cli(walkv.port, ["--no-raw"], input);
  const fromRedis = await cli(redis.port, ["--no-raw"], input);
  assertEquals(fromWalkv.split("\n"), fromRedis.split("\n"));
  assertStringIncludes(fromWalkv, '"a\\x00b\\r\\n\\xff"\n');
  assertStringIncludes(fromWalkv, '1) "a\\x00b\\r\\n\\xff"\n2) (nil)\n');
  assertStringIncludes(fromWalkv, "(integer) 1\n");
  assertStringIncludes(fromWalkv, "(error) ERR syntax error\n");
});

Deno.test("redis-cli -x stores stdin with NUL, CR and LF bytes exactly", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const value = new Uint8Array([0x78, 0x00, 0x79, 0x0d, 0x0a, 0x7a, 0xff, 0x0a]);
  assertEquals(await cli(walkv.port, ["-x", "SET", "xkey"], value), "OK\n");
  assertEquals(await cli(walkv.port, ["--no-raw", "GET", "xkey"]), '"x\\x00y\\r\\nz\\xff\\n"\n');
  assertEquals(await cli(walkv.port, ["STRLEN", "xkey"]), "8\n");
  // Raw output is the bytes themselves, then redis-cli's newline.
  assertEquals(
    await cli(walkv.port, ["GET", "xkey"]),
    binaryFromBytes(value, 0, value.length) + "\n",
  );
});

Deno.test("redis-cli --pipe loads a RESP stream with binary values into walkv", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const encoder = new TextEncoder();
  const chunks: Uint8Array[] = [];
  const count = 500;
  const valueOf = (i: number) => new Uint8Array([i & 0xff, 0x00, 0x0d, 0x0a, 0x2a, i >> 8]);
  for (let i = 0; i < count; i++) {
    const key = `pipe:${i}`;
    const value = valueOf(i);
    chunks.push(
      encoder.encode(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n`),
    );
    chunks.push(value, encoder.encode("\r\n"));
  }
  chunks.push(encoder.encode("*2\r\n$4\r\nINCR\r\n$7\r\npipe:n0\r\n"));
  chunks.push(encoder.encode("*2\r\n$4\r\nINCR\r\n$6\r\npipe:0\r\n"));
  const stream = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const chunk of chunks) {
    stream.set(chunk, at);
    at += chunk.length;
  }
  const result = await runRedisTool("redis-cli", ["-p", String(walkv.port), "--pipe"], {
    stdin: stream,
  });
  // The last INCR hits a binary value: one error, and --pipe exits 1 for it.
  assertEquals(result.code, 1, result.stderr + result.stdoutText);
  assertStringIncludes(result.stdoutText, `errors: 1, replies: ${count + 2}`);
  assertStringIncludes(result.stderr, "ERR value is not an integer or out of range");
  for (const i of [0, 1, 255, 256, count - 1]) {
    const value = valueOf(i);
    assertEquals(
      await cli(walkv.port, ["GET", `pipe:${i}`]),
      binaryFromBytes(value, 0, value.length) + "\n",
    );
  }
  assertEquals(await cli(walkv.port, ["GET", "pipe:n0"]), "1\n");
  assertEquals(await cli(walkv.port, ["DBSIZE"]), `${count + 1}\n`);
});

Deno.test("redis-cli --scan walks every key on walkv as on redis-server", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  // 2 500 keys: many SCAN calls, with cursors that differ between the two.
  const lines: string[] = [];
  for (let i = 0; i < 2500; i += 100) {
    const pairs: string[] = [];
    for (let j = i; j < i + 100; j++) pairs.push(j % 3 === 0 ? `user:${j}` : `item:${j}`, `${j}`);
    lines.push(`MSET ${pairs.join(" ")}`);
  }
  const load = lines.join("\n") + "\n";
  await Promise.all([cli(walkv.port, [], load), cli(redis.port, [], load)]);
  for (
    const args of [["--scan"], ["--scan", "--pattern", "user:1*"], [
      "--scan",
      "--pattern",
      "item:*9",
    ]]
  ) {
    const [fromWalkv, fromRedis] = await Promise.all([
      cli(walkv.port, args),
      cli(redis.port, args),
    ]);
    const sorted = (text: string) => text.split("\n").filter((line) => line !== "").sort();
    // SCAN may repeat a key, never miss one; redis-cli prints what it gets.
    assertEquals([...new Set(sorted(fromWalkv))], sorted(fromRedis), args.join(" "));
  }
  assertEquals(await cli(walkv.port, ["DBSIZE"]), "2500\n");
});

Deno.test("redis-cli reads walkv's clock, INFO, RANDOMKEY and QUIT", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  const port = walkv.port;
  const [seconds, micros] = (await cli(port, ["TIME"])).trim().split("\n");
  assertMatch(seconds, /^\d+$/);
  assertMatch(micros, /^\d{1,6}$/);
  assert(Math.abs(Number(seconds) - Date.now() / 1000) < 60, `TIME said ${seconds}`);
  const info = await cli(port, ["INFO"]);
  assertStringIncludes(info, "redis_version:");
  assertEquals(await cli(port, ["RANDOMKEY"]), "\n");
  await cli(port, ["MSET", "a", "1", "b", "2"]);
  assert(["a\n", "b\n"].includes(await cli(port, ["RANDOMKEY"])));
  assertEquals(await cli(port, ["QUIT"]), "OK\n");
  assertEquals(await cli(port, ["PING"]), "PONG\n");
});
