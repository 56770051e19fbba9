/**
 * Pipelined writes on a disk that fills up in the middle of one read's
 * commands (issue 9, item 1). Every reply must tell the truth, as Redis's
 * `-MISCONF` does: `+OK` only for a write that is durable, an error only for
 * a write that was not applied (a write made durable by an earlier sync
 * keeps its `+OK`), and a read answers with a value only if that value is
 * durable. "Not applied" holds after a restart too: records of a failed
 * batch that reached the file before the disk filled must not replay.
 *
 * Each case runs on a 2 MiB tmpfs, emptied and filled until a few KiB are
 * left, then sends one batch in one `write`: small writes that fit, one too
 * large to fit, and reads of the keys the batch writes. Where the failure falls
 * depends on timing (the server may sync the first writes of a read before
 * it parses the rest, and a value larger than one read is parsed only after
 * the writes before it were answered), so the cases cover both "durable
 * before the failure" and "rolled back", and each reply is checked against
 * the state it claims: in memory, and after SIGKILL and a restart on the
 * same WAL with the space freed.
 *
 * Where `mount` is not allowed the tests are reported ignored, with the
 * reason in their names, never passed.
 */
import { assert, assertEquals } from "@std/assert";
import { concat, frame } from "../helpers/resp_frames.ts";
import { readRespReply, respCall } from "../helpers/resp_reply.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { mountSmallDisk, type SmallDisk, whyNoTmpfs } from "../helpers/tmpfs.ts";

const DISK_BYTES = 2 * 1024 * 1024;
/** How often each shape runs, each time on a fresh disk. */
const RUNS_PER_SHAPE = 3;
const KiB = 1024;
const encoder = new TextEncoder();

const noTmpfs = await whyNoTmpfs();
if (noTmpfs !== null) {
  console.warn(`disk_full_pipeline_test: disk-full tests ignored: ${noTmpfs}`);
}

/** One command of a batch. */
type Step =
  | { op: "SET"; key: string; value: string }
  | { op: "DEL"; key: string }
  | { op: "GET"; key: string };

/** A batch to send once the disk is full but for `roomBytes`. */
interface Shape {
  name: string;
  roomBytes: number;
  /** Keys set (durably) before the disk fills, each to `valueOf(key, 64)`. */
  before: string[];
  steps: Step[];
}

/** A value of `bytes` bytes that names its key, so a mix-up shows. */
function valueOf(key: string, bytes: number): string {
  return `${key}=`.padEnd(bytes, "v");
}

function set(key: string, bytes: number): Step {
  return { op: "SET", key, value: valueOf(key, bytes) };
}
function get(key: string): Step {
  return { op: "GET", key };
}
function del(key: string): Step {
  return { op: "DEL", key };
}

const SHAPES: Shape[] = [
  {
    name: "the issue's sequence: SET a <8000 bytes>, SET b x, GET a",
    roomBytes: 4 * KiB,
    before: [],
    steps: [set("a", 8000), { op: "SET", key: "b", value: "x" }, get("a")],
  },
  {
    name: "small writes, then one too large, in one read",
    roomBytes: 16 * KiB,
    before: ["p"],
    steps: [
      set("s1", 100),
      set("s2", 100),
      get("s1"),
      set("big", 32 * KiB),
      get("s2"),
      get("big"),
      set("s3", 100),
      get("s3"),
      del("p"),
      get("p"),
    ],
  },
  {
    name: "the write too large to fit first",
    roomBytes: 16 * KiB,
    before: ["p"],
    steps: [set("big", 32 * KiB), set("s1", 100), get("big"), get("s1"), del("p"), get("p")],
  },
  {
    name: "a write too large to fit that spans several reads",
    roomBytes: 16 * KiB,
    before: ["p"],
    steps: [
      set("s1", 100),
      set("s2", 1000),
      del("p"),
      get("s1"),
      set("big", 300 * KiB),
      get("s1"),
      get("big"),
      set("s3", 100),
      get("s3"),
      get("p"),
    ],
  },
  {
    name: "two large writes, the first fits",
    roomBytes: 16 * KiB,
    before: [],
    steps: [
      set("s1", 100),
      set("fits", 8 * KiB),
      set("big", 16 * KiB),
      get("fits"),
      get("s1"),
      get("big"),
    ],
  },
  {
    name: "many small writes around one too large",
    roomBytes: 32 * KiB,
    before: ["p0", "p1"],
    steps: [
      ...Array.from({ length: 40 }, (_, i) => [
        set(`k${i}`, 200),
        get(`k${Math.max(0, i - 1)}`),
        ...(i === 20 ? [set("big", 48 * KiB), get("big"), del("p0")] : []),
      ]).flat(),
      del("p1"),
      get("p0"),
      get("p1"),
    ],
  },
];

/** How one protocol spells a batch and its replies. */
interface Wire {
  name: string;
  encode(steps: Step[]): Uint8Array;
  read(connection: RawConnection): Promise<string>;
  /** A write's reply: applied (`true`), refused (`false`), or unexpected (`null`). */
  written(reply: string): boolean | null;
  /** A GET's reply: its value, `null` for absent, `"error"`, or `undefined` if unexpected. */
  got(step: Step, reply: string): string | null | "error" | undefined;
}

const TEXT: Wire = {
  name: "text",
  encode: (steps) =>
    encoder.encode(
      steps.map((s) => s.op === "SET" ? `SET ${s.key} ${s.value}\n` : `${s.op} ${s.key}\n`)
        .join(""),
    ),
  read: async (connection) => (await connection.readText(1)).slice(0, -1),
  written: (reply) => reply === "+OK" ? true : reply.startsWith("-") ? false : null,
  got(step, reply) {
    if (reply.startsWith("+OK ")) return reply.slice(4);
    if (reply === `-GET could not find ${step.key} in store`) return null;
    return reply.startsWith("-") ? "error" : undefined;
  },
};

const RESP: Wire = {
  name: "RESP",
  encode: (steps) =>
    concat(...steps.map((s) => s.op === "SET" ? frame("SET", s.key, s.value) : frame(s.op, s.key))),
  read: (connection) => readRespReply(connection),
  written: (reply) => /^(\+OK|:[01])\r\n$/.test(reply) ? true : reply[0] === "-" ? false : null,
  got(_step, reply) {
    if (reply === "$-1\r\n") return null;
    const bulk = /^\$(\d+)\r\n/.exec(reply);
    if (bulk) return reply.slice(bulk[0].length, -2);
    return reply[0] === "-" ? "error" : undefined;
  },
};

function preview(text: string | null | undefined): string {
  if (text === null || text === undefined) return String(text);
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…(${text.length} bytes)` : text);
}

/** Tallies across a test's runs, to show both outcomes were exercised. */
interface Coverage {
  /** Writes acknowledged in a batch where a later write was refused. */
  durableBeforeFailure: number;
  refused: number;
}

/** Reads every key of `expected` over RESP; one line per key that differs. */
async function stateDiffers(
  port: number,
  expected: Map<string, string | null>,
  when: string,
): Promise<string[]> {
  using connection = await RawConnection.connect(port);
  const keys = [...expected.keys()];
  await connection.send(RESP.encode(keys.map(get)));
  const wrong: string[] = [];
  for (const key of keys) {
    const found = RESP.got(get(key), await readRespReply(connection));
    if (found !== expected.get(key)) {
      wrong.push(`${when}: ${key} is ${preview(found)}, expected ${preview(expected.get(key))}`);
    }
  }
  return wrong;
}

/**
 * Runs `shape` once on a fresh disk and returns every broken promise, each
 * naming the reply and what the store says.
 */
async function runShape(
  disk: SmallDisk,
  wire: Wire,
  shape: Shape,
  coverage: Coverage,
): Promise<string[]> {
  await disk.clear();
  /** The state the replies claim: what was there, plus every acknowledged write. */
  const claimed = new Map<string, string | null>();
  for (const step of shape.steps) claimed.set(step.key, null);
  const problems: string[] = [];
  const replies: string[] = [];
  {
    await using server = await startServer({ walDir: disk.path });
    using setup = await RawConnection.connect(server.port);
    for (const key of shape.before) {
      assertEquals(await respCall(setup, "SET", key, valueOf(key, 64)), "+OK\r\n");
      claimed.set(key, valueOf(key, 64));
    }
    setup.close();
    await disk.fill(shape.roomBytes);

    using connection = await RawConnection.connect(server.port);
    await connection.send(wire.encode(shape.steps));
    try {
      for (let i = 0; i < shape.steps.length; i++) replies.push(await wire.read(connection));
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      return [`${replies.length} of ${shape.steps.length} replies, then: ${message}`];
    }
    connection.close();

    let refusals = 0;
    let acknowledged = 0;
    let beforeFailure = 0;
    shape.steps.forEach((step, i) => {
      const reply = replies[i];
      const where = `reply ${i + 1} (${step.op} ${step.key}) ${preview(reply)}`;
      if (step.op === "GET") {
        const value = wire.got(step, reply);
        if (value === undefined) problems.push(`${where}: not a GET reply`);
        else if (value !== "error" && value !== claimed.get(step.key)) {
          problems.push(`${where}: the acknowledged state holds ${preview(claimed.get(step.key))}`);
        }
        return;
      }
      const written = wire.written(reply);
      if (written === null) problems.push(`${where}: not a write's reply`);
      if (!written) {
        refusals++;
        return;
      }
      acknowledged++;
      claimed.set(step.key, step.op === "SET" ? step.value : null);
      if (refusals === 0) beforeFailure++;
    });
    if (refusals > 0) coverage.durableBeforeFailure += beforeFailure;
    coverage.refused += refusals;
    if (refusals === 0) {
      problems.push(`all ${acknowledged} writes acknowledged, though one cannot fit on the disk`);
    }

    problems.push(...await stateDiffers(server.port, claimed, "in memory"));
    assertEquals((await server.kill()).signal, "SIGKILL");
  }
  await disk.free();
  await using restarted = await startServer({ walDir: disk.path });
  problems.push(...await stateDiffers(restarted.port, claimed, "after SIGKILL and restart"));
  assertEquals((await restarted.stop()).code, 0, restarted.stderrText());
  if (problems.length === 0) return [];
  const sent = replies.map((r, i) =>
    `  ${shape.steps[i].op} ${shape.steps[i].key} → ${preview(r)}`
  );
  return [...problems, `replies:\n${sent.join("\n")}`];
}

for (const wire of [TEXT, RESP]) {
  Deno.test({
    name: `disk full: pipelined ${wire.name} writes are acknowledged only when durable` +
      (noTmpfs === null ? "" : ` (ignored: ${noTmpfs})`),
    ignore: noTmpfs !== null,
    async fn() {
      await using disk = await mountSmallDisk(DISK_BYTES);
      const coverage: Coverage = { durableBeforeFailure: 0, refused: 0 };
      const broken: string[] = [];
      for (const shape of SHAPES) {
        for (let run = 1; run <= RUNS_PER_SHAPE; run++) {
          const problems = await runShape(disk, wire, shape, coverage);
          if (problems.length > 0) {
            broken.push(`${shape.name}, run ${run}:\n${problems.join("\n")}`);
          }
        }
      }
      assertEquals(broken, []);
      assert(coverage.refused > 0, "no write was ever refused");
      assert(coverage.durableBeforeFailure > 0, "no write was durable before a failure");
    },
  });
}
