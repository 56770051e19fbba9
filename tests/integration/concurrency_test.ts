import { assertEquals } from "@std/assert";
import { WalkvClient } from "../../src/client/client.ts";
import { ServerProcess } from "./server_process.ts";

const CLIENTS = 50;
const OPERATIONS = 200;

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** One client's run: mixed commands on its own keys, each reply checked against its model. */
async function clientRun(port: number, id: number, model: Map<string, string>): Promise<void> {
  using client = await WalkvClient.connect({ port });
  const next = random(id + 1);
  for (let op = 0; op < OPERATIONS; op++) {
    const key = `c${id}k${Math.floor(next() * 10)}`;
    const roll = next();
    if (roll < 0.45) {
      const value = `v${id}_${op}`;
      await client.set(key, value);
      model.set(key, value);
    } else if (roll < 0.65) {
      await client.del(key);
      model.delete(key);
    } else if (roll < 0.9) {
      assertEquals(await client.get(key), model.get(key) ?? null, `client ${id} op ${op}`);
    } else {
      // A short pipelined burst.
      const value = `p${id}_${op}`;
      const replies = await client.pipeline([["SET", key, value], ["GET", key], ["DEL", key]]);
      assertEquals(replies, ["+OK", `+OK ${value}`, "+OK"]);
      model.delete(key);
    }
  }
}

for (const shards of [1, 8]) {
  Deno.test(`server serves 50 concurrent clients x 200 mixed operations (--shards ${shards})`, async () => {
    const server = await ServerProcess.start({ args: ["--shards", String(shards)] });
    try {
      const models = Array.from({ length: CLIENTS }, () => new Map<string, string>());
      await Promise.all(models.map((model, id) => clientRun(server.port, id, model)));
      using checker = await WalkvClient.connect({ port: server.port });
      const commands: string[][] = [];
      const expected: string[] = [];
      models.forEach((model, id) => {
        for (let k = 0; k < 10; k++) {
          const key = `c${id}k${k}`;
          commands.push(["GET", key]);
          const value = model.get(key);
          expected.push(
            value === undefined ? `-GET could not find ${key} in store` : `+OK ${value}`,
          );
        }
      });
      assertEquals(await checker.pipeline(commands), expected);
    } finally {
      await server.cleanup();
    }
  });
}
