/**
 * Where an arena store's memory goes, in process: fills an `ArenaStore` of
 * one shard with N keys shaped as the memory bench's (`key:000000000000`…,
 * 16-byte values), and prints its arenas, entry table and index, and what
 * `Deno.memoryUsage()` says after two full GCs (V8's heap, and `external`:
 * the `ArrayBuffer`s). The README's breakdown of the memory bench's RSS comes
 * from this and from the bench's own smaps columns.
 *
 * Run: `deno run --v8-flags=--expose-gc tests/bench/arena_memory.ts [keys]`
 *
 * @module
 */
import { ArenaStore } from "../../src/store/arena_store.ts";
import { keyName, valueFor } from "./workload_shape.ts";

const keys = Number(Deno.args[0] ?? 1_000_000);
const gc = (globalThis as unknown as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with --v8-flags=--expose-gc");
gc();
const before = Deno.memoryUsage();
const store = new ArenaStore(1);
for (let i = 0; i < keys; i++) store.set(keyName(i), valueFor(i));
gc();
gc();
const after = Deno.memoryUsage();
const shard = store.shards[0];
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
console.log(
  `${keys} keys: arenas ${mb(shard.arenaBytes)}, entries ${mb(shard.entryBytes)}, index ` +
    `${mb(shard.slots * 4)} (${shard.slots} slots); V8 heap used ${mb(after.heapUsed)} ` +
    `(${mb(before.heapUsed)} before), committed ${mb(after.heapTotal)}; external ` +
    `${mb(after.external)} (${mb(before.external)} before)`,
);
