import { ping } from "./ping.ts";
import type { RespCommand } from "./resp_command.ts";

/** The connection commands: PING, ECHO, QUIT, SELECT, HELLO, CLIENT. */
export const CONNECTION_COMMANDS: readonly RespCommand[] = [ping];
