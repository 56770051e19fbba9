/**
 * Waiting for what a running walkv prints, for tests that act on a log line
 * (a compaction reaching a step, the WAL failing or recovering).
 *
 * @module
 */
import type { ServerProcess } from "./server_process.ts";

/** Options for {@linkcode waitForOutput}. */
export interface WaitForOutputOptions {
  /** Default `stdout`. */
  stream?: "stdout" | "stderr";
  /** Default 10,000. */
  timeoutMs?: number;
  /** How many times `text` must have appeared. Default 1. */
  count?: number;
}

/** How many times `text` occurs in `output`. */
export function occurrences(output: string, text: string): number {
  return output.split(text).length - 1;
}

/**
 * Resolves with the server's stdout (or stderr) once it contains `text`
 * (`count` times); fails after `timeoutMs`, or when the server exits first,
 * quoting both streams.
 *
 * @example
 * ```ts
 * await waitForOutput(server, "compaction finished");
 * ```
 */
export async function waitForOutput(
  server: ServerProcess,
  text: string,
  options: WaitForOutputOptions = {},
): Promise<string> {
  const read = options.stream === "stderr" ? server.stderrText : server.stdoutText;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const count = options.count ?? 1;
  const seen = () => occurrences(read(), text) >= count;
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  server.process.status.then(() => exited = true);
  while (!seen()) {
    if (exited || Date.now() > deadline) {
      // Output can trail the exit a little; look once more before failing.
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (seen()) break;
      throw new Error(
        `${exited ? "walkv exited" : `timed out after ${timeoutMs} ms`} before printing ` +
          `${JSON.stringify(text)}${count > 1 ? ` ${count} times` : ""} on ${
            options.stream ?? "stdout"
          }\n` +
          `--- stdout ---\n${server.stdoutText()}\n--- stderr ---\n${server.stderrText()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return read();
}
