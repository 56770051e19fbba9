import type { Store } from "./store.ts";

/**
 * A store that can take a string key and value as bytes of a buffer, with no
 * JS string made for either: what the WAL replay uses for SET records when
 * the store keeps bytes anyway (`--store arena`). A store without it is given
 * strings, as every command gives them.
 *
 * @example
 * ```ts
 * if (takesBytes(store)) store.setBytes(buffer, 0, 3, 3, 8, 0); // key buffer[0..3), value [3..8)
 * ```
 */
export interface ByteWrites {
  /**
   * Stores the string `bytes[valueStart..valueEnd)` under the key
   * `bytes[keyStart..keyEnd)` with expiry `expiresAt` (0: none), as
   * `Store.set` of their binary strings would; the bytes are copied.
   */
  setBytes(
    bytes: Uint8Array,
    keyStart: number,
    keyEnd: number,
    valueStart: number,
    valueEnd: number,
    expiresAt: number,
  ): void;
}

/** Whether `store` takes keys and values as bytes ({@linkcode ByteWrites}). */
export function takesBytes(store: Store): store is Store & ByteWrites {
  return typeof (store as Partial<ByteWrites>).setBytes === "function";
}
