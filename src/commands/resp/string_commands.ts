import { get } from "./get.ts";
import type { RespCommand } from "./resp_command.ts";
import { set } from "./set.ts";

/** The string commands: GET, SET and their relatives. */
export const STRING_COMMANDS: readonly RespCommand[] = [get, set];
