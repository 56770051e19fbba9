import type { RespCommand } from "./resp_command.ts";

/**
 * `ECHO message` → the message as a bulk string, byte for byte.
 *
 * @example
 * ```ts
 * echo.run(["ECHO", "hi"], context); // "$2\r\nhi\r\n"
 * ```
 */
export const echo: RespCommand = {
  name: "ECHO",
  arity: 2,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns the given string.",
  syntax: "message",
  run(args, { reply }) {
    reply.bulk(args[1]);
  },
};
