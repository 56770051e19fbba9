import { client } from "./client.ts";
import { echo } from "./echo.ts";
import { hello } from "./hello.ts";
import { ping } from "./ping.ts";
import { quit } from "./quit.ts";
import type { RespCommand } from "./resp_command.ts";
import { select } from "./select.ts";

/** The connection commands: PING, ECHO, QUIT, SELECT, HELLO, CLIENT. */
export const CONNECTION_COMMANDS: readonly RespCommand[] = [
  ping,
  echo,
  quit,
  select,
  hello,
  client,
];
