import type { RespWriter } from "../../protocol/resp_writer.ts";
import type { CommandGroup, RespCommand } from "./resp_command.ts";
import { parseSyntax, type SyntaxArgument } from "./syntax_arguments.ts";

/**
 * The version COMMAND DOCS gives as every command's `since`: walkv has no
 * per-command history, and `redis-cli` prints the field in `help`.
 */
const SINCE = "1.0.0";

/**
 * Writes `command`'s two elements of a COMMAND DOCS reply (RESP2's flat
 * map): its lower-case name, then its documentation as a flat map of
 * summary, since, group and, when it takes any, the arguments parsed from
 * its synopsis (see {@linkcode parseSyntax}).
 *
 * `redis-cli` 7 builds its `help` text and the grey hints it shows while
 * typing from exactly these fields, so the argument maps follow Redis's
 * schema (name, type, key_spec_index, token, flags, nested arguments), with
 * flags as simple strings as its client asserts.
 *
 * @example
 * ```ts
 * reply.array(2);
 * writeCommandDocs(reply, get);
 * // *2 $3 get *8 $7 summary $... $5 since $5 1.0.0 $5 group $6 string
 * //   $9 arguments *1 *6 $4 name $3 key $4 type $3 key $14 key_spec_index :0
 * ```
 */
export function writeCommandDocs(
  reply: RespWriter,
  command: RespCommand,
  group: CommandGroup,
): void {
  let args: SyntaxArgument[] = [];
  try {
    args = parseSyntax(command.syntax);
  } catch (error: unknown) {
    if (!(error instanceof SyntaxError)) throw error;
    // A malformed synopsis costs the hints, not the whole COMMAND DOCS reply.
  }
  reply.bulk(command.name.toLowerCase());
  reply.array(args.length > 0 ? 8 : 6);
  reply.bulk("summary");
  reply.bulk(command.summary);
  reply.bulk("since");
  reply.bulk(SINCE);
  reply.bulk("group");
  reply.bulk(group);
  if (args.length === 0) return;
  reply.bulk("arguments");
  writeArguments(reply, args, command.keys[0] > 0);
}

function writeArguments(
  reply: RespWriter,
  args: readonly SyntaxArgument[],
  hasKeySpec: boolean,
): void {
  reply.array(args.length);
  for (const argument of args) {
    const flags: string[] = [];
    if (argument.optional) flags.push("optional");
    if (argument.multiple) flags.push("multiple");
    const keySpec = hasKeySpec && argument.type === "key";
    let fields = 4;
    if (keySpec) fields += 2;
    if (argument.token !== undefined) fields += 2;
    if (flags.length > 0) fields += 2;
    if (argument.arguments !== undefined) fields += 2;
    reply.array(fields);
    reply.bulk("name");
    reply.bulk(argument.name);
    reply.bulk("type");
    reply.bulk(argument.type);
    if (keySpec) {
      reply.bulk("key_spec_index");
      reply.integer(0);
    }
    if (argument.token !== undefined) {
      reply.bulk("token");
      reply.bulk(argument.token);
    }
    if (flags.length > 0) {
      reply.bulk("flags");
      reply.array(flags.length);
      for (const flag of flags) reply.simple(flag);
    }
    if (argument.arguments !== undefined) {
      reply.bulk("arguments");
      writeArguments(reply, argument.arguments, hasKeySpec);
    }
  }
}
