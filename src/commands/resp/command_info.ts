import type { RespWriter } from "../../protocol/resp_writer.ts";
import type { CommandGroup, RespCommand } from "./resp_command.ts";

/**
 * Commands Redis flags `fast` (constant or logarithmic time, no blocking);
 * a name missing here just loses a hint clients rarely read.
 */
const FAST = new Set([
  "PING",
  "ECHO",
  "SELECT",
  "HELLO",
  "TIME",
  "DBSIZE",
  "GET",
  "SETNX",
  "GETDEL",
  "GETEX",
  "GETSET",
  "STRLEN",
  "INCR",
  "DECR",
  "INCRBY",
  "DECRBY",
  "INCRBYFLOAT",
  "APPEND",
  "MGET",
  "EXISTS",
  "TTL",
  "PTTL",
  "EXPIRETIME",
  "PEXPIRETIME",
  "EXPIRE",
  "PEXPIRE",
  "EXPIREAT",
  "PEXPIREAT",
  "PERSIST",
  "TYPE",
  "UNLINK",
  "RANDOMKEY",
  "TOUCH",
]);

/**
 * Writes `command`'s entry of COMMAND / COMMAND INFO, the ten-element array
 * Redis 7 gives: name (lower case), arity, flags, first key, last key, key
 * step, ACL categories, tips, key specifications, subcommands. Cluster
 * clients route by the key positions; tools read the flags.
 *
 * Flags and categories are derived from the table data: `write` or
 * `readonly`, `fast` for the commands Redis calls fast, and the category of
 * the command's group. walkv has no tips and no subcommand entries.
 *
 * @example
 * ```ts
 * writeCommandInfo(reply, get);
 * // *10 $3 get :2 *2 +readonly +fast :1 :1 :1 *3 +@read +@string +@fast *0 *1 <key spec> *0
 * ```
 */
export function writeCommandInfo(
  reply: RespWriter,
  command: RespCommand,
  group: CommandGroup,
): void {
  const [first, last, step] = command.keys;
  const readonly = !command.writes &&
    (first > 0 || group === "string" || group === "generic" || command.name === "DBSIZE");
  const fast = FAST.has(command.name);
  const flags: string[] = [];
  if (command.writes) flags.push("write");
  if (readonly) flags.push("readonly");
  if (fast) flags.push("fast");
  const categories: string[] = [];
  if (command.writes) categories.push("@write");
  if (readonly) categories.push("@read");
  const groupCategory = GROUP_CATEGORY[group];
  if (groupCategory !== "") categories.push(groupCategory);
  categories.push(fast ? "@fast" : "@slow");

  reply.array(10);
  reply.bulk(command.name.toLowerCase());
  reply.integer(command.arity);
  simpleArray(reply, flags);
  reply.integer(first);
  reply.integer(last);
  reply.integer(step);
  simpleArray(reply, categories);
  reply.array(0); // tips
  if (first > 0) {
    reply.array(1);
    writeKeySpec(reply, command);
  } else {
    reply.array(0);
  }
  reply.array(0); // subcommands
}

const GROUP_CATEGORY: Record<string, string> = {
  string: "@string",
  generic: "@keyspace",
  connection: "@connection",
  server: "",
};

/**
 * One Redis 7 key specification from the legacy (first, last, step) triple:
 * keys start at index `first` and run to `last` (relative to `first`, or
 * counted from the end when negative) every `step` fields.
 */
function writeKeySpec(reply: RespWriter, command: RespCommand): void {
  const [first, last, step] = command.keys;
  reply.array(6);
  reply.bulk("flags");
  simpleArray(reply, command.writes ? ["RW", "update"] : ["RO", "access"]);
  reply.bulk("begin_search");
  reply.array(4);
  reply.bulk("type");
  reply.bulk("index");
  reply.bulk("spec");
  reply.array(2);
  reply.bulk("index");
  reply.integer(first);
  reply.bulk("find_keys");
  reply.array(4);
  reply.bulk("type");
  reply.bulk("range");
  reply.bulk("spec");
  reply.array(6);
  reply.bulk("lastkey");
  reply.integer(last < 0 ? last : last - first);
  reply.bulk("keystep");
  reply.integer(step);
  reply.bulk("limit");
  reply.integer(0);
}

function simpleArray(reply: RespWriter, values: readonly string[]): void {
  reply.array(values.length);
  for (const value of values) reply.simple(value);
}
