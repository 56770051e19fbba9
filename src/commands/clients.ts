import { INVALID_CLIENT_NAME, isValidClientName, parseLong, SYNTAX_ERROR } from "./arguments.ts";
import type { ClientState } from "./client_state.ts";
import type { Context } from "./command_spec.ts";
import { parseTimeoutMs } from "./replication.ts";
import { adminSubcommands, helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

/** CLIENT LIST's and KILL's client types, as Redis names them (`slave` is `replica`). */
const TYPES = new Set(["normal", "master", "replica", "slave", "pubsub"]);

/**
 * One client as a line of CLIENT LIST and CLIENT INFO, with Redis 7.0.15's
 * fields in its order. walkv's own values: `fd=-1` (Deno does not expose
 * descriptors), `user=default` (the only user), `redir=-1` (no tracking),
 * `resp=0` for a connection on the seed's text protocol; the buffer fields
 * are the session's read buffer and unsent replies, and `argv-mem` is the
 * request being run (so non-zero only for the client asking).
 *
 * @example
 * ```ts
 * clientLine(client, []);
 * // "id=3 addr=127.0.0.1:50412 laddr=127.0.0.1:4242 fd=-1 name= age=0 idle=0 flags=N db=0 …"
 * ```
 */
export function clientLine(client: ClientState<unknown>, running: readonly string[]): string {
  const now = performance.now();
  const buffers = client.buffers?.() ?? null;
  let argvBytes = 0;
  for (const arg of running) argvBytes += arg.length;
  const queryBytes = buffers?.queryBytes ?? 0;
  const readBuffer = buffers?.readBufferBytes ?? 0;
  const unsent = buffers?.unsentBytes ?? 0;
  return `id=${client.id} addr=${client.address} laddr=${client.localAddress} fd=-1 ` +
    `name=${client.name} age=${Math.floor((Date.now() - client.connectedAt) / 1000)} ` +
    `idle=${Math.max(0, Math.floor((now - client.activeAt) / 1000))} flags=${flags(client)} ` +
    `db=${client.db} sub=${client.channels.size} psub=${client.patterns.size} ssub=0 ` +
    `multi=${client.multi === null ? -1 : client.multi.length} qbuf=${queryBytes} ` +
    `qbuf-free=${buffers?.queryFree ?? 0} argv-mem=${argvBytes} multi-mem=${client.multiBytes} ` +
    `rbs=${readBuffer} rbp=${buffers?.readBufferPeak ?? 0} obl=${buffers?.heldBytes ?? 0} ` +
    `oll=${unsent > (buffers?.heldBytes ?? 0) ? 1 : 0} omem=${unsent} ` +
    `tot-mem=${readBuffer + unsent + argvBytes + client.multiBytes} ` +
    `events=${buffers?.writing ? "rw" : "r"} cmd=${commandName(client)} user=default ` +
    `redir=-1 resp=${client.protocol}`;
}

/** Redis's flag letters, in its order; `N` for none. */
function flags(client: ClientState<unknown>): string {
  let letters = "";
  if (client.monitoring) letters += "O";
  if (client.subscriptions !== 0) letters += "P";
  if (client.multi !== null) letters += "x";
  if (client.blocked !== null) letters += "b";
  if (client.dirty) letters += "d";
  if (client.closing) letters += "c";
  if (client.noEvict) letters += "e";
  return letters === "" ? "N" : letters;
}

/** The last command's full name (`get`, `client|list`), or `NULL`, as Redis prints it. */
function commandName(client: ClientState<unknown>): string {
  const last = client.lastCommand;
  if (last === null) return "NULL";
  const name = last.name.toLowerCase();
  if (last.subcommands === undefined) return name;
  const subcommand = client.lastSubcommand.toUpperCase();
  return last.subcommands.includes(subcommand) ? `${name}|${subcommand.toLowerCase()}` : "NULL";
}

/** CLIENT LIST TYPE's and KILL TYPE's type of `client` (a monitor is `normal`, as in Redis). */
function typeOf(client: ClientState<unknown>): string {
  return client.subscriptions !== 0 ? "pubsub" : "normal";
}

/** The filters of `CLIENT KILL <option> <value> …`, or Redis's error. */
interface KillFilter {
  id?: number;
  type?: string;
  address?: string;
  localAddress?: string;
  skipMe: boolean;
}

function parseKillFilter(args: string[]): KillFilter | string {
  const filter: KillFilter = { skipMe: true };
  if ((args.length - 2) % 2 !== 0) return SYNTAX_ERROR;
  for (let i = 2; i < args.length; i += 2) {
    const option = args[i].toUpperCase();
    const value = args[i + 1];
    if (option === "ID") {
      const id = parseLong(value);
      if (id === null || id < 1) return "ERR client-id should be greater than 0";
      filter.id = id;
    } else if (option === "TYPE") {
      const type = value.toLowerCase();
      if (!TYPES.has(type)) return `ERR Unknown client type '${value}'`;
      filter.type = type === "slave" ? "replica" : type;
    } else if (option === "USER") {
      if (value !== "default") return `ERR No such user '${value}'`;
    } else if (option === "ADDR") {
      filter.address = value;
    } else if (option === "LADDR") {
      filter.localAddress = value;
    } else if (option === "SKIPME") {
      const yes = value.toLowerCase();
      if (yes !== "yes" && yes !== "no") return SYNTAX_ERROR;
      filter.skipMe = yes === "yes";
    } else {
      return SYNTAX_ERROR;
    }
  }
  return filter;
}

function matches(filter: KillFilter, client: ClientState<unknown>): boolean {
  return (filter.id === undefined || client.id === filter.id) &&
    (filter.type === undefined || typeOf(client) === filter.type) &&
    (filter.address === undefined || client.address === filter.address) &&
    (filter.localAddress === undefined || client.localAddress === filter.localAddress);
}

/**
 * Closes `target`: another client at once (what it had not been sent is
 * dropped, as Redis's `freeClient` drops it), the caller itself once this
 * reply is written (Redis's `CLIENT_CLOSE_AFTER_REPLY`).
 */
function kill(target: ClientState<unknown>, self: ClientState<unknown>): void {
  if (target === self) target.closing = true;
  else target.kill();
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
  INFO: {
    arity: 2,
    run(args, { reply, client }) {
      reply.verbatim(clientLine(client, args) + "\n");
    },
  },
  LIST: {
    arity: -2,
    admin: true,
    run(args, { reply, client, server }) {
      let wanted: (other: ClientState<unknown>) => boolean = () => true;
      if (args.length === 4 && args[2].toUpperCase() === "TYPE") {
        const type = args[3].toLowerCase();
        if (!TYPES.has(type)) return reply.error(`ERR Unknown client type '${args[3]}'`);
        wanted = (other) => typeOf(other) === type;
      } else if (args.length > 3 && args[2].toUpperCase() === "ID") {
        const ids = new Set<number>();
        for (const text of args.slice(3)) {
          const id = parseLong(text);
          if (id === null) return reply.error("ERR Invalid client ID");
          ids.add(id);
        }
        wanted = (other) => ids.has(other.id);
      } else if (args.length !== 2) {
        return reply.error(SYNTAX_ERROR);
      }
      let text = "";
      for (const other of server.clients.values()) {
        if (wanted(other)) text += clientLine(other, other === client ? args : []) + "\n";
      }
      reply.verbatim(text);
    },
  },
  KILL: {
    arity: -3,
    admin: true,
    run(args, { reply, client, server }) {
      if (args.length === 3) {
        // The old form, CLIENT KILL addr:port: +OK, or an error if nobody is there.
        for (const other of server.clients.values()) {
          if (other.address === args[2]) {
            kill(other, client);
            return reply.ok();
          }
        }
        return reply.error("ERR No such client");
      }
      const filter = parseKillFilter(args);
      if (typeof filter === "string") return reply.error(filter);
      let killed = 0;
      for (const other of [...server.clients.values()]) {
        if (!matches(filter, other) || (filter.skipMe && other === client)) continue;
        kill(other, client);
        killed++;
      }
      reply.integer(killed);
    },
  },
  PAUSE: {
    arity: -3,
    admin: true,
    run(args, { reply, server }) {
      if (args.length > 4) {
        return reply.error(
          `ERR unknown subcommand or wrong number of arguments for '${
            args[1].slice(0, 128)
          }'. Try CLIENT HELP.`,
        );
      }
      let mode: "all" | "write" = "all";
      if (args.length === 4) {
        const word = args[3].toUpperCase();
        if (word !== "WRITE" && word !== "ALL") {
          return reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
        }
        mode = word === "WRITE" ? "write" : "all";
      }
      const timeout = parseTimeoutMs(args[2]);
      if (typeof timeout !== "number") return reply.error(timeout.error);
      server.pause.pause(performance.now() + timeout, mode);
      reply.ok();
    },
  },
  UNPAUSE: {
    arity: 2,
    admin: true,
    run(_args, { reply, server }) {
      server.pause.unpause();
      reply.ok();
    },
  },
  "NO-EVICT": {
    arity: 3,
    admin: true,
    run(args, { reply, client }) {
      const word = args[2].toUpperCase();
      if (word !== "ON" && word !== "OFF") return reply.error(SYNTAX_ERROR);
      client.noEvict = word === "ON";
      reply.ok();
    },
  },
  HELP: helpSubcommand("CLIENT", [
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR <ip:port>",
    "      Kill connections made from the specified address",
    "    * LADDR <ip:port>",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
  ]),
};

/** The subcommands of CLIENT, for the registry. */
export const CLIENT_SUBCOMMANDS: readonly string[] = Object.keys(SUBCOMMANDS);
/** Those Redis flags `admin`, which MONITOR does not show. */
export const CLIENT_ADMIN: readonly string[] = adminSubcommands(SUBCOMMANDS);

/**
 * `CLIENT ID | GETNAME | SETNAME name | INFO | LIST [TYPE t | ID id …] |
 * KILL … | PAUSE ms [WRITE|ALL] | UNPAUSE | NO-EVICT ON|OFF | HELP`, as
 * Redis 7.0.15 answers them; every connection of either protocol is in
 * the server's client registry, so LIST and KILL see text connections too.
 * (CLIENT SETINFO is Redis 7.2's: 7.0.15 answers "unknown subcommand", and
 * so does walkv.)
 *
 * @example
 * ```ts
 * client(["CLIENT", "SETNAME", "worker-1"], context); // "+OK\r\n"
 * client(["CLIENT", "KILL", "TYPE", "pubsub"], context); // ":2\r\n"
 * ```
 */
export function client(args: string[], context: Context): void {
  runSubcommand("CLIENT", SUBCOMMANDS, args, context);
}
