import { INVALID_CLIENT_NAME, isValidClientName } from "./client_name.ts";
import type { RespCommand } from "./resp_command.ts";
import { helpSubcommand, runSubcommand, type Subcommand } from "./subcommand.ts";

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
      reply.bulk(
        `id=${client.id} addr=${client.address} ` +
          `laddr=${server.config.host}:${server.port} name=${client.name} ` +
          `age=${age} idle=0 flags=N db=0 sub=0 psub=0 ssub=0 multi=-1 ` +
          `cmd=client|info user=default resp=2\n`,
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
 * client.run(["CLIENT", "SETNAME", "worker-1"], context); // "+OK\r\n"
 * client.run(["CLIENT", "GETNAME"], context); // "$8\r\nworker-1\r\n"
 * ```
 */
export const client: RespCommand = {
  name: "CLIENT",
  arity: -2,
  writes: false,
  keys: [0, 0, 0],
  summary: "A container for client connection commands.",
  syntax:
    "ID | GETNAME | SETNAME connection-name | SETINFO <LIB-NAME libname | LIB-VER libver> | INFO | HELP",
  run(args, context) {
    runSubcommand("CLIENT", SUBCOMMANDS, args, context);
  },
};
