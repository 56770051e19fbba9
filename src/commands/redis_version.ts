/**
 * The Redis version walkv reports in HELLO and INFO. Client libraries
 * switch features on by version (RESP3, CLIENT SETINFO, …); naming the
 * Redis release whose replies walkv copies (7.0.15, the one it is tested
 * against) keeps them on the RESP2 paths it speaks.
 *
 * @example
 * ```ts
 * `redis_version:${REDIS_VERSION}`; // "redis_version:7.0.15"
 * ```
 */
export const REDIS_VERSION = "7.0.15";
