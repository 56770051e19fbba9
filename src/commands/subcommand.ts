import type { Context } from "./command_spec.ts";

/**
 * One subcommand of a container command (CLIENT, CONFIG, COMMAND): its
 * Redis arity, counting the container and the subcommand (`CLIENT ID` is 2),
 * and what it does.
 */
export interface Subcommand {
  /** Field count including both names; negative means "at least". */
  readonly arity: number;
  /** Redis flags it `admin` (`config|set`, `client|kill`): MONITOR does not show it. */
  readonly admin?: boolean;
  /** Runs with the whole request: `args[1]` is the subcommand as sent; may be async. */
  run(args: string[], context: Context): void | Promise<void>;
}

/**
 * Runs `args[1]` from `table` (keyed by upper-case name) with Redis's own
 * errors for an unknown subcommand or a wrong argument count, which name the
 * subcommand as Redis does (`'client|setname'`), so the container commands
 * need not repeat the checks.
 *
 * @example
 * ```ts
 * runSubcommand("CLIENT", { ID: { arity: 2, run: (_, c) => c.reply.integer(c.client.id) } },
 *   ["client", "id"], context); // ":1\r\n"
 * ```
 */
export function runSubcommand(
  container: string,
  table: Readonly<Record<string, Subcommand>>,
  args: string[],
  context: Context,
): void | Promise<void> {
  const name = args[1].toUpperCase();
  const subcommand = Object.hasOwn(table, name) ? table[name] : undefined;
  if (subcommand === undefined) {
    return context.reply.error(
      `ERR unknown subcommand '${args[1].slice(0, 128)}'. Try ${container} HELP.`,
    );
  }
  const arity = subcommand.arity;
  if (arity > 0 ? args.length !== arity : args.length < -arity) {
    return context.reply.error(
      `ERR wrong number of arguments for '${container.toLowerCase()}|${name.toLowerCase()}' command`,
    );
  }
  return subcommand.run(args, context);
}

/**
 * A `HELP` subcommand answering `lines` as Redis does: an array of simple
 * strings headed by `<CONTAINER> <subcommand> [<arg> ...]. Subcommands are:`.
 *
 * @example
 * ```ts
 * const HELP = helpSubcommand("CLIENT", ["ID", "    Return the client's id."]);
 * ```
 */
export function helpSubcommand(container: string, lines: readonly string[]): Subcommand {
  const all = [
    `${container} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
    ...lines,
    "HELP",
    "    Prints this help.",
  ];
  return {
    arity: 2,
    run(_args, { reply }) {
      reply.array(all.length);
      for (const line of all) reply.simple(line);
    },
  };
}

/**
 * The names of `table`'s subcommands flagged `admin`, for the registry's
 * `adminSubcommands`.
 *
 * @example
 * ```ts
 * adminSubcommands({ GET: { arity: 3, admin: true, run }, HELP: help }); // ["GET"]
 * ```
 */
export function adminSubcommands(table: Readonly<Record<string, Subcommand>>): string[] {
  return Object.keys(table).filter((name) => table[name].admin === true);
}
