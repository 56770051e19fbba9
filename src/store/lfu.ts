/**
 * Redis's LFU counter (evict.c), kept in one number per key: the minute of
 * the last access, modulo 2^16, in the high bits and an 8-bit logarithmic
 * counter in the low 8, as Redis keeps both in an object's 24 `lru` bits.
 * The counter grows by one with probability 1 / ((counter − 5) × factor + 1),
 * so it saturates at 255 only after about a million accesses (factor 10);
 * it loses one for every `decayMinutes` since the last access, so a key
 * read heavily once and never again cools down.
 */

/** What a new key's counter starts at, so it is not evicted before it had a chance (LFU_INIT_VAL). */
export const LFU_INIT_VAL = 5;
/** The counter's ceiling: it is 8 bits. */
const LFU_MAX = 255;
/** Minutes wrap at 16 bits, as Redis's do. */
const MINUTES_MASK = 0xffff;

/** The two LFU settings Redis exposes (`lfu-log-factor`, `lfu-decay-time`). */
export interface LfuOptions {
  /** How slowly the counter grows; 0 makes every access count (Redis's default 10). */
  readonly logFactor: number;
  /** Minutes per point of decay; 0 never decays (Redis's default 1). */
  readonly decayMinutes: number;
}

/** The access clock in minutes, wrapped to 16 bits (`LFUGetTimeInMinutes`). */
export function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60_000) & MINUTES_MASK;
}

/** Packs a minute and a counter into one access field. */
export function lfuField(minutes: number, counter: number): number {
  return (minutes << 8) | counter;
}

/** The counter of `field` after decay (`LFUDecrAndReturn`): what OBJECT FREQ answers. */
export function lfuDecayed(field: number, nowMs: number, options: LfuOptions): number {
  const counter = field & 0xff;
  if (options.decayMinutes === 0) return counter;
  const last = field >>> 8;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= last ? now - last : MINUTES_MASK - last + now;
  const periods = Math.floor(elapsed / options.decayMinutes);
  return periods > counter ? 0 : counter - periods;
}

/** One logarithmic increment of `counter` (`LFULogIncr`), `random` in [0, 1). */
export function lfuIncrement(counter: number, options: LfuOptions, random = Math.random()): number {
  if (counter === LFU_MAX) return LFU_MAX;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return random < 1 / (base * options.logFactor + 1) ? counter + 1 : counter;
}

/**
 * The field after one access (`updateLFU`): decay, then increment, stamped
 * with the current minute; `field` undefined for a new key.
 *
 * @example
 * ```ts
 * const options = { logFactor: 10, decayMinutes: 1 };
 * let field = lfuTouched(undefined, Date.now(), options); // counter 5
 * field = lfuTouched(field, Date.now(), options); // 6: from 5 it always grows
 * ```
 */
export function lfuTouched(field: number | undefined, nowMs: number, options: LfuOptions): number {
  if (field === undefined) return lfuField(lfuMinutes(nowMs), LFU_INIT_VAL);
  const counter = lfuIncrement(lfuDecayed(field, nowMs, options), options);
  return lfuField(lfuMinutes(nowMs), counter);
}
