import { CONNECTION_COMMANDS } from "./connection_commands.ts";
import { KEY_COMMANDS } from "./key_commands.ts";
import type { RespCommand } from "./resp_command.ts";
import { SERVER_COMMANDS } from "./server_commands.ts";
import { STRING_COMMANDS } from "./string_commands.ts";

/** Every RESP command, in the order COMMAND lists them. */
export const ALL_RESP_COMMANDS: readonly RespCommand[] = [
  ...CONNECTION_COMMANDS,
  ...STRING_COMMANDS,
  ...KEY_COMMANDS,
  ...SERVER_COMMANDS,
];

/**
 * The RESP command table, by upper-case name. Adding a command is one file
 * and one line in its group's list.
 */
export const RESP_COMMANDS: ReadonlyMap<string, RespCommand> = new Map(
  ALL_RESP_COMMANDS.map((command) => [command.name, command]),
);
