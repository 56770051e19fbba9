import { splitPath } from "../io/split_path.ts";
import { StartupError } from "./startup_error.ts";

/**
 * Owner read/write only: the WAL holds every value, and walkv has no
 * authentication, so other local users must not read it. The umask can
 * only remove bits from this, never add them.
 */
const FILE_MODE = 0o600;

/** The lock file guarding the WAL at `walPath`. */
export function lockPath(walPath: string): string {
  return `${walPath}.lock`;
}

/**
 * Takes the exclusive lock that makes one walkv process the WAL's only
 * writer, on `<wal>.lock` (created mode 0600 if missing); the lock lasts
 * until the returned file is closed or the process dies (the kernel drops
 * it, even after SIGKILL, so a crash never leaves a stale lock behind).
 *
 * Why a separate file: compaction renames a new file over the WAL, and a
 * lock on the WAL's own inode would go with the old one.
 *
 * @throws {StartupError} naming the path, when another process holds the
 *   lock or the file cannot be opened.
 * @example
 * ```ts
 * using lock = await lockWal("wal_files/wal_file");
 * ```
 */
export async function lockWal(walPath: string): Promise<Deno.FsFile> {
  const path = lockPath(walPath);
  const file = await openOrExplain(path, walPath, "lock file");
  let locked: boolean;
  try {
    locked = await file.tryLock(true);
  } catch (error: unknown) {
    file.close();
    throw new StartupError(`cannot lock "${path}" for the WAL "${walPath}": ${String(error)}`);
  }
  if (!locked) {
    file.close();
    throw new StartupError(
      `the WAL "${walPath}" is in use by another walkv process (it holds the lock on "${path}"); ` +
        `stop that process or choose another --wal path`,
    );
  }
  return file;
}

/**
 * Opens the WAL for reading (replay) and appending, creating it (mode 0600)
 * if needed, then syncs its directory.
 *
 * Why the directory sync: a new file's name lives in its directory, and
 * syncing the file's data does not write the directory. Until the directory
 * is synced, a power cut can lose the name, and every write acknowledged in
 * the file with it. It is synced on every start, not only when this call
 * created the file: a file created by an earlier process that died before
 * its directory reached the disk is just as exposed. One sync also covers
 * the lock file {@linkcode lockWal} created just before.
 *
 * @throws {StartupError} naming the path and what the system refused.
 * @example
 * ```ts
 * const file = await openWal("wal_files/wal_file");
 * ```
 */
export async function openWal(walPath: string): Promise<Deno.FsFile> {
  const file = await openOrExplain(walPath, walPath, "WAL");
  try {
    await syncDirectory(walPath);
  } catch (error: unknown) {
    file.close();
    throw error;
  }
  return file;
}

/**
 * Removes the file a compaction was writing when the process died: the WAL
 * itself is complete and authoritative until the rename. Returns whether
 * there was one.
 */
export async function removeStaleFile(path: string): Promise<boolean> {
  try {
    await Deno.remove(path);
    return true;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new StartupError(`cannot remove the unfinished compaction file "${path}": ${error}`);
  }
}

/** Syncs the directory holding the WAL, so the names of the files in it are on disk. */
async function syncDirectory(walPath: string): Promise<void> {
  const { directory } = splitPath(walPath);
  try {
    using handle = await Deno.open(directory, { read: true });
    await handle.syncData();
  } catch (error: unknown) {
    throw explain(error, directory, walPath, "WAL's directory", "sync");
  }
}

async function openOrExplain(path: string, walPath: string, what: string): Promise<Deno.FsFile> {
  try {
    const file = await Deno.open(path, { read: true, write: true, create: true, mode: FILE_MODE });
    if ((await file.stat()).isFile) return file;
    file.close();
    throw new StartupError(`cannot use the ${what} "${path}": it is not a regular file`);
  } catch (error: unknown) {
    throw explain(error, path, walPath, what, "open");
  }
}

/**
 * The {@linkcode StartupError} for `error`, thrown while trying to `verb`
 * `path` (the WAL, its lock file or its directory), saying what to do.
 */
function explain(
  error: unknown,
  path: string,
  walPath: string,
  what: string,
  verb: "open" | "sync",
): StartupError {
  if (error instanceof StartupError) return error;
  const { directory } = splitPath(walPath);
  if (error instanceof Deno.errors.NotCapable) {
    return new StartupError(
      `Deno denied access to the ${what} "${path}"; walkv reads and writes the WAL's directory ` +
        `(the WAL, its .lock and .compact files): grant it with --allow-read=${directory} ` +
        `--allow-write=${directory} (deno task start grants only wal_files/), ` +
        `or use a --wal path inside wal_files/`,
    );
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    const access = verb === "open" ? "read/write" : "read";
    return new StartupError(
      `the operating system denied ${access} access to the ${what} "${path}" ` +
        `(${(error as Error).message}); fix the permissions or choose another --wal path`,
    );
  }
  if (error instanceof Deno.errors.NotFound) {
    return new StartupError(
      `cannot ${verb === "open" ? "create" : "sync"} the ${what} "${path}": ` +
        `the directory "${directory}" does not exist; create it first`,
    );
  }
  if (error instanceof Deno.errors.IsADirectory) {
    return new StartupError(`cannot use the ${what} "${path}": it is a directory`);
  }
  return new StartupError(`cannot ${verb} the ${what} "${path}": ${String(error)}`);
}
