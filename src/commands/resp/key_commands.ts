import type { RespCommand } from "./resp_command.ts";

/** The generic key commands: DEL, EXISTS, the EXPIRE family, SCAN, RENAME, … */
export const KEY_COMMANDS: readonly RespCommand[] = [];
