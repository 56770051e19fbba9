import { assertEquals } from "@std/assert";
import {
  LFU_INIT_VAL,
  lfuDecayed,
  lfuField,
  lfuIncrement,
  lfuMinutes,
  lfuTouched,
} from "../../src/store/lfu.ts";

const DEFAULTS = { logFactor: 10, decayMinutes: 1 };
const MINUTE = 60_000;

Deno.test("lfu a new key starts at LFU_INIT_VAL (5), stamped with the minute", () => {
  const now = 1234 * MINUTE + 5;
  const field = lfuTouched(undefined, now, DEFAULTS);
  assertEquals(field & 0xff, LFU_INIT_VAL);
  assertEquals(field >>> 8, 1234);
});

Deno.test("lfu increments up to 5 always, then with probability 1/((c-5)*factor+1)", () => {
  // At or below the initial value the base is 0: p = 1, whatever the random draw.
  assertEquals(lfuIncrement(0, DEFAULTS, 0.999), 1);
  assertEquals(lfuIncrement(5, DEFAULTS, 0.999), 6);
  // At 15 with factor 10, p = 1/101.
  assertEquals(lfuIncrement(15, DEFAULTS, 1 / 101 - 1e-9), 16);
  assertEquals(lfuIncrement(15, DEFAULTS, 1 / 101 + 1e-9), 15);
  // Factor 0 counts every access; 255 is the ceiling.
  assertEquals(lfuIncrement(200, { logFactor: 0, decayMinutes: 1 }, 0.999), 201);
  assertEquals(lfuIncrement(255, { logFactor: 0, decayMinutes: 1 }, 0), 255);
});

Deno.test("lfu the counter grows logarithmically: ~a hundred hits reach about 10 at factor 10", () => {
  let counter = LFU_INIT_VAL;
  let seed = 1;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < 100; i++) counter = lfuIncrement(counter, DEFAULTS, random());
  // Redis's table (redis.conf): factor 10 gives 10 at 100 hits, 18 at 1000.
  assertEquals(counter >= 8 && counter <= 12, true, `counter ${counter}`);
});

Deno.test("lfu decays one point per lfu-decay-time minutes, to 0 at most, never with 0", () => {
  const at = 100 * MINUTE;
  const field = lfuField(lfuMinutes(at), 10);
  assertEquals(lfuDecayed(field, at + 59_999, DEFAULTS), 10);
  assertEquals(lfuDecayed(field, at + 3 * MINUTE, DEFAULTS), 7);
  assertEquals(lfuDecayed(field, at + 7 * MINUTE, { logFactor: 10, decayMinutes: 2 }), 7);
  assertEquals(lfuDecayed(field, at + 60 * MINUTE, DEFAULTS), 0);
  assertEquals(lfuDecayed(field, at + 60 * MINUTE, { logFactor: 10, decayMinutes: 0 }), 10);
});

Deno.test("lfu minutes wrap at 16 bits, and the elapsed time across the wrap is counted as Redis does", () => {
  const field = lfuField(65534, 10);
  // Now at minute 2 (after the wrap): Redis's 65535 - 65534 + 2 = 3 periods.
  assertEquals(lfuDecayed(field, (65536 + 2) * MINUTE, DEFAULTS), 7);
  assertEquals(lfuMinutes(65536 * MINUTE), 0);
});

Deno.test("lfu a touch decays first, then increments, and restamps", () => {
  const at = 10 * MINUTE;
  const field = lfuField(lfuMinutes(at), 5);
  const later = lfuTouched(field, at + 2 * MINUTE, DEFAULTS);
  // 5 decays to 3, which always increments to 4.
  assertEquals(later & 0xff, 4);
  assertEquals(later >>> 8, 12);
});
