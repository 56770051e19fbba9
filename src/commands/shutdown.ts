import { SYNTAX_ERROR } from "./arguments.ts";
import type { Context } from "./command_spec.ts";

/**
 * `SHUTDOWN [NOSAVE | SAVE] [NOW] [FORCE] [ABORT]` → no reply: the server
 * stops as on SIGTERM (every connection finishes the commands it holds, the
 * WAL is closed, the process exits 0), and this connection closes. The WAL
 * holds every acknowledged write whatever the flags; `SAVE` compacts it
 * first (walkv's snapshot), and if that fails answers Redis's
 * `-ERR Errors trying to SHUTDOWN. Check logs.` and keeps running (unless
 * FORCE). `NOW` and `FORCE` concern replicas and failed saves in Redis;
 * walkv has no replicas to wait for. `ABORT` is Redis's "No shutdown in
 * progress": walkv's shutdown never waits.
 *
 * @example
 * ```ts
 * await shutdown(["SHUTDOWN", "NOSAVE"], context); // no reply; the server stops
 * ```
 */
export async function shutdown(args: string[], context: Context): Promise<void> {
  const { reply, client, server } = context;
  const flags = new Set<string>();
  for (const arg of args.slice(1)) {
    const flag = arg.toUpperCase();
    if (!["NOSAVE", "SAVE", "NOW", "FORCE", "ABORT"].includes(flag)) {
      return reply.error(SYNTAX_ERROR);
    }
    flags.add(flag);
  }
  if ((flags.has("NOSAVE") && flags.has("SAVE")) || (flags.has("ABORT") && flags.size > 1)) {
    return reply.error(SYNTAX_ERROR);
  }
  if (flags.has("ABORT")) return reply.error("ERR No shutdown in progress.");
  const compaction = server.databases.compaction;
  if (flags.has("SAVE") && compaction !== null) {
    await compaction.idle();
    compaction.start("SHUTDOWN SAVE");
    await compaction.idle();
    if (!compaction.lastOk && !flags.has("FORCE")) {
      return reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    }
  }
  client.closing = true;
  server.requestShutdown();
}
