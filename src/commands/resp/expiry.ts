/** The units SET, SETEX, GETEX and the EXPIRE family take times in. */
export type ExpiryUnit = "EX" | "PX" | "EXAT" | "PXAT";

/**
 * Turns a time argument into an absolute expiry in ms since the epoch, as
 * Redis does: relative units count from `now`; a time that is not a positive
 * integer (for SET-like commands), or overflows, is `null`, which callers
 * answer with {@linkcode invalidExpireTime}.
 *
 * @example
 * ```ts
 * absoluteExpiry("EX", 10, 1_000); // 11_000
 * absoluteExpiry("PXAT", 5, 1_000); // 5: already past; the key expires at once
 * ```
 */
export function absoluteExpiry(unit: ExpiryUnit, amount: number, now: number): number | null {
  if (amount <= 0) return null;
  let at: number;
  switch (unit) {
    case "EX":
      at = now + amount * 1000;
      break;
    case "PX":
      at = now + amount;
      break;
    case "EXAT":
      at = amount * 1000;
      break;
    case "PXAT":
      at = amount;
      break;
  }
  return Number.isSafeInteger(at) ? at : null;
}

/** Redis's reply to a bad time, e.g. `ERR invalid expire time in 'set' command`. */
export function invalidExpireTime(command: string): string {
  return `ERR invalid expire time in '${command.toLowerCase()}' command`;
}
