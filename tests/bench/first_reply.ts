import { RespConnection } from "./resp_connection.ts";
import type { ServerProcess } from "./server_process.ts";

/** Pause between attempts while the server refuses connections or is loading. */
const POLL_MS = 1;

/**
 * Milliseconds from the moment `server`'s current process was spawned until
 * it first answers `GET key` with `value`: what a client waiting for a
 * restarted server sees. It connects as soon as the port accepts (walkv
 * binds before it replays its WAL, so its GET waits in the socket until the
 * replay ends; redis-server answers `-LOADING` while it loads, and the GET is
 * sent again), polling every millisecond, for at most `timeoutMs`.
 *
 * @example
 * ```ts
 * await server.restart("SIGKILL");
 * const ms = await timeToFirstReply(server, keyName(0), valueFor(0), 60_000);
 * ```
 */
export async function timeToFirstReply(
  server: ServerProcess,
  key: string,
  value: string,
  timeoutMs: number,
): Promise<number> {
  const deadline = server.spawnedAt + timeoutMs;
  const left = () => {
    const ms = deadline - performance.now();
    if (ms <= 0) {
      throw new Error(
        `${server.name} did not answer GET ${key} in ${timeoutMs} ms; ` +
          `stderr: ${JSON.stringify(server.stderr)}`,
      );
    }
    return ms;
  };
  while (true) {
    let conn: RespConnection;
    try {
      conn = await RespConnection.connect(server.port);
    } catch (error: unknown) {
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
      left();
      await sleep(POLL_MS);
      continue;
    }
    using _ = conn;
    try {
      while (true) {
        const reply = await conn.command(["GET", key], left());
        if (reply.kind === "bulk" && reply.text === value) {
          return performance.now() - server.spawnedAt;
        }
        if (reply.kind !== "error" || !reply.text.startsWith("LOADING")) {
          throw new Error(
            `${server.name} answered GET ${key} with ${JSON.stringify(reply)}; expected "${value}"`,
          );
        }
        await sleep(POLL_MS);
      }
    } catch (error: unknown) {
      // A process that accepted and then dropped the connection (still
      // starting, or a listener not yet serving) is tried again.
      const dropped = error instanceof Deno.errors.ConnectionReset ||
        error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.UnexpectedEof;
      if (!dropped) throw error;
      left();
      await sleep(POLL_MS);
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
