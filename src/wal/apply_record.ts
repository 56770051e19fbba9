import type { Store } from "../store/store.ts";
import type { WalRecord } from "./record.ts";

/**
 * Applies one replayed record to `store`. Expiry times are absolute, so a
 * key whose time passed while the server was down is removed rather than
 * loaded: replay never resurrects an expired key.
 *
 * @example
 * ```ts
 * applyRecord(store, { op: "SET", key: "k", value: "v", expiresAt: 0 }, Date.now());
 * ```
 */
export function applyRecord(store: Store, record: WalRecord, now: number): void {
  switch (record.op) {
    case "SET":
      if (record.expiresAt !== 0 && record.expiresAt <= now) store.delete(record.key);
      else store.set(record.key, record.value, record.expiresAt);
      return;
    case "DEL":
      store.delete(record.key);
      return;
    case "PEXPIREAT":
      if (record.expiresAt !== 0 && record.expiresAt <= now) store.delete(record.key);
      else store.setExpiresAt(record.key, record.expiresAt);
      return;
    case "FLUSHALL":
      store.clear();
      return;
    case "MULTI":
      for (const inner of record.records) applyRecord(store, inner, now);
      return;
  }
}
