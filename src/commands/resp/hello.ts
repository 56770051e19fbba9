import { INVALID_CLIENT_NAME, isValidClientName } from "./client_name.ts";
import { parseInteger } from "./parse_integer.ts";
import { REDIS_VERSION } from "./redis_version.ts";
import type { RespCommand } from "./resp_command.ts";

/**
 * `HELLO [protover [AUTH username password] [SETNAME clientname]]` → the
 * server's handshake map, as RESP2's flat array: server, version, proto,
 * id, mode, role, modules.
 *
 * walkv speaks only RESP2: `HELLO 3` answers `NOPROTO`, which is how
 * clients learn to stay on RESP2 (Redis answers the same for versions it
 * lacks). There are no users or passwords, so AUTH succeeds for the
 * `default` user whatever the password (Redis's default user without a
 * password) and fails for any other name.
 *
 * @example
 * ```ts
 * hello.run(["HELLO", "2", "SETNAME", "app"], context);
 * // *14 $6 server $5 redis $7 version $6 7.0.15 $5 proto :2 $2 id :1 ...
 * hello.run(["HELLO", "3"], context); // "-NOPROTO unsupported protocol version\r\n"
 * ```
 */
export const hello: RespCommand = {
  name: "HELLO",
  arity: -1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Handshakes with the Redis server.",
  syntax: "[protover [AUTH username password] [SETNAME clientname]]",
  run(args, { reply, client }) {
    if (args.length >= 2) {
      const version = parseInteger(args[1]);
      if (version === null) {
        return reply.error("ERR Protocol version is not an integer or out of range");
      }
      if (version !== 2) return reply.error("NOPROTO unsupported protocol version");
    }
    let user: string | null = null;
    let name: string | null = null;
    for (let i = 2; i < args.length; i++) {
      const option = args[i].toUpperCase();
      const more = args.length - 1 - i;
      if (option === "AUTH" && more >= 2) {
        user = args[i + 1];
        i += 2;
      } else if (option === "SETNAME" && more >= 1) {
        name = args[i + 1];
        i++;
      } else {
        return reply.error(`ERR Syntax error in HELLO option '${args[i].slice(0, 128)}'`);
      }
    }
    if (user !== null && user !== "default") {
      return reply.error("WRONGPASS invalid username-password pair or user is disabled.");
    }
    if (name !== null) {
      if (!isValidClientName(name)) return reply.error(INVALID_CLIENT_NAME);
      client.name = name;
    }
    reply.array(14);
    reply.bulk("server");
    reply.bulk("redis");
    reply.bulk("version");
    reply.bulk(REDIS_VERSION);
    reply.bulk("proto");
    reply.integer(2);
    reply.bulk("id");
    reply.integer(client.id);
    reply.bulk("mode");
    reply.bulk("standalone");
    reply.bulk("role");
    reply.bulk("master");
    reply.bulk("modules");
    reply.array(0);
  },
};
