import type { Store } from "./store.ts";

/**
 * A {@linkcode Store} backed by a single `Map`: the seed's `HashMap`, chosen
 * with `--shards 1`.
 *
 * @example
 * ```ts
 * const store = new MapStore();
 * store.set("k", "v");
 * store.size; // 1
 * ```
 */
export class MapStore implements Store {
  #map = new Map<string, string>();

  get(key: string): string | undefined {
    return this.#map.get(key);
  }

  set(key: string, value: string): void {
    this.#map.set(key, value);
  }

  delete(key: string): boolean {
    return this.#map.delete(key);
  }

  get size(): number {
    return this.#map.size;
  }

  entries(): IterableIterator<[string, string]> {
    return this.#map.entries();
  }
}
