import { splitPath } from "../io/split_path.ts";
import { StartupError } from "./startup_error.ts";

/** The lock file guarding the WAL at `walPath`. */
export function lockPath(walPath: string): string {
  return `${walPath}.lock`;
}

/**
 * Takes the exclusive lock that makes one walkv process the WAL's only
 * writer, on `<wal>.lock`; the lock lasts until the returned file is closed
 * or the process dies (the kernel drops it, even after SIGKILL, so a crash
 * never leaves a stale lock behind).
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
 * Opens the WAL for reading (replay) and appending, creating it if needed.
 *
 * @throws {StartupError} naming the path and what the system refused.
 */
export function openWal(walPath: string): Promise<Deno.FsFile> {
  return openOrExplain(walPath, walPath, "WAL");
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

async function openOrExplain(path: string, walPath: string, what: string): Promise<Deno.FsFile> {
  try {
    const file = await Deno.open(path, { read: true, write: true, create: true });
    if ((await file.stat()).isFile) return file;
    file.close();
    throw new StartupError(`cannot use the ${what} "${path}": it is not a regular file`);
  } catch (error: unknown) {
    if (error instanceof StartupError) throw error;
    const { directory } = splitPath(walPath);
    if (error instanceof Deno.errors.NotCapable) {
      throw new StartupError(
        `Deno denied access to the ${what} "${path}"; walkv reads and writes the WAL's directory ` +
          `(the WAL, its .lock and .compact files): grant it with --allow-read=${directory} ` +
          `--allow-write=${directory} (deno task start grants only wal_files/), ` +
          `or use a --wal path inside wal_files/`,
      );
    }
    if (error instanceof Deno.errors.PermissionDenied) {
      throw new StartupError(
        `the operating system denied read/write access to the ${what} "${path}" ` +
          `(${(error as Error).message}); fix the permissions or choose another --wal path`,
      );
    }
    if (error instanceof Deno.errors.NotFound) {
      throw new StartupError(
        `cannot create the ${what} "${path}": the directory "${directory}" does not exist; ` +
          `create it first`,
      );
    }
    if (error instanceof Deno.errors.IsADirectory) {
      throw new StartupError(`cannot use the ${what} "${path}": it is a directory`);
    }
    throw new StartupError(`cannot open the ${what} "${path}": ${String(error)}`);
  }
}
