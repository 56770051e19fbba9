/** Every `--fsync` policy, as Redis names its `appendfsync` settings. */
export const FSYNC_POLICIES = ["always", "everysec", "no"] as const;

/**
 * When the WAL reaches the disk, relative to the reply:
 *
 * - `always`: a write is acknowledged after the group commit's `fdatasync`
 *   covering it. Nothing acknowledged is lost, even on power failure.
 * - `everysec`: acknowledged once written to the file (the OS page cache);
 *   synced in the background at least once a second. A crash of walkv loses
 *   nothing; a crash of the machine loses up to about the last second.
 * - `no`: acknowledged once written; never synced by walkv, so the OS
 *   decides (Linux writes dirty pages back within about 30 s).
 *
 * @example
 * ```ts
 * const policy: FsyncPolicy = "everysec";
 * ```
 */
export type FsyncPolicy = typeof FSYNC_POLICIES[number];
