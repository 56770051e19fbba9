import type { RespCommand } from "./resp_command.ts";

/** The server commands: INFO, TIME, CONFIG, COMMAND, DBSIZE, FLUSHDB, FLUSHALL. */
export const SERVER_COMMANDS: readonly RespCommand[] = [];
