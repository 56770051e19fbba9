/**
 * Round-trip latencies, counted into fixed buckets so recording one costs an
 * array increment and no allocation, and histograms from several connections
 * or Workers merge by adding their arrays.
 *
 * The buckets are log-linear in microseconds: exact below 1,024 µs, then each
 * power of two is cut into 512 equal parts, so a percentile is off by less
 * than 0.2 %. The last bucket collects everything from about 34 s up.
 *
 * @example
 * ```ts
 * const histogram = new LatencyHistogram();
 * histogram.record(0.250, 16); // a 250 µs batch of 16 requests
 * histogram.percentileMillis(50); // 0.25
 * ```
 */
export class LatencyHistogram {
  /** Request counts per bucket; shareable with `postMessage`. */
  readonly counts: Float64Array<ArrayBuffer>;

  /** @param counts existing counts to wrap, e.g. received from a Worker. */
  constructor(counts?: Float64Array<ArrayBuffer>) {
    if (counts !== undefined && counts.length !== BUCKETS) {
      throw new RangeError(`Histogram must have ${BUCKETS} buckets, found ${counts.length}`);
    }
    this.counts = counts ?? new Float64Array(BUCKETS);
  }

  /** Counts `requests` requests that each took `millis` milliseconds. */
  record(millis: number, requests: number): void {
    this.counts[bucketOf(Math.round(millis * 1000))] += requests;
  }

  /** Adds every count of `other` to this histogram. */
  add(other: LatencyHistogram): void {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
  }

  /** How many requests were recorded. */
  get total(): number {
    let total = 0;
    for (let i = 0; i < BUCKETS; i++) total += this.counts[i];
    return total;
  }

  /** The latency, in milliseconds, that `percent` % of requests did not exceed; NaN if empty. */
  percentileMillis(percent: number): number {
    if (!(percent >= 0 && percent <= 100)) {
      throw new RangeError(`Percentile must be from 0 to 100, found ${percent}`);
    }
    const total = this.total;
    if (total === 0) return NaN;
    const rank = Math.max(1, Math.ceil(total * percent / 100));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return lowerBoundMicros(i) / 1000;
    }
    return lowerBoundMicros(BUCKETS - 1) / 1000;
  }

  /** How many requests took less than `millis` milliseconds (to the bucket: < 0.2 % off). */
  countBelow(millis: number): number {
    const bucket = bucketOf(Math.round(millis * 1000));
    let count = 0;
    for (let i = 0; i < bucket; i++) count += this.counts[i];
    return count;
  }

  /** The slowest request's latency, in milliseconds (its bucket's lower bound); NaN if empty. */
  maxMillis(): number {
    for (let i = BUCKETS - 1; i >= 0; i--) {
      if (this.counts[i] > 0) return lowerBoundMicros(i) / 1000;
    }
    return NaN;
  }
}

/** Microseconds below this are their own bucket. */
const LINEAR_LIMIT = 1024;
/** log2 of the buckets per power of two above the linear range. */
const SUB_BITS = 9;
/** Powers of two covered above the linear range: 2^10 µs up to 2^25 µs (~34 s). */
const OCTAVES = 15;
const BUCKETS = LINEAR_LIMIT + OCTAVES * (1 << SUB_BITS) + 1;

function bucketOf(micros: number): number {
  if (micros < LINEAR_LIMIT) return micros < 0 ? 0 : micros;
  const octave = 31 - Math.clz32(micros); // >= 10
  const index = LINEAR_LIMIT + (octave - 10) * (1 << SUB_BITS) +
    ((micros >>> (octave - SUB_BITS)) & ((1 << SUB_BITS) - 1));
  return Math.min(index, BUCKETS - 1);
}

function lowerBoundMicros(bucket: number): number {
  if (bucket < LINEAR_LIMIT) return bucket;
  const above = bucket - LINEAR_LIMIT;
  const octave = 10 + Math.floor(above / (1 << SUB_BITS));
  const sub = above % (1 << SUB_BITS);
  return (1 << octave) + sub * (1 << (octave - SUB_BITS));
}
