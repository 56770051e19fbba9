import { writeCommandDocs } from "./command_docs.ts";
import { writeCommandInfo } from "./command_info.ts";
import type { CommandContext, RespCommand } from "./resp_command.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

function writeAllInfo({ reply, commands }: CommandContext): void {
  reply.array(commands.all.length);
  for (const command of commands.all) writeCommandInfo(reply, command, commands.group(command));
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  COUNT: {
    arity: 2,
    run(_args, { reply, commands }) {
      reply.integer(commands.all.length);
    },
  },
  INFO: {
    arity: -2,
    run(args, context) {
      if (args.length === 2) return writeAllInfo(context);
      const { reply, commands } = context;
      reply.array(args.length - 2);
      for (let i = 2; i < args.length; i++) {
        const command = commands.get(args[i]);
        if (command === undefined) reply.nullBulk();
        else writeCommandInfo(reply, command, commands.group(command));
      }
    },
  },
  DOCS: {
    arity: -2,
    run(args, { reply, commands }) {
      const found = args.length === 2
        ? commands.all
        : args.slice(2).map((name) => commands.get(name)).filter((command) =>
          command !== undefined
        );
      reply.array(found.length * 2);
      for (const command of found) writeCommandDocs(reply, command, commands.group(command));
    },
  },
  LIST: {
    arity: 2,
    run(_args, { reply, commands }) {
      reply.bulkArray(commands.all.map((command) => command.name.toLowerCase()));
    },
  },
  GETKEYS: {
    arity: -4,
    run(args, { reply, commands }) {
      const command = commands.get(args[2]);
      if (command === undefined) return reply.error("ERR Invalid command specified");
      const request = args.slice(2);
      const arity = command.arity;
      if (arity > 0 ? request.length !== arity : request.length < -arity) {
        return reply.error("ERR Invalid number of arguments specified for command");
      }
      const [first, last, step] = command.keys;
      if (first === 0) return reply.error("ERR The command has no key arguments");
      const end = last < 0 ? request.length + last : Math.min(last, request.length - 1);
      const keys: string[] = [];
      for (let i = first; i <= end; i += step) keys.push(request[i]);
      reply.bulkArray(keys);
    },
  },
  HELP: helpSubcommand("COMMAND", [
    "(no subcommand)",
    "    Return details about all commands.",
    "COUNT",
    "    Return the total number of commands.",
    "INFO [<command-name> ...]",
    "    Return details about the named commands, or all when none is given.",
    "DOCS [<command-name> ...]",
    "    Return documentation about the named commands, or all when none is given.",
    "LIST",
    "    Return the names of all commands.",
    "GETKEYS <full-command>",
    "    Return the keys from a full command.",
  ]),
};

/**
 * `COMMAND [COUNT | INFO [name ...] | DOCS [name ...] | LIST | GETKEYS cmd
 * arg ... | HELP]`: the command table as data, in Redis 7's shapes. Client
 * libraries read COMMAND to learn key positions, and `redis-cli` reads
 * COMMAND DOCS at start for its help and typing hints.
 *
 * @example
 * ```ts
 * command.run(["COMMAND", "COUNT"], context); // ":27\r\n"
 * command.run(["COMMAND", "INFO", "nosuch"], context); // "*1\r\n$-1\r\n"
 * ```
 */
export const command: RespCommand = {
  name: "COMMAND",
  arity: -1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns detailed information about all commands.",
  syntax:
    "[COUNT | INFO [command-name [command-name ...]] | DOCS [command-name [command-name ...]] " +
    "| LIST | GETKEYS command [arg [arg ...]] | HELP]",
  run(args, context) {
    if (args.length === 1) return writeAllInfo(context);
    runSubcommand("COMMAND", SUBCOMMANDS, args, context);
  },
};
