/** How many samples each rate averages, as Redis's STATS_METRIC_SAMPLES. */
const SAMPLES = 16;

/** One counter's rate per second, averaged over the last samples. */
class Rate {
  readonly #perSecond: number[] = [];
  #lastValue = 0;
  #lastAt = -1;

  /** Takes the counter's value at `now` (ms) and keeps the rate since the last sample. */
  sample(value: number, now: number): void {
    if (this.#lastAt >= 0 && now > this.#lastAt) {
      // A counter reset by CONFIG RESETSTAT restarts from its new value.
      const delta = Math.max(0, value - this.#lastValue);
      this.#perSecond.push((delta * 1000) / (now - this.#lastAt));
      if (this.#perSecond.length > SAMPLES) this.#perSecond.shift();
    }
    this.#lastValue = value;
    this.#lastAt = now;
  }

  /** The average of the samples kept, per second; 0 before two samples. */
  get value(): number {
    if (this.#perSecond.length === 0) return 0;
    let sum = 0;
    for (const rate of this.#perSecond) sum += rate;
    return sum / this.#perSecond.length;
  }
}

/**
 * INFO's instantaneous figures, computed as Redis's `trackInstantaneousMetric`
 * computes them: the server samples its counters every 100 ms and each
 * figure is the mean rate over the last 16 samples (1.6 s): commands per
 * second, and network input and output in KB per second. It also keeps the
 * peak of the memory it samples (`used_memory_peak`).
 *
 * @example
 * ```ts
 * const metrics = new InstantaneousMetrics();
 * metrics.sample({ commands: 0, inputBytes: 0, outputBytes: 0, usedMemory: 1e6 }, 0);
 * metrics.sample({ commands: 500, inputBytes: 0, outputBytes: 0, usedMemory: 1e6 }, 100);
 * metrics.opsPerSecond; // 5000
 * ```
 */
export class InstantaneousMetrics {
  readonly #ops = new Rate();
  readonly #input = new Rate();
  readonly #output = new Rate();
  /** The most memory seen in use, in bytes. */
  peakMemory = 0;

  /** Takes one sample of the counters at `now` (ms). */
  sample(
    counters: { commands: number; inputBytes: number; outputBytes: number; usedMemory: number },
    now: number,
  ): void {
    this.#ops.sample(counters.commands, now);
    this.#input.sample(counters.inputBytes, now);
    this.#output.sample(counters.outputBytes, now);
    if (counters.usedMemory > this.peakMemory) this.peakMemory = counters.usedMemory;
  }

  /** Commands per second (`instantaneous_ops_per_sec`). */
  get opsPerSecond(): number {
    return this.#ops.value;
  }

  /** KB per second read from clients (`instantaneous_input_kbps`). */
  get inputKbps(): number {
    return this.#input.value / 1024;
  }

  /** KB per second written to clients (`instantaneous_output_kbps`). */
  get outputKbps(): number {
    return this.#output.value / 1024;
  }
}
