/**
 * MONITOR against a real redis-server: one connection monitors while others
 * run commands; the monitor's stream (its replies and every fed line) must
 * be Redis's, byte for byte once the two values that differ by nature are
 * masked: the timestamp (checked for its format, seconds.microseconds) and
 * each client's port (replaced by which connection it is). Covered: quoting
 * of odd bytes, the database after SELECT, AUTH and HELLO AUTH redacted,
 * admin commands and refused requests left out, MULTI/EXEC's commands fed
 * when EXEC runs them, the monitor's own commands, a second MONITOR, RESET.
 *
 * Then walkv alone: commands sent on the seed's text protocol are fed too.
 */
import { assertEquals, assertMatch } from "@std/assert";
import { assertSameAsRedis } from "../helpers/same_as_redis.ts";
import { readRespReply } from "../helpers/resp_reply.ts";
import { frame } from "../helpers/resp_frames.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";

const MONITOR_LINE = /^\+(\d+)\.(\d{6}) \[(\d+) 127\.0\.0\.1:(\d+)\](.*)\r\n$/;

/** Reads the monitor's replies until a fed line contains `marker`, each with its port named. */
async function readUntil(
  monitor: RawConnection,
  marker: string,
  names: Map<string, string>,
): Promise<string[]> {
  const lines: string[] = [];
  for (;;) {
    const reply = await readRespReply(monitor, 5_000);
    const match = MONITOR_LINE.exec(reply);
    lines.push(
      match === null ? reply : `<time> [${match[3]} ${names.get(match[4]) ?? "?"}]${match[5]}`,
    );
    if (match !== null && reply.includes(marker)) return lines;
  }
}

/** The local port of `connection`, as the server sees the client. */
function portOf(connection: RawConnection): string {
  return String((connection.conn.localAddr as Deno.NetAddr).port);
}

async function call(connection: RawConnection, ...args: string[]): Promise<string> {
  await connection.send(frame(...args));
  return await readRespReply(connection, 5_000);
}

async function monitorScenario(port: number): Promise<string[]> {
  using monitor = await RawConnection.connect(port);
  using a = await RawConnection.connect(port);
  using b = await RawConnection.connect(port);
  const names = new Map([[portOf(monitor), "monitor"], [portOf(a), "a"], [portOf(b), "b"]]);
  const log = [await call(monitor, "MONITOR")];
  const requests = [
    ["SET", "k", "v"],
    ["GET", "k"],
    ["GET"],
    ["NOSUCH", "x"],
    ["ECHO", 'a "quoted"\\ \n\r\t\x07\x08\x01\x7f\xff end'],
    ["SELECT", "3"],
    ["PING"],
    ["SELECT", "0"],
    ["AUTH", "pw"],
    ["AUTH", "default", "pw"],
    ["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "app"],
    ["CONFIG", "GET", "port"],
    ["CLIENT", "LIST"],
    ["CLIENT", "GETNAME"],
    ["CLIENT", "NOSUCH"],
    ["SLOWLOG", "LEN"],
    ["MULTI"],
    ["SET", "a", "1"],
    ["INCR", "a"],
    ["EXEC"],
    ["DEL", "k", "a"],
    ["LASTSAVE"],
  ];
  /** Replies that differ by nature (ids, ports, client lists): only their type is compared. */
  const byNature = new Set(["HELLO", "CONFIG", "CLIENT LIST"]);
  for (const args of requests) {
    const reply = await call(a, ...args);
    const shown = byNature.has(args[0]) || byNature.has(args.slice(0, 2).join(" "))
      ? reply[0]
      : reply;
    log.push(`a ${args.join(" ")} -> ${JSON.stringify(shown)}`);
  }
  log.push(await call(b, "ECHO", "from b"));
  log.push(await call(a, "ECHO", "marker-1"));
  log.push(...await readUntil(monitor, "marker-1", names));
  // The monitor's own commands: a second MONITOR gets no reply; PING's comes before its line.
  await monitor.send(frame("MONITOR"));
  await monitor.send(frame("PING"));
  await monitor.send(frame("ECHO", "marker-2"));
  log.push(...await readUntil(monitor, "marker-2", names));
  log.push(await call(monitor, "RESET"));
  log.push(await call(a, "ECHO", "after reset"));
  log.push(await call(monitor, "PING"));
  return log;
}

Deno.test("MONITOR streams every command in Redis's format, as redis-server does", async () => {
  await assertSameAsRedis(monitorScenario);
});

Deno.test("MONITOR shows text-protocol commands too, with a real timestamp", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  using monitor = await RawConnection.connect(walkv.port);
  assertEquals(await call(monitor, "MONITOR"), "+OK\r\n");
  using text = await RawConnection.connect(walkv.port);
  const before = Date.now() / 1000;
  await text.send("SET greeting hello\nGET greeting\nNOSUCH\nDEL greeting\n");
  assertEquals(await text.readText(4), "+OK\n+OK hello\n-INVALID COMMAND\n+OK\n");
  const textPort = portOf(text);
  const lines = [];
  for (let i = 0; i < 3; i++) lines.push(await readRespReply(monitor, 5_000));
  const expected = ['"SET" "greeting" "hello"', '"GET" "greeting"', '"DEL" "greeting"'];
  lines.forEach((line, i) => {
    const match = MONITOR_LINE.exec(line);
    assertMatch(line, MONITOR_LINE);
    assertEquals(match![3], "0");
    assertEquals(match![4], textPort);
    assertEquals(match![5], ` ${expected[i]}`);
    const seconds = Number(`${match![1]}.${match![2]}`);
    assertEquals(Math.abs(seconds - before) < 60, true, `timestamp ${seconds} vs ${before}`);
  });
});
