/** A temp dir that removes itself, with everything in it, on `await using`. */
export interface TempDir extends AsyncDisposable {
  path: string;
}

/**
 * Makes a temp dir for a test.
 *
 * @example
 * ```ts
 * await using dir = await tempDir();
 * ```
 */
export async function tempDir(): Promise<TempDir> {
  const path = await Deno.makeTempDir({ prefix: "walkv_test_" });
  return {
    path,
    async [Symbol.asyncDispose]() {
      await Deno.remove(path, { recursive: true });
    },
  };
}
