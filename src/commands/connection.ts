import {
  checkPassword,
  INVALID_CLIENT_NAME,
  isValidClientName,
  NOT_AN_INTEGER,
  parseInteger,
  passwordMatches,
  SYNTAX_ERROR,
  WRONGPASS,
} from "./arguments.ts";
import type { Context } from "./command_spec.ts";
import { REDIS_VERSION } from "./redis_version.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/**
 * `PING [message]` → `+PONG`, or the message as a bulk string. A RESP2
 * client in subscribed mode gets Redis's array instead, `pong` and the
 * message (empty without one), which its message loop can read.
 *
 * @example
 * ```ts
 * ping(["PING"], context); // "+PONG\r\n"; subscribed, RESP2: "*2\r\n$4\r\npong\r\n$0\r\n\r\n"
 * ```
 */
export function ping(args: string[], { reply, client }: Context): void {
  if (args.length > 2) {
    return reply.error("ERR wrong number of arguments for 'ping' command");
  }
  if (client.subscriptions !== 0 && reply.protocol === 2) {
    reply.array(2);
    reply.bulk("pong");
    reply.bulk(args.length === 2 ? args[1] : "");
  } else if (args.length === 2) reply.bulk(args[1]);
  else reply.simple("PONG");
}

/**
 * `ECHO message` → the message as a bulk string, byte for byte.
 *
 * @example
 * ```ts
 * echo(["ECHO", "hi"], context); // "$2\r\nhi\r\n"
 * ```
 */
export function echo(args: string[], { reply }: Context): void {
  reply.bulk(args[1]);
}

/**
 * `QUIT` → `+OK`, then the connection closes once the replies before it
 * (and this one) are written; requests pipelined after it are not run.
 *
 * @example
 * ```ts
 * quit(["QUIT"], context); // "+OK\r\n"; context.client.closing === true
 * ```
 */
export function quit(_args: string[], { reply, client }: Context): void {
  client.closing = true;
  reply.ok();
}

/**
 * `SELECT index` → `+OK`, and the connection's commands use database
 * `index` from then on; an index outside `--databases` is Redis's
 * out-of-range error, and the connection stays where it was.
 *
 * @example
 * ```ts
 * select(["SELECT", "3"], context); // "+OK\r\n"
 * select(["SELECT", "16"], context); // "-ERR DB index is out of range\r\n"
 * ```
 */
export function select(args: string[], { reply, client, server }: Context): void {
  const index = parseInteger(args[1]);
  if (index === null) return reply.error(NOT_AN_INTEGER);
  if (index < 0 || index >= server.databases.length) {
    return reply.error("ERR DB index is out of range");
  }
  client.db = index;
  reply.ok();
}

/**
 * `HELLO [protover [AUTH username password] [SETNAME clientname]]` → the
 * server's handshake map: server, version, proto, id, mode, role, modules.
 *
 * `HELLO 3` switches the connection to RESP3 before the map is written (so
 * the map is RESP3's `%7`), `HELLO 2` back to RESP2; other versions are
 * `NOPROTO`. `AUTH` logs in as `AUTH` does; without it, a connection that
 * has not authenticated gets Redis's NOAUTH explanation.
 *
 * @example
 * ```ts
 * hello(["HELLO", "3", "SETNAME", "app"], context);
 * // %7 $6 server $5 redis $7 version $6 7.0.15 $5 proto :3 $2 id :1 ...
 * hello(["HELLO", "4"], context); // "-NOPROTO unsupported protocol version\r\n"
 * ```
 */
export function hello(args: string[], { reply, client, server }: Context): void {
  let version: number | null = null;
  if (args.length >= 2) {
    version = parseInteger(args[1]);
    if (version === null) {
      return reply.error("ERR Protocol version is not an integer or out of range");
    }
    if (version < 2 || version > 3) return reply.error("NOPROTO unsupported protocol version");
  }
  let user: string | null = null;
  let password = "";
  let name: string | null = null;
  for (let i = 2; i < args.length; i++) {
    const option = args[i].toUpperCase();
    const more = args.length - 1 - i;
    if (option === "AUTH" && more >= 2) {
      user = args[i + 1];
      password = args[i + 2];
      i += 2;
    } else if (option === "SETNAME" && more >= 1) {
      name = args[i + 1];
      if (!isValidClientName(name)) return reply.error(INVALID_CLIENT_NAME);
      i++;
    } else {
      return reply.error(`ERR Syntax error in HELLO option '${args[i].slice(0, 128)}'`);
    }
  }
  if (user !== null) {
    if (!passwordMatches(server.requirePass, user, password)) return reply.error(WRONGPASS);
    client.authenticated = true;
  }
  if (!client.authenticated) return reply.error(HELLO_NOAUTH);
  if (name !== null) client.name = name;
  if (version !== null) reply.protocol = version as 2 | 3;
  reply.map(7);
  reply.bulk("server");
  reply.bulk("redis");
  reply.bulk("version");
  reply.bulk(REDIS_VERSION);
  reply.bulk("proto");
  reply.integer(reply.protocol);
  reply.bulk("id");
  reply.integer(client.id);
  reply.bulk("mode");
  reply.bulk("standalone");
  reply.bulk("role");
  reply.bulk("master");
  reply.bulk("modules");
  reply.array(0);
}

/** HELLO's refusal before authentication, in Redis's words. */
const HELLO_NOAUTH = "NOAUTH HELLO must be called with the client already authenticated, " +
  "otherwise the HELLO AUTH <user> <pass> option can be used to authenticate " +
  "the client and select the RESP protocol version at the same time";

/**
 * `AUTH [username] password` → `+OK`, making the connection authenticated;
 * Redis's WRONGPASS otherwise. The only user is `default`; without
 * `requirepass` it takes any password (Redis's `nopass`), but the
 * one-argument form is an error, as in Redis. Compared in constant time.
 *
 * @example
 * ```ts
 * auth(["AUTH", "s3cret"], context); // "+OK\r\n" with --requirepass s3cret
 * ```
 */
export function auth(args: string[], { reply, client, server }: Context): void {
  if (args.length > 3) return reply.error(SYNTAX_ERROR);
  if (args.length === 2) {
    const error = checkPassword(server.requirePass, args[1]);
    if (error !== null) return reply.error(error);
  } else if (!passwordMatches(server.requirePass, args[1], args[2])) {
    return reply.error(WRONGPASS);
  }
  client.authenticated = true;
  reply.ok();
}

/**
 * `RESET` → `+RESET`: the connection as if new: out of any transaction,
 * no watches, no subscriptions (dropped without confirmations), database 0,
 * RESP2, no name, and authenticated only if no password is set.
 */
export function reset(_args: string[], { reply, client, server }: Context): void {
  client.endTransaction();
  server.pubsub.unsubscribeAll(client);
  client.db = 0;
  client.name = "";
  client.authenticated = server.requirePass === null;
  reply.protocol = 2;
  reply.simple("RESET");
}

const SUBCOMMANDS: Readonly<Record<string, Subcommand>> = {
  ID: {
    arity: 2,
    run(_args, { reply, client }) {
      reply.integer(client.id);
    },
  },
  GETNAME: {
    arity: 2,
    run(_args, { reply, client }) {
      reply.bulkOrNull(client.name === "" ? undefined : client.name);
    },
  },
  SETNAME: {
    arity: 3,
    run(args, { reply, client }) {
      if (!isValidClientName(args[2])) return reply.error(INVALID_CLIENT_NAME);
      client.name = args[2];
      reply.ok();
    },
  },
  SETINFO: {
    arity: 4,
    run(args, { reply }) {
      // Newer client libraries announce themselves on connect; walkv accepts
      // and forgets, since nothing here reports the library.
      const attribute = args[2].toUpperCase();
      if (attribute !== "LIB-NAME" && attribute !== "LIB-VER") {
        return reply.error(`ERR Unrecognized option '${args[2].slice(0, 128)}'`);
      }
      if (!isValidClientName(args[3])) {
        return reply.error(
          `ERR ${attribute.toLowerCase()} cannot contain spaces, newlines or special characters.`,
        );
      }
      reply.ok();
    },
  },
  INFO: {
    arity: 2,
    run(_args, { reply, client, server }) {
      const age = Math.floor((Date.now() - client.connectedAt) / 1000);
      reply.verbatim(
        `id=${client.id} addr=${client.address} ` +
          `laddr=${server.config.host}:${server.port} name=${client.name} ` +
          `age=${age} idle=0 flags=${client.multi === null ? "N" : "x"} db=${client.db} ` +
          `sub=0 psub=0 ssub=0 multi=${client.multi === null ? -1 : client.multi.length} ` +
          `cmd=client|info user=default resp=${reply.protocol}\n`,
      );
    },
  },
  HELP: helpSubcommand("CLIENT", [
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "SETINFO <LIB-NAME|LIB-VER> <value>",
    "    Accept the client library's name or version (not stored).",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
  ]),
};

/** The subcommands of CLIENT, for the registry. */
export const CLIENT_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);

/**
 * `CLIENT ID | GETNAME | SETNAME name | SETINFO attr value | INFO | HELP`:
 * the connection's own identity. Client libraries name their connections
 * and announce themselves with these on connect, so each must answer as
 * Redis does.
 *
 * CLIENT LIST, KILL and the other subcommands about *other* connections are
 * not offered: walkv keeps no registry of connections.
 *
 * @example
 * ```ts
 * client(["CLIENT", "SETNAME", "worker-1"], context); // "+OK\r\n"
 * client(["CLIENT", "GETNAME"], context); // "$8\r\nworker-1\r\n"
 * ```
 */
export function client(args: string[], context: Context): void {
  runSubcommand("CLIENT", SUBCOMMANDS, args, context);
}
