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
import { stopMonitoring } from "./monitor.ts";
import { REDIS_VERSION } from "./redis_version.ts";

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
  if (version !== null) reply.protocol = client.protocol = version as 2 | 3;
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
 * no watches, no subscriptions (dropped without confirmations), out of
 * MONITOR and NO-EVICT, database 0, RESP2, no name, and authenticated only
 * if no password is set.
 */
export function reset(_args: string[], { reply, client, server }: Context): void {
  client.endTransaction();
  server.pubsub.unsubscribeAll(client);
  stopMonitoring(client, server);
  client.noEvict = false;
  client.db = 0;
  client.name = "";
  client.authenticated = server.requirePass === null;
  reply.protocol = client.protocol = 2;
  reply.simple("RESET");
}
