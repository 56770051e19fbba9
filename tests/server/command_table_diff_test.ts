/**
 * walkv's command table against a real redis-server's: for every command
 * walkv has, COMMAND INFO's name, arity, flags, key positions and ACL
 * categories, and COMMAND DOCS' `since` and `group`, must be Redis 7.0's.
 * The registry is walkv's own data; this is the independent reference that
 * keeps it honest (a wrong flag or a wrong arity fails here, whatever the
 * registry says).
 */
import { assertEquals } from "@std/assert";
import { startRedisServer } from "../helpers/redis_server.ts";
import { RawConnection, startServer } from "../helpers/server_process.ts";
import { frame } from "../helpers/resp_frames.ts";
import { tempDir } from "../helpers/temp_dir.ts";

/** A decoded RESP2 reply: simple and bulk strings alike as strings. */
type Resp = string | number | null | Resp[];

/** Reads one whole RESP2 reply off `connection`. */
async function read(connection: RawConnection): Promise<Resp> {
  const line = new TextDecoder().decode(await connection.readReplies(1)).slice(0, -2);
  const type = line[0];
  const rest = line.slice(1);
  if (type === "+") return rest;
  if (type === "-") throw new Error(`error reply: ${rest}`);
  if (type === ":") return Number(rest);
  if (type === "$") {
    const length = Number(rest);
    if (length < 0) return null;
    let body = "";
    while (body.length < length + 2) {
      body += new TextDecoder().decode(await connection.readReplies(1));
    }
    return body.slice(0, length);
  }
  if (type === "*") {
    const count = Number(rest);
    if (count < 0) return null;
    const items: Resp[] = [];
    for (let i = 0; i < count; i++) items.push(await read(connection));
    return items;
  }
  throw new Error(`unexpected reply line ${JSON.stringify(line)}`);
}

async function call(connection: RawConnection, ...args: string[]): Promise<Resp> {
  await connection.send(frame(...args));
  return await read(connection);
}

/** What is compared of one command: COMMAND INFO's first seven fields, and two of COMMAND DOCS. */
async function describe(port: number, names: string[]): Promise<Map<string, unknown>> {
  using connection = await RawConnection.connect(port);
  const infos = await call(connection, "COMMAND", "INFO", ...names) as Resp[];
  const docs = await call(connection, "COMMAND", "DOCS", ...names) as Resp[];
  const docsByName = new Map<string, Map<string, Resp>>();
  for (let i = 0; i < docs.length; i += 2) {
    const fields = docs[i + 1] as Resp[];
    const map = new Map<string, Resp>();
    for (let j = 0; j < fields.length; j += 2) map.set(fields[j] as string, fields[j + 1]);
    docsByName.set(docs[i] as string, map);
  }
  const described = new Map<string, unknown>();
  names.forEach((name, i) => {
    const info = infos[i] as Resp[] | null;
    const doc = docsByName.get(name);
    described.set(name, {
      info: info?.slice(0, 7) ?? null,
      since: doc?.get("since") ?? null,
      group: doc?.get("group") ?? null,
    });
  });
  return described;
}

Deno.test("command table: every walkv command is described as redis-server describes it", async () => {
  await using dir = await tempDir();
  await using walkv = await startServer({ walDir: dir.path });
  await using redis = await startRedisServer();
  let names: string[];
  {
    using connection = await RawConnection.connect(walkv.port);
    names = (await call(connection, "COMMAND", "LIST") as string[]).sort();
  }
  assertEquals(names.length > 50, true, `walkv lists ${names.length} commands`);
  const ours = await describe(walkv.port, names);
  const theirs = await describe(redis.port, names);
  for (const name of names) assertEquals(ours.get(name), theirs.get(name), name);
});
