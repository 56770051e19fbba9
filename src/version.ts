/** walkv's own version, as `--version` and INFO's `walkv_version` report it. */
export const WALKV_VERSION = "0.12.0";
