import { CONNECTION_COMMANDS } from "./connection_commands.ts";
import { KEY_COMMANDS } from "./key_commands.ts";
import type { CommandGroup, CommandRegistry, RespCommand } from "./resp_command.ts";
import { SERVER_COMMANDS } from "./server_commands.ts";
import { STRING_COMMANDS } from "./string_commands.ts";

/**
 * The RESP commands: lookup by name, the list COMMAND reports, and each
 * command's Redis documentation group (the key commands are Redis's
 * "generic" group). Adding a command is one file and one line in its
 * group's list.
 *
 * Commands that describe the table (COMMAND) get it from their context,
 * as a `CommandRegistry`, instead of importing this module, which imports
 * them.
 *
 * @example
 * ```ts
 * RESP_COMMAND_TABLE.get("GET")?.arity; // 2
 * RESP_COMMAND_TABLE.group(get);        // "string"
 * ```
 */
export class CommandTable implements CommandRegistry {
  /** Every command, in the order COMMAND lists them. */
  readonly all: readonly RespCommand[];
  readonly #byName: ReadonlyMap<string, RespCommand>;
  readonly #groups: ReadonlyMap<RespCommand, CommandGroup>;

  constructor(groups: Readonly<Record<CommandGroup, readonly RespCommand[]>>) {
    const entries = Object.entries(groups) as [CommandGroup, readonly RespCommand[]][];
    this.all = entries.flatMap(([, commands]) => commands);
    this.#byName = new Map(this.all.map((command) => [command.name, command]));
    this.#groups = new Map(
      entries.flatMap(([group, commands]) => commands.map((command) => [command, group])),
    );
  }

  /** The command called `name` (upper case) or, failing that, `name` in any case. */
  get(name: string): RespCommand | undefined {
    return this.#byName.get(name) ?? this.#byName.get(name.toUpperCase());
  }

  /** The Redis documentation group of `command`. */
  group(command: RespCommand): CommandGroup {
    return this.#groups.get(command) ?? "generic";
  }
}

/** walkv's RESP commands. */
export const RESP_COMMAND_TABLE = new CommandTable({
  connection: CONNECTION_COMMANDS,
  string: STRING_COMMANDS,
  generic: KEY_COMMANDS,
  server: SERVER_COMMANDS,
});
