/**
 * MULTI, EXEC, DISCARD, WATCH and UNWATCH, as Redis 7.0 has them. The gate
 * queues every other command while a transaction is open (or refuses it,
 * which makes EXEC abort); EXEC then runs the queue through the gate's
 * `call`, without yielding, and the gate commits all of its writes as one
 * WAL record, so after a crash either every write of the transaction
 * replays or none does, and no reply of it is sent before that record is
 * durable.
 *
 * WATCH marks keys in their database ({@linkcode Db.watch}); any write to
 * one of them, by any client, marks the watcher dirty, and a watched key
 * that expires also aborts the EXEC.
 *
 * @module
 */
import { binaryFromText } from "../io/binary.ts";
import { RESP_DIALECT } from "./gate.ts";
import type { Context } from "./command_spec.ts";

/**
 * `MULTI` → `+OK`; commands are queued until EXEC or DISCARD.
 *
 * @example
 * ```ts
 * multi(["MULTI"], context); // "+OK\r\n"; then SET k v → "+QUEUED\r\n"
 * ```
 */
export function multi(_args: string[], { reply, client }: Context): void {
  if (client.multi !== null) return reply.error("ERR MULTI calls can not be nested");
  client.multi = [];
  reply.ok();
}

/**
 * `EXEC` → an array of the queued commands' replies; the null array when a
 * watched key changed; `-EXECABORT` when a command was refused while
 * queueing (nothing runs) or writes are refused now.
 *
 * @example
 * ```ts
 * exec(["EXEC"], context); // "*2\r\n+OK\r\n:2\r\n" after MULTI, SET m 1, INCR m
 * ```
 */
export function exec(_args: string[], context: Context): void {
  const { reply, client, server, gate } = context;
  const queued = client.multi;
  if (queued === null) return reply.error("ERR EXEC without MULTI");
  if (client.multiFailed) {
    client.endTransaction();
    return reply.error("EXECABORT Transaction discarded because of previous errors.");
  }
  if (client.dirty || watchedKeyExpired(context)) {
    client.endTransaction();
    return reply.nullArray();
  }
  const failure = server.databases.failure;
  if (failure !== null && queued.some(({ entry }) => entry.writes)) {
    client.endTransaction();
    const misconf = `MISCONF Errors writing to the WAL, so writes are refused: ${
      binaryFromText(failure.message)
    }`;
    return reply.error(`EXECABORT Transaction discarded because of: ${misconf}`);
  }
  client.endTransaction();
  reply.array(queued.length);
  context.atomic = true;
  try {
    for (const { entry, args } of queued) {
      // A database another queued command selected applies to the next.
      context.db = server.databases.get(client.db);
      gate.call(entry, RESP_DIALECT, args, context);
    }
  } finally {
    context.atomic = false;
  }
}

/** Whether a key that existed when it was watched has expired since. */
function watchedKeyExpired({ client }: Context): boolean {
  for (const { db, key, existed } of client.watched) {
    if (existed && !db.exists(key)) return true;
  }
  return false;
}

/**
 * `DISCARD` → `+OK`: the queued commands are dropped, the watches forgotten.
 *
 * @example
 * ```ts
 * discard(["DISCARD"], context); // "+OK\r\n"
 * ```
 */
export function discard(_args: string[], { reply, client }: Context): void {
  if (client.multi === null) return reply.error("ERR DISCARD without MULTI");
  client.endTransaction();
  reply.ok();
}

/**
 * `WATCH key [key ...]` → `+OK`: EXEC will abort if any of the keys is
 * changed (or expires) before it.
 *
 * @example
 * ```ts
 * watch(["WATCH", "balance"], context); // "+OK\r\n"
 * ```
 */
export function watch(args: string[], { reply, client, db }: Context): void {
  if (client.multi !== null) return reply.error("ERR WATCH inside MULTI is not allowed");
  for (let i = 1; i < args.length; i++) {
    const key = args[i];
    if (client.watched.some((watched) => watched.db === db && watched.key === key)) continue;
    client.watched.push({ db, key, existed: db.exists(key) });
    db.watch(key, client);
  }
  reply.ok();
}

/**
 * `UNWATCH` → `+OK`: forgets every watched key.
 *
 * @example
 * ```ts
 * unwatch(["UNWATCH"], context); // "+OK\r\n"
 * ```
 */
export function unwatch(_args: string[], { reply, client }: Context): void {
  client.unwatchAll();
  reply.ok();
}
