/**
 * The server's log: one line per event, prefixed with the time, info on
 * stdout and problems on stderr. Tests read the "listening" line from stdout
 * to learn that the server is up.
 *
 * @example
 * ```ts
 * log.info("listening on 127.0.0.1:4242");
 * ```
 */
export const log = {
  info(message: string): void {
    console.log(`${new Date().toISOString()} walkv: ${message}`);
  },
  warn(message: string): void {
    console.error(`${new Date().toISOString()} walkv: warning: ${message}`);
  },
  error(message: string): void {
    console.error(`${new Date().toISOString()} walkv: error: ${message}`);
  },
};
