import { flushall } from "./flushall.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `FLUSHDB [ASYNC | SYNC]` → `+OK`: with walkv's single database it is
 * FLUSHALL under another name, sharing its checks.
 *
 * @example
 * ```ts
 * flushdb.run(["FLUSHDB"], context); // "+OK\r\n"
 * ```
 */
export const flushdb: RespCommand = {
  ...flushall,
  name: "FLUSHDB",
  summary: "Removes all keys from the current database.",
};
