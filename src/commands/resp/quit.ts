import type { RespCommand } from "./resp_command.ts";

/**
 * `QUIT` → `+OK`, then the connection closes once the replies before it
 * (and this one) are written; requests pipelined after it are not run.
 *
 * @example
 * ```ts
 * quit.run(["QUIT"], context); // "+OK\r\n"; context.client.closing === true
 * ```
 */
export const quit: RespCommand = {
  name: "QUIT",
  arity: -1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Closes the connection.",
  syntax: "",
  run(_args, { reply, client }) {
    client.closing = true;
    reply.ok();
  },
};
