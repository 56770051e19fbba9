/**
 * The small pure parts behind the introspection commands: MONITOR's quoting
 * and redaction, the slow log's limits, CLIENT PAUSE's rules, and INFO's
 * instantaneous rates.
 */
import { assertEquals } from "@std/assert";
import { ClientPause } from "../../src/commands/client_pause.ts";
import { ClientState } from "../../src/commands/client_state.ts";
import { InstantaneousMetrics } from "../../src/commands/instantaneous_metrics.ts";
import { quoted } from "../../src/commands/monitor.ts";
import { redacted } from "../../src/commands/redacted.ts";
import { SlowLog } from "../../src/commands/slow_log.ts";

Deno.test("quoted escapes as Redis's sdscatrepr", () => {
  assertEquals(quoted("plain"), '"plain"');
  assertEquals(quoted('a "b" \\'), '"a \\"b\\" \\\\"');
  assertEquals(quoted("\n\r\t\x07\x08"), '"\\n\\r\\t\\a\\b"');
  assertEquals(quoted("\x00\x1f\x7f\xff"), '"\\x00\\x1f\\x7f\\xff"');
});

Deno.test("redacted hides AUTH's arguments and HELLO AUTH's user and password only", () => {
  assertEquals(redacted(["auth", "pw"]), ["auth", "(redacted)"]);
  assertEquals(redacted(["AUTH", "u", "pw"]), ["AUTH", "(redacted)", "(redacted)"]);
  assertEquals(
    redacted(["HELLO", "3", "auth", "u", "pw", "SETNAME", "x"]),
    ["HELLO", "3", "auth", "(redacted)", "(redacted)", "SETNAME", "x"],
  );
  const set = ["SET", "k", "v"];
  assertEquals(redacted(set), set);
});

Deno.test("SlowLog keeps the newest max-len entries at or over the threshold, cut as Redis", () => {
  const client = new ClientState(1, "127.0.0.1:1", true);
  const log = new SlowLog(100, 2);
  log.add(["fast"], 99, client);
  assertEquals(log.entries.length, 0);
  log.add(["a"], 100, client);
  log.add(["b"], 500, client);
  log.add(["c"], 1000, client);
  assertEquals(log.entries.map((entry) => [entry.id, entry.args[0]]), [[2, "c"], [1, "b"]]);
  log.add(["x".repeat(130), ...Array.from({ length: 40 }, (_, i) => String(i))], 100, client);
  const [newest] = log.entries;
  assertEquals(newest.args.length, 32);
  assertEquals(newest.args[0], `${"x".repeat(128)}... (2 more bytes)`);
  assertEquals(newest.args[31], "... (10 more arguments)");
  log.threshold = -1;
  log.add(["never"], 1e9, client);
  assertEquals(log.entries[0].id, 3);
  log.maxLen = 1;
  assertEquals(log.entries.length, 1);
  log.reset();
  log.threshold = 0;
  log.add(["after"], 0, client);
  assertEquals(log.entries.map((entry) => entry.id), [4]);
});

Deno.test("ClientPause keeps the later end and the stricter mode; UNPAUSE releases waiters", async () => {
  const pause = new ClientPause();
  assertEquals([pause.holds(false), pause.holds(true)], [false, false]);
  pause.pause(performance.now() + 60_000, "write");
  assertEquals([pause.holds(false), pause.holds(true)], [false, true]);
  pause.pause(performance.now() + 10, "all");
  assertEquals(pause.mode, "all");
  pause.pause(performance.now() + 60_000, "write");
  assertEquals(pause.mode, "all", "a WRITE pause does not loosen an ALL one");
  const ended = pause.ended();
  pause.unpause();
  await ended;
  assertEquals(pause.mode, null);
  pause.pause(performance.now() + 20, "all");
  await pause.ended(); // the timer ends it
  assertEquals(pause.mode, null);
});

Deno.test("InstantaneousMetrics averages the last 16 samples' rates", () => {
  const metrics = new InstantaneousMetrics();
  let commands = 0;
  for (let t = 0; t <= 1600; t += 100) {
    metrics.sample({ commands, inputBytes: commands * 10, outputBytes: 0, usedMemory: t }, t);
    commands += 100; // 1000 per second
  }
  assertEquals(Math.round(metrics.opsPerSecond), 1000);
  assertEquals(metrics.inputKbps.toFixed(2), (10_000 / 1024).toFixed(2));
  assertEquals(metrics.peakMemory, 1600);
  for (let t = 1700; t <= 3300; t += 100) {
    metrics.sample({ commands, inputBytes: 0, outputBytes: 0, usedMemory: 0 }, t);
  }
  assertEquals(metrics.opsPerSecond, 0, "16 idle samples later the rate is 0");
});
