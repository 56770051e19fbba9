/**
 * walkv's own version, as `--version` and INFO report it; the Redis release
 * whose behaviour it follows is `REDIS_VERSION` (src/commands/redis_version.ts).
 *
 * @example
 * ```ts
 * console.log(`walkv ${WALKV_VERSION}`); // "walkv 0.12.0"
 * ```
 */
export const WALKV_VERSION = "0.12.0";
