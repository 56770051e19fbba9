/**
 * A small tmpfs for tests of a disk that really fills up: mount it, fill it
 * leaving a chosen number of bytes, free it again.
 *
 * Mounting needs root (CI runs as root). Where `mount` fails,
 * {@linkcode whyNoTmpfs} says why, so a test can report itself ignored with
 * the reason in its name instead of passing.
 *
 * @module
 */

const decoder = new TextDecoder();
/** tmpfs hands out space in pages; a filler written in whole pages frees exact amounts. */
const PAGE_BYTES = 4096;
const FILL_CHUNK = new Uint8Array(16 * PAGE_BYTES);

/** Runs `command args…`, returning null on success, else why it failed. */
async function run(command: string, args: string[]): Promise<string | null> {
  try {
    const output = await new Deno.Command(command, {
      args,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(10_000),
    }).output();
    if (output.success) return null;
    return `${command} ${args.join(" ")} exited with code ${output.code}: ` +
      decoder.decode(output.stderr).trim();
  } catch (error: unknown) {
    return `cannot run ${command}: ${error instanceof Error ? error.message : String(error)}`;
  }
}

function mount(path: string, bytes: number): Promise<string | null> {
  return run("mount", ["-t", "tmpfs", "-o", `size=${bytes}`, "tmpfs", path]);
}

/** Lazy, so a process still holding a file there cannot keep the mount busy. */
function unmount(path: string): Promise<string | null> {
  return run("umount", ["-l", path]);
}

/**
 * Null when this machine lets a test mount a tmpfs; else why not.
 *
 * @example
 * ```ts
 * const noTmpfs = await whyNoTmpfs();
 * Deno.test({ name: "…" + (noTmpfs ? ` (ignored: ${noTmpfs})` : ""), ignore: noTmpfs !== null, fn });
 * ```
 */
export async function whyNoTmpfs(): Promise<string | null> {
  const path = await Deno.makeTempDir({ prefix: "walkv_mount_probe_" });
  try {
    const problem = await mount(path, PAGE_BYTES * 16);
    if (problem !== null) return problem;
    return await unmount(path);
  } finally {
    await Deno.remove(path);
  }
}

/** A mounted tmpfs, unmounted and removed on `await using`. */
export interface SmallDisk extends AsyncDisposable {
  /** Where it is mounted. */
  readonly path: string;
  /**
   * Fills the disk with a filler file until exactly `roomBytes` (a multiple
   * of 4096) are left, whatever other files already use.
   */
  fill(roomBytes: number): Promise<void>;
  /** Removes the filler, if any. */
  free(): Promise<void>;
  /** Removes every file on the disk. */
  clear(): Promise<void>;
}

/**
 * Mounts a tmpfs of `bytes` bytes on a new temp dir. Throws, quoting
 * `mount`'s complaint, when it cannot; check {@linkcode whyNoTmpfs} first.
 *
 * @example
 * ```ts
 * await using disk = await mountSmallDisk(2 * 1024 * 1024);
 * await disk.fill(8192); // two pages left for the WAL
 * ```
 */
export async function mountSmallDisk(bytes: number): Promise<SmallDisk> {
  const path = await Deno.makeTempDir({ prefix: "walkv_tmpfs_" });
  const problem = await mount(path, bytes);
  if (problem !== null) {
    await Deno.remove(path);
    throw new Error(`Cannot mount a ${bytes}-byte tmpfs on "${path}": ${problem}`);
  }
  const filler = `${path}/filler`;
  const free = async () => {
    await Deno.remove(filler).catch((error: unknown) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  };
  return {
    path,
    async fill(roomBytes: number) {
      if (roomBytes % PAGE_BYTES !== 0) {
        throw new RangeError(`Expected room in whole 4096-byte pages, found ${roomBytes}`);
      }
      using file = await Deno.open(filler, { write: true, create: true, append: true });
      try {
        for (;;) await file.write(FILL_CHUNK);
      } catch (error: unknown) {
        if ((error as { code?: string }).code !== "ENOSPC") throw error;
      }
      const { size } = await file.stat();
      if (size < roomBytes) {
        throw new RangeError(`Cannot leave ${roomBytes} bytes: only ${size} were free`);
      }
      await file.truncate(size - roomBytes);
    },
    free,
    async clear() {
      for await (const entry of Deno.readDir(path)) {
        await Deno.remove(`${path}/${entry.name}`, { recursive: true });
      }
    },
    async [Symbol.asyncDispose]() {
      // Reported, not thrown, so it cannot hide the test's own failure.
      const problem = await unmount(path);
      if (problem !== null) console.error(`tmpfs: ${problem}`);
      else await Deno.remove(path);
    },
  };
}
