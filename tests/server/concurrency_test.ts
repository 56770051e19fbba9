/**
 * Many clients at once against a real walkv, through the project's own
 * `TextClient`, with the single-map store and the sharded one.
 */
import { assertEquals } from "@std/assert";
import { TextClient } from "../../src/client/text_client.ts";
import { startServer } from "../helpers/server_process.ts";
import { tempDir } from "../helpers/temp_dir.ts";
import { prng as random } from "../helpers/prng.ts";

const CLIENTS = 50;
const OPERATIONS = 200;
const KEYS_PER_CLIENT = 12;

/**
 * One client's run: mixed SET/GET/DEL on its own keys, every reply checked
 * against its own model. Returns the model: the value each key should hold,
 * absent keys missing.
 */
async function runClient(port: number, id: number): Promise<Map<string, string>> {
  const model = new Map<string, string>();
  const next = random(1000 + id);
  using client = await TextClient.connect({ port });
  for (let op = 0; op < OPERATIONS; op++) {
    const key = `c${id}:k${Math.floor(next() * KEYS_PER_CLIENT)}`;
    const roll = next();
    if (roll < 0.45) {
      const value = `v${id}.${op}`;
      await client.set(key, value);
      model.set(key, value);
    } else if (roll < 0.8) {
      assertEquals(
        await client.get(key),
        model.get(key) ?? null,
        `client ${id} op ${op} GET ${key}`,
      );
    } else {
      await client.del(key);
      model.delete(key);
    }
  }
  return model;
}

for (const shards of [1, 8]) {
  Deno.test(`concurrent clients each see their own writes with --shards ${shards}`, async () => {
    await using dir = await tempDir();
    await using server = await startServer({
      walDir: dir.path,
      args: ["--shards", String(shards)],
    });
    const models = await Promise.all(
      Array.from({ length: CLIENTS }, (_, id) => runClient(server.port, id)),
    );

    // A fresh client reads every key any client could have written.
    using checker = await TextClient.connect({ port: server.port });
    const commands: string[][] = [];
    const expected: string[] = [];
    for (let id = 0; id < CLIENTS; id++) {
      for (let k = 0; k < KEYS_PER_CLIENT; k++) {
        const key = `c${id}:k${k}`;
        commands.push(["GET", key]);
        const value = models[id].get(key);
        expected.push(value === undefined ? `-GET could not find ${key} in store` : `+OK ${value}`);
      }
    }
    assertEquals(await checker.pipeline(commands), expected);

    const status = await server.stop("SIGTERM");
    assertEquals(status.code, 0, server.stderrText());
  });
}
