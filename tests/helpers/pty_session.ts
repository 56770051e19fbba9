/**
 * `deno task start …` run at a pseudo-terminal (tests/helpers/pty_run.py),
 * as a person at a terminal runs it: the task sees a TTY (so Deno would
 * prompt for a missing permission, were prompts on) and Ctrl-C is the tty
 * driver signalling the whole foreground process group.
 *
 * @module
 */
import { REPO_ROOT } from "./server_process.ts";

const encoder = new TextEncoder();

/** A command running at a pty. */
export interface PtySession extends AsyncDisposable {
  /** Everything written to the terminal so far. */
  text(): string;
  /** Waits until the terminal shows `wanted`; fails after `ms` quoting what it shows. */
  waitFor(wanted: string | RegExp, ms?: number): Promise<void>;
  /** Types Ctrl-C. */
  ctrlC(): Promise<void>;
  /** The exit code once the command exited (a signal N as -N). */
  exitCode(ms?: number): Promise<number>;
}

/**
 * Runs `deno task start <args>` from the repository root at a pty.
 * `await using` kills it if it is still running.
 *
 * @example
 * ```ts
 * await using task = startTaskInPty(["--port", "5000"]);
 * await task.waitFor("listening on 127.0.0.1:5000");
 * await task.ctrlC();
 * assertEquals(await task.exitCode(), 0);
 * ```
 */
export function startTaskInPty(args: string[]): PtySession {
  const child = new Deno.Command("python3", {
    args: ["tests/helpers/pty_run.py", Deno.execPath(), "task", "start", ...args],
    cwd: REPO_ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let terminal = "";
  const drained = Promise.all([
    (async () => {
      for await (const text of child.stdout.pipeThrough(new TextDecoderStream())) terminal += text;
    })(),
    child.stderr.cancel(),
  ]);
  const keys = child.stdin.getWriter();
  const waitFor = async (wanted: string | RegExp, ms = 20_000) => {
    const deadline = Date.now() + ms;
    const found = () =>
      typeof wanted === "string" ? terminal.includes(wanted) : wanted.test(terminal);
    while (!found()) {
      if (Date.now() > deadline) {
        throw new Error(
          `no ${String(wanted)} within ${ms} ms; the terminal shows ${JSON.stringify(terminal)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  return {
    text: () => terminal,
    waitFor,
    ctrlC: () => keys.write(encoder.encode("ctrl-c\n")),
    async exitCode(ms = 20_000) {
      await waitFor(/\nEXIT -?\d+\n/, ms);
      return Number(/\nEXIT (-?\d+)\n/.exec(terminal)![1]);
    },
    async [Symbol.asyncDispose]() {
      await keys.close().catch(() => {});
      try {
        child.kill("SIGKILL");
      } catch { /* exited */ }
      await child.status;
      await drained;
    },
  };
}
