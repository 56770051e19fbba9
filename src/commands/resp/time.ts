import type { RespCommand } from "./resp_command.ts";

/**
 * `TIME` → the server's clock as two bulk strings, Unix seconds and the
 * microseconds within that second, as Redis answers.
 *
 * @example
 * ```ts
 * time.run(["TIME"], context); // "*2\r\n$10\r\n1714000000\r\n$6\r\n123456\r\n"
 * ```
 */
export const time: RespCommand = {
  name: "TIME",
  arity: 1,
  writes: false,
  keys: [0, 0, 0],
  summary: "Returns the server time.",
  syntax: "",
  run(_args, { reply }) {
    const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    reply.bulkArray([String(Math.floor(micros / 1e6)), String(micros % 1e6)]);
  },
};
