/**
 * What the SIGKILL crash tests cannot see: whether walkv syncs before it
 * acknowledges. A killed process leaves its writes in the page cache, so those
 * tests would pass with no fsync at all; only a machine crash loses unsynced
 * data. So these tests run walkv under `strace -f` and check the order of its
 * system calls: under `--fsync always`, for every acknowledged SET over both
 * protocols, *record written to the WAL → fdatasync of the WAL → reply sent*,
 * and the WAL's directory synced after the WAL and lock file were created,
 * before the first reply; under `--fsync everysec`, every acknowledged write
 * synced within {@linkcode EVERYSEC_BOUND_MS}.
 *
 * What Deno 2.9.6 does (seen with strace): `FsFile.writeSync` is a `write` on
 * the WAL's fd from the main thread; `syncData` dups the fd
 * (`fcntl(F_DUPFD_CLOEXEC)`) and runs `fdatasync` on the dup in a worker
 * thread; replies are `sendto` on the accepted socket. The trace is read
 * with a table of open fds (openat, accept4, dups, close), so a write or sync
 * through any alias of the WAL counts, and `writev`, `pwrite64`, `sendmsg` or
 * `fsync` would be read too. A record counts as written once its write has
 * returned; a sync covers what was written before it began, and counts once
 * it has returned; a reply counts from the start of its send. Times come
 * from strace's monotonic clock (`-r`, summed), not the wall clock (`-ttt`),
 * which a clock adjustment can step backwards mid-trace; an exit time is
 * entry + `-T`, never past the next line strace printed, so times keep the
 * order in which strace saw the calls.
 *
 * Where strace cannot trace (not installed, or ptrace not permitted), the
 * tests are reported ignored, with the reason in their names, never passed.
 */
import { assert, assertEquals } from "@std/assert";
import { splitPath } from "../../src/io/split_path.ts";
import { lockPath } from "../../src/server/wal_files.ts";
import { respCall } from "../helpers/resp_reply.ts";
import {
  RawConnection,
  REPO_ROOT,
  request,
  type ServerProcess,
  startServer,
} from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const decoder = new TextDecoder();

/** Connections per protocol; each sends one SET at a time. */
const CLIENTS_PER_PROTOCOL = 4;
/** SETs per connection under `always`: 320 in all. */
const ALWAYS_WRITES = 40;
/** SETs per connection under `everysec`, spread over more than a second. */
const EVERYSEC_WRITES = 40;
const EVERYSEC_PAUSE_MS = 50;
/** Longest an acknowledged write may stay unsynced under `everysec`. */
const EVERYSEC_BOUND_MS = 2000;
/** How long every client together may take (strace slows walkv a lot). */
const WRITES_TIMEOUT_MS = 30_000;
/** Longest string strace prints; WAL writes here are far smaller. */
const STRACE_STRING_BYTES = 65536;
/**
 * The calls the check needs (`?`: names this architecture lacks are
 * skipped). Reads are left out, so strace does not print the source files.
 */
const TRACED_CALLS = [
  "?open",
  "?openat",
  "?creat",
  "close",
  "?dup",
  "?dup2",
  "dup3",
  "fcntl",
  "?accept",
  "accept4",
  "write",
  "writev",
  "pwrite64",
  "pwritev",
  "?pwritev2",
  "sendto",
  "sendmsg",
  "fsync",
  "fdatasync",
];
const WRITE_CALLS = new Set(["write", "writev", "pwrite64", "pwritev", "pwritev2"]);
const SEND_CALLS = new Set(["sendto", "sendmsg"]);
const SYNC_CALLS = new Set(["fsync", "fdatasync"]);

/** Null when strace can trace a process here; else why not. */
async function whyNoStrace(): Promise<string | null> {
  try {
    const output = await new Deno.Command("strace", {
      args: ["-f", "-o", "/dev/null", Deno.execPath(), "--version"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
      signal: AbortSignal.timeout(10_000),
    }).output();
    if (output.success) return null;
    return `strace cannot trace here (exit code ${output.code}): ` +
      decoder.decode(output.stderr).trim().split("\n")[0];
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return "strace is not installed";
    return `cannot run strace: ${error instanceof Error ? error.message : String(error)}`;
  }
}

const noStrace = await whyNoStrace();
if (noStrace !== null) console.warn(`syscall_order_test: tests ignored: ${noStrace}`);

// --- Reading strace's output -------------------------------------------------

/** One finished system call, times in µs since the trace began. */
interface Syscall {
  name: string;
  args: string;
  /** The return value; null for `?` (the process exited inside the call). */
  result: number | null;
  start: number;
  end: number;
}

function micros(seconds: string): number {
  const [whole, fraction = ""] = seconds.split(".");
  return Number(whole) * 1e6 + Number(fraction.padEnd(9, "0").slice(0, 9)) / 1e3;
}

/**
 * Parses `strace -f -r -T` output (nanosecond precision) into calls in the
 * order they returned, joining each `<unfinished ...>` with its
 * `<... resumed>`. A line's time is the sum of the deltas so far. A call's
 * end is the later of entry + duration and the resumed line's time, but no
 * later than the next line's: strace printed that line after the call
 * returned, so no call can seem to start before another it followed.
 */
function parseTrace(text: string): Syscall[] {
  const calls: Syscall[] = [];
  /** For each call, the index of the line after its last, to clamp its end. */
  const nextLine: number[] = [];
  const lineTimes: number[] = [];
  const pending = new Map<string, { name: string; start: number; args: string }>();
  const head = /^(\d+)\s+(\d+\.\d+) (.*)$/;
  let clock = 0;
  for (const line of text.split("\n")) {
    const match = head.exec(line);
    if (!match) continue;
    const [, tid, time, rest] = match;
    clock += micros(time);
    const at = clock;
    lineTimes.push(at);
    if (rest.endsWith(" <unfinished ...>") && !rest.startsWith("<...")) {
      const open = rest.indexOf("(");
      pending.set(tid, {
        name: rest.slice(0, open),
        start: at,
        args: rest.slice(open + 1, -" <unfinished ...>".length),
      });
      continue;
    }
    let name: string, start: number, body: string;
    const resumed = /^<\.\.\. (\w+) resumed>(.*)$/.exec(rest);
    if (resumed) {
      const begun = pending.get(tid);
      pending.delete(tid);
      if (!begun || begun.name !== resumed[1]) continue;
      ({ name, start } = begun);
      body = begun.args + resumed[2];
    } else {
      const open = rest.indexOf("(");
      if (open <= 0 || !/^\w+$/.test(rest.slice(0, open))) continue; // signals, exits
      name = rest.slice(0, open);
      start = at;
      body = rest.slice(open + 1);
    }
    // With -xx every byte of a string is \xHH, so ") = " cannot occur inside
    // one; strace pads short calls with spaces before the "=".
    let split = -1;
    let after = 0;
    for (const end of body.matchAll(/\)\s+= /g)) {
      split = end.index;
      after = end.index + end[0].length;
    }
    if (split === -1) continue;
    const outcome = /^(-?\d+|\?)(?:.*<(\d+\.\d+)>)?$/.exec(body.slice(after));
    if (!outcome) continue;
    const duration = outcome[2] ? micros(outcome[2]) : 0;
    calls.push({
      name,
      args: body.slice(0, split),
      result: outcome[1] === "?" ? null : Number(outcome[1]),
      start,
      end: Math.max(start + duration, resumed ? at : 0),
    });
    nextLine.push(lineTimes.length);
  }
  for (let i = 0; i < calls.length; i++) {
    const next = lineTimes[nextLine[i]];
    if (next !== undefined && calls[i].end > next) calls[i].end = next;
  }
  return calls;
}

/** The bytes of every quoted string in `args`, joined; throws if strace cut one short. */
function quotedBytes(args: string, what: string): Uint8Array {
  const parts: number[] = [];
  for (const match of args.matchAll(/"((?:\\x[0-9a-f]{2})*)"(\.\.\.)?/g)) {
    if (match[2]) {
      throw new RangeError(`strace cut a string of ${what} short; raise STRACE_STRING_BYTES`);
    }
    for (let i = 0; i < match[1].length; i += 4) {
      parts.push(parseInt(match[1].slice(i + 2, i + 4), 16));
    }
  }
  return new Uint8Array(parts);
}

function firstInteger(args: string): number {
  return Number(/^-?\d+/.exec(args)?.[0] ?? NaN);
}

/** What one fd of the traced process refers to; dups share the object. */
interface OpenFile {
  fd: number;
  /** For a file or directory: the path it was opened by. */
  path?: string;
  /** Whether it was opened with O_CREAT (the call that may have created it). */
  creating?: boolean;
  /** For an accepted connection: the client's port. */
  peerPort?: number;
}

/** An open call that returned at `end`. */
interface Opened {
  file: OpenFile;
  end: number;
}

/** A write or sync on an {@linkcode OpenFile}. */
interface FileEvent {
  file: OpenFile;
  kind: "write" | "sync";
  /** What a write wrote; decoded only when asked, for the files the test reads. */
  bytes(): Uint8Array;
  start: number;
  end: number;
}

function normalize(path: string, base: string): string {
  const parts: string[] = [];
  for (const part of (path.startsWith("/") ? path : `${base}/${path}`).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * Follows the fd table through the trace: what each fd names when it is
 * written or synced.
 */
function interpret(calls: Syscall[]): { opened: Opened[]; events: FileEvent[] } {
  const fds = new Map<number, OpenFile>();
  const opened: Opened[] = [];
  const events: FileEvent[] = [];
  for (const call of calls) {
    const { name, args, result } = call;
    if (result === null || result < 0) continue;
    if (name === "openat" || name === "open" || name === "creat") {
      const base = name === "openat" && !args.startsWith("AT_FDCWD")
        ? fds.get(firstInteger(args))?.path ?? "/nonexistent"
        : REPO_ROOT;
      const path = normalize(decoder.decode(quotedBytes(args, name)), base);
      const file = { fd: result, path, creating: name === "creat" || args.includes("O_CREAT") };
      fds.set(result, file);
      opened.push({ file, end: call.end });
    } else if (name === "accept" || name === "accept4") {
      const port = /sin6?_port=htons\((\d+)\)/.exec(args);
      fds.set(result, { fd: result, peerPort: port ? Number(port[1]) : undefined });
    } else if (
      name === "dup" || name === "dup2" || name === "dup3" ||
      (name === "fcntl" && /^\d+, F_DUPFD/.test(args))
    ) {
      const file = fds.get(firstInteger(args));
      if (file) fds.set(result, file);
      else fds.delete(result);
    } else if (name === "close") {
      fds.delete(firstInteger(args));
    } else if (WRITE_CALLS.has(name) || SEND_CALLS.has(name) || SYNC_CALLS.has(name)) {
      const file = fds.get(firstInteger(args));
      if (!file) continue;
      const sync = SYNC_CALLS.has(name);
      const bytes = () => sync ? new Uint8Array(0) : quotedBytes(args, name).subarray(0, result);
      events.push({ file, kind: sync ? "sync" : "write", bytes, start: call.start, end: call.end });
    }
  }
  return { opened, events };
}

// --- The traced server ---------------------------------------------------------

/** walkv under strace, with the pid of walkv itself (strace's child). */
interface TracedServer extends AsyncDisposable {
  server: ServerProcess;
  pid: number;
  /** SIGTERM to walkv (strace blocks it), then waits for both to exit. */
  stop(): Promise<Deno.CommandStatus>;
}

/**
 * Starts walkv under strace, tracing into `tracePath`. A shell prints its own
 * pid and then becomes walkv, so the test knows which process to signal and
 * whose `/proc/PID/fd` to read (Deno itself may not read `/proc/PID` without
 * --allow-all).
 */
async function startTraced(
  walDir: string,
  tracePath: string,
  args: string[],
): Promise<TracedServer> {
  const server = await startServer({
    walDir,
    commandPrefix: [
      "strace",
      "-f",
      "--relative-timestamps=ns",
      "--syscall-times=ns",
      "-xx",
      "-s",
      String(STRACE_STRING_BYTES),
      "-e",
      `trace=${TRACED_CALLS.join(",")}`,
      "-e",
      "signal=none",
      "-o",
      tracePath,
      "sh",
      "-c",
      'echo "walkv pid $$"; exec "$@"',
      "sh",
    ],
    args,
  });
  const pid = Number(/^walkv pid (\d+)$/m.exec(server.stdoutText())?.[1]);
  let stopped = false;
  const signal = (sig: Deno.Signal) => {
    try {
      Deno.kill(pid, sig);
    } catch { /* already gone */ }
  };
  return {
    server,
    pid,
    stop() {
      stopped = true;
      signal("SIGTERM");
      return server.exited();
    },
    async [Symbol.asyncDispose]() {
      // strace blocks fatal signals and would leave walkv running, holding its pipes.
      if (!stopped) signal("SIGKILL");
      await server[Symbol.asyncDispose]();
    },
  };
}

/**
 * The fd of each of `paths` in process `pid`, from `readlink /proc/PID/fd/*`
 * (run by a shell: Deno refuses to read another process's `/proc` entries
 * without --allow-all).
 */
async function fdsOf(pid: number, paths: string[]): Promise<Map<string, number>> {
  const output = await new Deno.Command("sh", {
    args: [
      "-c",
      'cd "/proc/$1/fd" && for fd in *; do echo "$fd $(readlink "$fd")"; done',
      "sh",
      String(pid),
    ],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(`cannot list /proc/${pid}/fd: ${decoder.decode(output.stderr).trim()}`);
  }
  const wanted = new Map<string, string>();
  for (const path of paths) wanted.set(await Deno.realPath(path), path);
  const found = new Map<string, number>();
  for (const line of decoder.decode(output.stdout).split("\n")) {
    const space = line.indexOf(" ");
    const path = wanted.get(line.slice(space + 1));
    if (space > 0 && path !== undefined) found.set(path, Number(line.slice(0, space)));
  }
  return found;
}

// --- The clients ----------------------------------------------------------------

/** One connection's SETs, in the order sent, and the port it sent them from. */
interface ClientLog {
  protocol: "text" | "RESP";
  port: number;
  keys: string[];
  values: string[];
}

/**
 * Runs {@linkcode CLIENTS_PER_PROTOCOL} text and as many RESP connections at
 * once, each sending `writes` SETs one at a time with unique keys and values
 * (no key or value is a substring of another, so each is found in the WAL by
 * its bytes), and checks each got `+OK`.
 */
async function runClients(port: number, writes: number, pauseMs: number): Promise<ClientLog[]> {
  const client = async (protocol: "text" | "RESP", id: number): Promise<ClientLog> => {
    using connection = await RawConnection.connect(port);
    const log: ClientLog = {
      protocol,
      port: (connection.conn.localAddr as Deno.NetAddr).port,
      keys: [],
      values: [],
    };
    for (let n = 0; n < writes; n++) {
      const key = `key-${protocol}${id}-${n}.`;
      const value = `value-${protocol}${id}-${n}.`;
      if (protocol === "text") {
        assertEquals(await request(connection, `SET ${key} ${value}`), "+OK");
      } else {
        assertEquals(await respCall(connection, "SET", key, value), "+OK\r\n");
      }
      log.keys.push(key);
      log.values.push(value);
      if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
    return log;
  };
  const clients: Promise<ClientLog>[] = [];
  for (let id = 0; id < CLIENTS_PER_PROTOCOL; id++) {
    clients.push(client("text", id), client("RESP", id));
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`clients took longer than ${WRITES_TIMEOUT_MS} ms`)),
      WRITES_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([Promise.all(clients), timeout]);
  } finally {
    clearTimeout(timer);
    await Promise.allSettled(clients);
  }
}

// --- Matching writes, syncs and replies ---------------------------------------

/** A byte stream put together from timed writes, to find when a byte was written. */
class TimedStream {
  readonly #chunks: { at: number; start: number; end: number }[] = [];
  #text = "";

  /** Appends `bytes`, written by a call running from `start` to `end`. */
  add(bytes: Uint8Array, start: number, end: number): void {
    this.#chunks.push({ at: this.#text.length, start, end });
    let text = "";
    for (const byte of bytes) text += String.fromCharCode(byte);
    this.#text += text;
  }

  /** The offset of ASCII `needle` at or after `from`, or -1. */
  indexOf(needle: string, from = 0): number {
    return this.#text.indexOf(needle, from);
  }

  /** The call that wrote the byte at `offset`. */
  writerOf(offset: number): { start: number; end: number } {
    let low = 0;
    let high = this.#chunks.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.#chunks[mid].at <= offset) low = mid;
      else high = mid - 1;
    }
    return this.#chunks[low];
  }

  get text(): string {
    return this.#text;
  }
}

/** One acknowledged SET: when its record was written and its reply began to go out. */
interface Acknowledged {
  label: string;
  written: number;
  replied: number;
}

/**
 * Finds, for each SET of `clients`, when its record was written (the return
 * of the WAL write holding the newline that ends it) and when its reply
 * began to go out (the send holding the reply's first byte); the n-th reply
 * on a connection answers its n-th SET, as none was pipelined. Each problem
 * found starts with the client's protocol.
 */
function acknowledged(
  clients: ClientLog[],
  wal: TimedStream,
  sent: Map<number, TimedStream>,
): { acks: Acknowledged[]; problems: string[] } {
  const acks: Acknowledged[] = [];
  const problems: string[] = [];
  for (const client of clients) {
    const who = `${client.protocol} client on port ${client.port}`;
    const replies = sent.get(client.port);
    if (!replies) {
      problems.push(`${who}: no socket in the trace sent it anything`);
      continue;
    }
    const ok = client.protocol === "text" ? "+OK\n" : "+OK\r\n";
    let replyAt = 0;
    for (let n = 0; n < client.keys.length; n++, replyAt += ok.length) {
      const label = `${client.protocol} SET ${client.keys[n]}`;
      if (!replies.text.startsWith(ok, replyAt)) {
        const found = JSON.stringify(replies.text.slice(replyAt, replyAt + 20));
        problems.push(`${label}: reply ${n} on its socket is ${found}`);
        break;
      }
      const keyAt = wal.indexOf(client.keys[n]);
      const valueAt = keyAt === -1 ? -1 : wal.indexOf(client.values[n], keyAt);
      const endAt = valueAt === -1 ? -1 : wal.indexOf("\n", valueAt);
      if (endAt === -1) {
        problems.push(`${label}: no write to the WAL holds its whole record`);
        continue;
      }
      acks.push({
        label,
        written: wal.writerOf(endAt).end,
        replied: replies.writerOf(replyAt).start,
      });
    }
    if (replyAt < replies.text.length) {
      problems.push(`${who}: sent ${replies.text.length - replyAt} bytes beyond its replies`);
    }
  }
  return { acks, problems };
}

/** Everything the checks need from one trace. */
interface TraceFacts {
  wal: TimedStream;
  walSyncs: { start: number; end: number }[];
  sent: Map<number, TimedStream>;
  opened: Opened[];
  events: FileEvent[];
  /** The first µs of the trace, to print times relative to it. */
  origin: number;
}

/**
 * Reads the trace; the WAL is the file the trace shows opened from `walPath`
 * as the fd that `/proc/PID/fd` showed naming it.
 */
function readTrace(text: string, walPath: string, walFd: number): TraceFacts {
  const calls = parseTrace(text);
  assert(calls.length > 0, "the trace holds no system calls");
  const { opened, events } = interpret(calls);
  const opens = opened.filter(({ file }) => file.path === walPath && file.fd === walFd);
  assertEquals(opens.length, 1, `the trace should open "${walPath}" as fd ${walFd} once`);
  const walFile = opens[0].file;
  const wal = new TimedStream();
  const walSyncs: { start: number; end: number }[] = [];
  const sent = new Map<number, TimedStream>();
  for (const event of events) {
    const isWal = event.file === walFile; // the open's object, shared by its dups
    if (isWal && event.kind === "write") wal.add(event.bytes(), event.start, event.end);
    else if (isWal) walSyncs.push(event);
    else if (event.file.peerPort !== undefined && event.kind === "write") {
      const stream = sent.get(event.file.peerPort) ?? new TimedStream();
      stream.add(event.bytes(), event.start, event.end);
      sent.set(event.file.peerPort, stream);
    }
  }
  return { wal, walSyncs, sent, opened, events, origin: calls[0].start };
}

function ms(micros: number): string {
  return `${(micros / 1000).toFixed(3)} ms`;
}

/** The first sync that started once `written` had returned, or undefined. */
function firstSyncAfter(syncs: { start: number; end: number }[], written: number) {
  return syncs.find((sync) => sync.start >= written);
}

/** Runs clients against a traced walkv with `--fsync <policy>`; returns the trace's facts. */
async function traceWrites(
  policy: "always" | "everysec",
  writes: number,
  pauseMs: number,
  idleAfterMs: number,
): Promise<
  { facts: TraceFacts; clients: ClientLog[]; walPath: string; walFd: number; lockFd?: number }
> {
  await using walDir = await tempDir();
  await using traceDir = await tempDir();
  const tracePath = `${traceDir.path}/trace`;
  await using traced = await startTraced(walDir.path, tracePath, ["--fsync", policy]);
  const walPath = traced.server.walPath;
  const fds = await fdsOf(traced.pid, [walPath, lockPath(walPath)]);
  const walFd = fds.get(walPath);
  if (walFd === undefined) throw new Error(`no fd of walkv (pid ${traced.pid}) names "${walPath}"`);
  const clients = await runClients(traced.server.port, writes, pauseMs);
  await new Promise((resolve) => setTimeout(resolve, idleAfterMs));
  const status = await traced.stop();
  assertEquals(status.code, 0, traced.server.stderrText());
  const facts = readTrace(await Deno.readTextFile(tracePath), walPath, walFd);
  return { facts, clients, walPath, walFd, lockFd: fds.get(lockPath(walPath)) };
}

/**
 * One line per acknowledged SET whose reply went out without an fdatasync of
 * the WAL between its record's write and the reply; also the smallest gap
 * seen between a covering sync's end and its reply.
 */
function unsyncedReplies(facts: TraceFacts, acks: Acknowledged[]) {
  const unsynced: string[] = [];
  let tightest = Infinity;
  for (const ack of acks) {
    const sync = facts.walSyncs.findLast((sync) =>
      sync.start >= ack.written && sync.end <= ack.replied
    );
    if (sync) {
      tightest = Math.min(tightest, ack.replied - sync.end);
      continue;
    }
    const next = firstSyncAfter(facts.walSyncs, ack.written);
    const ran = next
      ? `ran ${ms(next.start - facts.origin)}–${ms(next.end - facts.origin)}`
      : "never ran";
    unsynced.push(
      `${ack.label}: record written at ${ms(ack.written - facts.origin)}, reply sent at ` +
        `${ms(ack.replied - facts.origin)}; the first fdatasync after the write ${ran}`,
    );
  }
  return { unsynced, tightest };
}

/**
 * Null if the WAL's directory was synced after the WAL and its lock file were
 * opened with O_CREAT and before the first reply; else what the trace shows.
 */
function directorySyncProblem(facts: TraceFacts, walPath: string): string | null {
  const { directory } = splitPath(walPath);
  const created = facts.opened.filter(({ file }) =>
    file.creating && (file.path === walPath || file.path === lockPath(walPath))
  );
  if (new Set(created.map(({ file }) => file.path)).size !== 2) {
    return `the trace shows no O_CREAT open of both the WAL and its lock file: ` +
      JSON.stringify(created.map(({ file }) => file.path));
  }
  const createdAt = Math.max(...created.map(({ end }) => end));
  const replies = facts.events.filter((event) =>
    event.file.peerPort !== undefined && event.kind === "write"
  );
  if (replies.length === 0) return "the trace shows no reply";
  const firstReply = Math.min(...replies.map((event) => event.start));
  const syncs = facts.events.filter((event) =>
    event.kind === "sync" && event.file.path === directory
  );
  if (syncs.some((sync) => sync.start >= createdAt && sync.end <= firstReply)) return null;
  return `no fsync/fdatasync of "${directory}" between the creation of the WAL and its ` +
    `lock file (${ms(createdAt - facts.origin)}) and the first reply ` +
    `(${ms(firstReply - facts.origin)}); its syncs started at ` +
    JSON.stringify(syncs.map((sync) => ms(sync.start - facts.origin)));
}

Deno.test({
  name: "--fsync always sends every reply after the fdatasync of its record, " +
    "and syncs the WAL's directory first (strace, text and RESP)" +
    (noStrace === null ? "" : ` (ignored: ${noStrace})`),
  ignore: noStrace !== null,
  async fn(t) {
    const trace = await traceWrites("always", ALWAYS_WRITES, 0, 0);
    const { facts } = trace;
    const { acks, problems } = acknowledged(trace.clients, facts.wal, facts.sent);
    let tightest = Infinity;
    for (const protocol of ["text", "RESP"] as const) {
      await t.step(`${protocol} SET replies follow the fdatasync of their record`, () => {
        assertEquals(problems.filter((problem) => problem.startsWith(protocol)), []);
        const mine = acks.filter((ack) => ack.label.startsWith(protocol));
        assertEquals(mine.length, CLIENTS_PER_PROTOCOL * ALWAYS_WRITES);
        const found = unsyncedReplies(facts, mine);
        tightest = Math.min(tightest, found.tightest);
        assertEquals(
          found.unsynced.slice(0, 5),
          [],
          `${found.unsynced.length} of ${mine.length} replies went out unsynced`,
        );
      });
    }
    await t.step(
      "the WAL's directory is synced after the WAL and lock file are created, " +
        "before the first reply",
      () => assertEquals(directorySyncProblem(facts, trace.walPath), null),
    );
    console.log(
      `syscall_order_test: always: ${acks.length} acknowledged SETs, ` +
        `${facts.walSyncs.length} WAL syncs (WAL fd ${trace.walFd}, lock fd ${trace.lockFd}); ` +
        `tightest gap from a sync's end to its reply: ${ms(tightest)}`,
    );
  },
});

Deno.test({
  name: `--fsync everysec syncs every acknowledged write within ${EVERYSEC_BOUND_MS} ms ` +
    "(strace, text and RESP)" + (noStrace === null ? "" : ` (ignored: ${noStrace})`),
  ignore: noStrace !== null,
  async fn() {
    const { facts, clients } = await traceWrites(
      "everysec",
      EVERYSEC_WRITES,
      EVERYSEC_PAUSE_MS,
      EVERYSEC_BOUND_MS + 500,
    );
    const { acks, problems } = acknowledged(clients, facts.wal, facts.sent);
    assertEquals(problems, []);
    assertEquals(acks.length, 2 * CLIENTS_PER_PROTOCOL * EVERYSEC_WRITES);
    let longest = 0;
    const late: string[] = [];
    for (const ack of acks) {
      const sync = firstSyncAfter(facts.walSyncs, ack.written);
      const lag = sync ? sync.end - ack.replied : Infinity;
      longest = Math.max(longest, lag);
      if (lag > EVERYSEC_BOUND_MS * 1000) {
        late.push(
          `${ack.label}: acknowledged at ${ms(ack.replied - facts.origin)}, ` +
            (sync ? `first synced at ${ms(sync.end - facts.origin)}` : "never synced"),
        );
      }
    }
    const replied = acks.map((ack) => ack.replied);
    const span = Math.max(...replied) - Math.min(...replied);
    assert(span > 1_000_000, `the writes spanned only ${ms(span)}; the test needs over a second`);
    assertEquals(
      late.slice(0, 5),
      [],
      `${late.length} of ${acks.length} writes stayed unsynced too long`,
    );
    console.log(
      `syscall_order_test: everysec: ${acks.length} acknowledged SETs over ${ms(span)}, ` +
        `${facts.walSyncs.length} WAL syncs; longest from a reply to its sync: ${ms(longest)}`,
    );
  },
});
