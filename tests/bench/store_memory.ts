/**
 * What a store's bookkeeping costs per key, beyond the key and value strings
 * themselves: fills a MapStore with 1,000,000 short keys whose strings
 * exist already, and prints the heap it added per key (after two full GCs).
 * The README's figure for OBJECT IDLETIME's access stamps is this run at the
 * commit before them and after.
 *
 * Run: `deno run --v8-flags=--expose-gc tests/bench/store_memory.ts`
 *
 * @module
 */
import { MapStore } from "../../src/store/map_store.ts";

const KEYS = 1_000_000;

const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const values = Array.from({ length: KEYS }, (_, i) => `v${i}`);
gc();
gc();
const before = Deno.memoryUsage().heapUsed;
const store = new MapStore(Date.now);
for (let i = 0; i < KEYS; i++) store.set(keys[i], values[i]);
gc();
gc();
const after = Deno.memoryUsage().heapUsed;
console.log(`MapStore: ${((after - before) / KEYS).toFixed(1)} bytes per key (${store.size} keys)`);
