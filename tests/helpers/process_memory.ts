/**
 * How much memory another process holds, read from Linux's `/proc`, for
 * tests that bound a walkv's memory from the outside: what counts is what the
 * process takes from the machine, runtime and allocator included.
 *
 * @module
 */

const KIB = 1024;
/** The `VmRSS:` line of `/proc/<pid>/status`, e.g. `VmRSS:    51234 kB`. */
const VM_RSS = /^VmRSS:\s+(\d+) kB$/m;
const decoder = new TextDecoder();

/**
 * Whether this machine has `/proc/<pid>/status` to read: Linux does.
 *
 * @example
 * ```ts
 * Deno.test({ name: "…", ignore: !canReadProcessMemory(), fn() {} });
 * ```
 */
export function canReadProcessMemory(): boolean {
  return Deno.build.os === "linux";
}

/**
 * The resident set size of process `pid` in bytes: the `VmRSS` the kernel
 * reports, i.e. the process's pages actually in memory. What the kernel
 * holds in the process's socket buffers is not part of it.
 *
 * The file is read by `cat` because Deno grants `/proc/<pid>/` files only
 * under `--allow-all`, and the tests run with `--allow-run` instead.
 *
 * @example
 * ```ts
 * const bytes = await residentBytes(server.process.pid);
 * ```
 */
export async function residentBytes(pid: number): Promise<number> {
  const path = `/proc/${pid}/status`;
  const output = await new Deno.Command("cat", { args: [path], stdin: "null" }).output();
  if (!output.success) {
    throw new Error(`Cannot read ${path}: ${decoder.decode(output.stderr).trim()}`);
  }
  const status = decoder.decode(output.stdout);
  const match = VM_RSS.exec(status);
  if (match === null) {
    throw new SyntaxError(
      `Expected a VmRSS line in ${path}, found ${JSON.stringify(status.slice(0, 200))}`,
    );
  }
  return Number(match[1]) * KIB;
}

/**
 * `bytes` in MB (10⁶ bytes) with one decimal, for messages.
 *
 * @example
 * ```ts
 * megabytes(631_300_000); // "631.3 MB"
 * ```
 */
export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
