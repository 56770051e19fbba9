import type { Command } from "./command.ts";
import { compact } from "./compact.ts";
import { del } from "./del.ts";
import { get } from "./get.ts";
import { set } from "./set.ts";

/**
 * Every command walkv knows, by wire name. Adding a command is one file and
 * one line here.
 */
export const COMMAND_TABLE: ReadonlyMap<string, Command> = new Map(
  [get, set, del, compact].map((command) => [command.name, command]),
);
