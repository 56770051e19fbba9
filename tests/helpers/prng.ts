/**
 * A small seeded pseudo-random generator (mulberry32): the randomized tests
 * draw from it, so a failure replays exactly from its seed.
 *
 * @example
 * ```ts
 * const random = prng(7);
 * random(); // the same number in [0, 1) every run
 * ```
 */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
