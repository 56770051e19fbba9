import { assertAlmostEquals, assertEquals } from "@std/assert";
import { LatencyHistogram } from "./latency_histogram.ts";

Deno.test("LatencyHistogram counts below an edge and finds the slowest request", () => {
  const histogram = new LatencyHistogram();
  assertEquals(histogram.maxMillis(), NaN);
  histogram.record(0.05, 10);
  histogram.record(0.3, 5);
  histogram.record(7.5, 1);
  assertEquals(histogram.total, 16);
  assertEquals(histogram.countBelow(0.1), 10);
  assertEquals(histogram.countBelow(0.3), 10);
  assertEquals(histogram.countBelow(0.31), 15);
  assertEquals(histogram.countBelow(100), 16);
  assertAlmostEquals(histogram.maxMillis(), 7.5, 7.5 * 0.002);
  assertAlmostEquals(histogram.percentileMillis(99.9), 7.5, 7.5 * 0.002);
  assertEquals(histogram.percentileMillis(50), 0.05);
});
