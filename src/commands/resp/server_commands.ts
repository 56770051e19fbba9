import { bgrewriteaof } from "./bgrewriteaof.ts";
import { command } from "./command.ts";
import { config } from "./config.ts";
import { dbsize } from "./dbsize.ts";
import { flushall } from "./flushall.ts";
import { flushdb } from "./flushdb.ts";
import { info } from "./info.ts";
import type { RespCommand } from "./resp_command.ts";
import { time } from "./time.ts";

/** The server commands: INFO, TIME, CONFIG, COMMAND, DBSIZE, FLUSHDB, FLUSHALL, BGREWRITEAOF. */
export const SERVER_COMMANDS: readonly RespCommand[] = [
  info,
  time,
  config,
  command,
  dbsize,
  flushdb,
  flushall,
  bgrewriteaof,
];
