import type { CommandSpec, Context, DocArgument } from "./command_spec.ts";
import type { Reply } from "./reply.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * Writes `spec`'s entry of COMMAND / COMMAND INFO, the ten-element array
 * Redis 7 gives: name (lower case), arity, flags, first key, last key, key
 * step, ACL categories, tips, key specifications, subcommands, all from the
 * registry's data. Cluster clients route by the key positions; tools read
 * the flags. walkv has no tips and no subcommand entries.
 *
 * @example
 * ```ts
 * writeCommandInfo(reply, getSpec);
 * // *10 $3 get :2 *2 +readonly +fast :1 :1 :1 *3 +@read +@string +@fast *0 *1 <key spec> *0
 * ```
 */
export function writeCommandInfo(reply: Reply, spec: CommandSpec): void {
  const [first, last, step] = spec.keys;
  reply.array(10);
  reply.bulk(spec.name.toLowerCase());
  reply.integer(spec.arity);
  simpleSet(reply, spec.flags);
  reply.integer(first);
  reply.integer(last);
  reply.integer(step);
  simpleSet(reply, spec.acl);
  reply.set(0); // tips
  // Redis sends these two as sets in RESP3, arrays in RESP2.
  reply.set(first > 0 ? 1 : 0);
  if (first > 0) writeKeySpec(reply, spec);
  reply.set(0); // subcommands
}

/**
 * One Redis 7 key specification from the legacy (first, last, step) triple:
 * keys start at index `first` and run to `last` (relative to `first`, or
 * counted from the end when negative) every `step` fields.
 */
function writeKeySpec(reply: Reply, spec: CommandSpec): void {
  const [first, last, step] = spec.keys;
  const writes = spec.flags.includes("write");
  reply.map(3);
  reply.bulk("flags");
  simpleSet(reply, writes ? ["RW", "update"] : ["RO", "access"]);
  reply.bulk("begin_search");
  reply.map(2);
  reply.bulk("type");
  reply.bulk("index");
  reply.bulk("spec");
  reply.map(1);
  reply.bulk("index");
  reply.integer(first);
  reply.bulk("find_keys");
  reply.map(2);
  reply.bulk("type");
  reply.bulk("range");
  reply.bulk("spec");
  reply.map(3);
  reply.bulk("lastkey");
  reply.integer(last < 0 ? last : last - first);
  reply.bulk("keystep");
  reply.integer(step);
  reply.bulk("limit");
  reply.integer(0);
}

function simpleSet(reply: Reply, values: readonly string[]): void {
  reply.set(values.length);
  for (const value of values) reply.simple(value);
}

/**
 * Writes `spec`'s two elements of a COMMAND DOCS reply (a map): its
 * lower-case name, then its documentation: summary, since, group and, when
 * it takes any, its arguments. `redis-cli` 7 builds its `help` text and the
 * grey hints it shows while typing from exactly these fields, so the
 * argument maps follow Redis's schema (name, type, key_spec_index, token,
 * flags, nested arguments), with flags as simple strings as its client
 * asserts.
 *
 * @example
 * ```ts
 * reply.map(1);
 * writeCommandDocs(reply, getSpec);
 * // $3 get %4 $7 summary $... $5 since $5 1.0.0 $5 group $6 string $9 arguments *1 ...
 * ```
 */
export function writeCommandDocs(reply: Reply, spec: CommandSpec): void {
  const args = spec.args;
  reply.bulk(spec.name.toLowerCase());
  reply.map(args.length > 0 ? 4 : 3);
  reply.bulk("summary");
  reply.bulk(spec.summary);
  reply.bulk("since");
  reply.bulk(spec.since);
  reply.bulk("group");
  reply.bulk(spec.group);
  if (args.length === 0) return;
  reply.bulk("arguments");
  writeArguments(reply, args, spec.keys[0] > 0);
}

function writeArguments(
  reply: Reply,
  args: readonly DocArgument[],
  hasKeySpec: boolean,
): void {
  reply.array(args.length);
  for (const argument of args) {
    const flags: string[] = [];
    if (argument.optional) flags.push("optional");
    if (argument.multiple) flags.push("multiple");
    const keySpec = hasKeySpec && argument.type === "key";
    let fields = 2;
    if (keySpec) fields++;
    if (argument.token !== undefined) fields++;
    if (flags.length > 0) fields++;
    if (argument.arguments !== undefined) fields++;
    reply.map(fields);
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

function writeAllInfo({ reply, commands }: Context): void {
  reply.array(commands.all.length);
  for (const spec of commands.all) writeCommandInfo(reply, spec);
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
        const entry = commands.get(args[i]);
        if (entry === undefined) reply.nullBulk();
        else writeCommandInfo(reply, entry.spec);
      }
    },
  },
  DOCS: {
    arity: -2,
    run(args, { reply, commands }) {
      const found = args.length === 2 ? commands.all : args.slice(2).flatMap((name) => {
        const entry = commands.get(name);
        return entry === undefined ? [] : [entry.spec];
      });
      reply.map(found.length);
      for (const spec of found) writeCommandDocs(reply, spec);
    },
  },
  LIST: {
    arity: 2,
    run(_args, { reply, commands }) {
      reply.bulkArray(commands.all.map((spec) => spec.name.toLowerCase()));
    },
  },
  GETKEYS: {
    arity: -4,
    run(args, { reply, commands }) {
      const entry = commands.get(args[2]);
      if (entry === undefined) return reply.error("ERR Invalid command specified");
      const request = args.slice(2);
      const arity = entry.spec.arity;
      if (arity > 0 ? request.length !== arity : request.length < -arity) {
        return reply.error("ERR Invalid number of arguments specified for command");
      }
      const [first, last, step] = entry.spec.keys;
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

/** The subcommands of COMMAND, for the registry. */
export const COMMAND_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);

/**
 * `COMMAND [COUNT | INFO [name ...] | DOCS [name ...] | LIST | GETKEYS cmd
 * arg ... | HELP]`: the command table as data, in Redis 7's shapes. Client
 * libraries read COMMAND to learn key positions, and `redis-cli` reads
 * COMMAND DOCS at start for its help and typing hints.
 *
 * @example
 * ```ts
 * command(["COMMAND", "COUNT"], context); // ":57\r\n"
 * command(["COMMAND", "INFO", "nosuch"], context); // "*1\r\n$-1\r\n"
 * ```
 */
export function command(args: string[], context: Context): void {
  if (args.length === 1) return writeAllInfo(context);
  runSubcommand("COMMAND", SUBCOMMANDS, args, context);
}
