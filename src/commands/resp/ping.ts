import type { RespCommand } from "./resp_command.ts";

/**
 * `PING [message]` → `+PONG`, or the message as a bulk string.
 *
 * @example
 * ```ts
 * ping.run(["PING"], context); // "+PONG\r\n"
 * ```
 */
export const ping: RespCommand = {
  name: "PING",
  arity: -1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns the server's liveliness response.",
  syntax: "[message]",
  run(args, { reply }) {
    if (args.length > 2) {
      return reply.error("ERR wrong number of arguments for 'ping' command");
    }
    if (args.length === 2) reply.bulk(args[1]);
    else reply.simple("PONG");
  },
};
