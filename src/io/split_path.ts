/**
 * `path`'s directory and file name, split at the last `/`: what walkv needs
 * to sync the WAL's directory, name the files beside it, and answer CONFIG
 * GET `dir`/`appendfilename`. (The design keeps to Deno's built-ins and
 * three std modules, so no `@std/path`.)
 *
 * @example
 * ```ts
 * splitPath("wal_files/wal_file"); // { directory: "wal_files", name: "wal_file" }
 * splitPath("wal");                // { directory: ".", name: "wal" }
 * splitPath("/wal");               // { directory: "/", name: "wal" }
 * ```
 */
export function splitPath(path: string): { directory: string; name: string } {
  const slash = path.lastIndexOf("/");
  if (slash === -1) return { directory: ".", name: path };
  return { directory: path.slice(0, slash) || "/", name: path.slice(slash + 1) };
}
