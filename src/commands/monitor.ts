import type { ClientState } from "./client_state.ts";
import type { Context } from "./command_spec.ts";
import { redacted } from "./redacted.ts";
import type { ServerState } from "./server_state.ts";

/**
 * `MONITOR` → `+OK`, and from then on every command any client runs, on
 * either protocol, comes to this connection as one simple string, in
 * Redis's format: `+1700000000.123456 [0 127.0.0.1:5555] "SET" "k" "v"`
 * (see {@linkcode feedMonitors}). As in Redis, a second MONITOR gets no
 * reply, and MONITOR inside MULTI is refused. RESET or QUIT ends it.
 *
 * @example
 * ```ts
 * monitor(["MONITOR"], context); // "+OK\r\n"; then "+1700000000.123456 [0 …] \"GET\" \"k\"\r\n", …
 * ```
 */
export function monitor(_args: string[], { reply, client, server }: Context): void {
  if (client.multi !== null) {
    return reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
  }
  if (client.monitoring) return;
  client.monitoring = true;
  server.monitors.add(client);
  reply.ok();
}

/** What the feed needs of a command's spec: its subcommands, and which are admin. */
export interface MonitoredCommand {
  readonly subcommands?: readonly string[];
  readonly adminSubcommands?: readonly string[];
}

/** Leaves MONITOR mode (RESET, disconnect). */
export function stopMonitoring(client: ClientState<unknown>, server: ServerState): void {
  client.monitoring = false;
  server.monitors.delete(client);
}

/**
 * Sends one command that just ran to every monitor, as Redis's
 * `replicationFeedMonitors`: the time to the microsecond, the database
 * the client is in after it, its address, and each argument quoted (see
 * {@linkcode quoted}), secrets redacted. Admin commands (CONFIG SET,
 * CLIENT LIST, SHUTDOWN, …) are never shown, nor are requests refused
 * before they ran (unknown, wrong arity, NOAUTH); queued commands are shown
 * when EXEC runs them.
 *
 * @example
 * ```ts
 * feedMonitors(server, client, spec, ["SET", "k", "v"]);
 * ```
 */
export function feedMonitors(
  server: ServerState,
  client: ClientState<unknown>,
  spec: MonitoredCommand,
  args: readonly string[],
): void {
  if (spec.subcommands !== undefined) {
    // An unknown subcommand was refused; an admin one is never shown.
    const subcommand = args.length > 1 ? args[1].toUpperCase() : "";
    if (!spec.subcommands.includes(subcommand)) return;
    if (spec.adminSubcommands?.includes(subcommand)) return;
  }
  const micros = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  let line = `${Math.floor(micros / 1e6)}.${String(micros % 1e6).padStart(6, "0")} ` +
    `[${client.db} ${client.address}]`;
  for (const arg of redacted(args)) line += ` ${quoted(arg)}`;
  for (const monitor of server.monitors) monitor.sink?.line(line);
}

/**
 * A binary string in double quotes, as Redis's `sdscatrepr` writes it:
 * `\\` and `"` escaped, `\n \r \t \a \b` spelled so, other bytes outside
 * printable ASCII as `\xhh`.
 *
 * @example
 * ```ts
 * quoted('a "b"\n\xff'); // '"a \\"b\\"\\n\\xff"'
 * ```
 */
export function quoted(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    const char = text[i];
    if (char === "\\" || char === '"') out += "\\" + char;
    else if (char === "\n") out += "\\n";
    else if (char === "\r") out += "\\r";
    else if (char === "\t") out += "\\t";
    else if (code === 7) out += "\\a";
    else if (code === 8) out += "\\b";
    else if (code >= 0x20 && code < 0x7f) out += char;
    else out += "\\x" + code.toString(16).padStart(2, "0");
  }
  return out + '"';
}
