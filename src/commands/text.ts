import type { Context, Dialect } from "./command_spec.ts";
import { checkPassword } from "./arguments.ts";
import type { TextReply } from "./reply.ts";
import { binaryFromText } from "../io/binary.ts";
import { errorMessage } from "../io/error_message.ts";

/**
 * The seed's text protocol: `SET key value`, `GET key`, `DEL key`, plus
 * walkv's `COMPACT` and `AUTH password`. Names are case-sensitive and the
 * field count exact; replies are the seed's lines.
 */
type TextContext = Context<TextReply>;

/**
 * `GET key` → `+OK value`, or `-GET could not find key in store`; for a key
 * holding a container (a hash, a set, …, which only RESP reaches),
 * `-GET key holds a hash, not a string`, in the seed's words.
 *
 * @example
 * ```ts
 * get(["GET", "hello"], context); // "+OK world\n"
 * ```
 */
export function get(fields: string[], { db, reply }: TextContext): void {
  const value = db.value(fields[1]);
  if (value === undefined) reply.missing("GET", fields[1]);
  else if (typeof value === "string") reply.value(value);
  else reply.error(`GET ${fields[1]} holds a ${value.type}, not a string`);
}

/**
 * `SET key value` → `+OK` once the write is durable. Like Redis's SET, it
 * clears any expiry the key had.
 *
 * @example
 * ```ts
 * set(["SET", "hello", "world"], context); // logs "3SET5hello5world\n"
 * ```
 */
export function set(fields: string[], { db, reply }: TextContext): void {
  db.set(fields[1], fields[2]);
  reply.ok();
}

/**
 * `DEL key` → `+OK`, whether or not the key was there. Deleting an absent
 * key changes nothing, so nothing is logged for it.
 *
 * @example
 * ```ts
 * del(["DEL", "hello"], context); // logs "3DEL5hello\n" if it existed
 * ```
 */
export function del(fields: string[], { db, reply }: TextContext): void {
  db.delete(fields[1]);
  reply.ok();
}

/**
 * `COMPACT` → `+OK compaction started`: the text protocol's way to compact
 * the WAL now (RESP has `BGREWRITEAOF`). It returns at once; the server
 * logs when the compaction ends.
 */
export function compact(_fields: string[], { reply, server }: TextContext): void {
  const compaction = server.databases.compaction;
  if (compaction === null) {
    reply.error("ERR there is no WAL to compact: walkv runs with --no-persist");
  } else if (compaction.start("COMPACT")) {
    reply.value("compaction started");
  } else {
    reply.error("ERR compaction already in progress");
  }
}

/**
 * `AUTH password` → `+OK`, or Redis's WRONGPASS line; with no password
 * configured, Redis's error for that. Until it succeeds on a server with
 * `--requirepass`, every other line gets `-NOAUTH Authentication required.`
 */
export function auth(fields: string[], { reply, client, server }: TextContext): void {
  const error = checkPassword(server.requirePass, fields[1]);
  if (error !== null) return reply.error(error);
  client.authenticated = true;
  reply.ok();
}

/** The seed's texts for the gate's refusals. */
export const TEXT_DIALECT: Dialect<TextReply> = {
  unknownCommand(_args, reply) {
    reply.error("INVALID COMMAND");
  },
  wrongArity(spec, reply) {
    reply.error(`${spec.name} ${spec.usage}`);
  },
  outOfMemory(spec, reply) {
    reply.error(`${spec.name} refused, used memory is over maxmemory`);
  },
  loading(spec, reply) {
    reply.error(`${spec.name} refused, the server is loading the WAL`);
  },
  refusedWrite(spec, failure, reply) {
    reply.error(
      `${spec.name} refused, the server is read-only: ${binaryFromText(failure.message)}`,
    );
  },
  failed(spec, error, reply) {
    reply.error(`${spec.name} failed: ${binaryFromText(errorMessage(error))}`);
  },
};
