import type { WalkvError } from "./walkv_error.ts";

/**
 * A decoded reply, RESP2 or RESP3:
 *
 * | on the wire                                 | as a `Reply`                                   |
 * | ------------------------------------------- | ---------------------------------------------- |
 * | simple string `+OK`                         | `string`                                       |
 * | error `-ERR …`, blob error `!`              | `WalkvError` (thrown by a single command)      |
 * | integer `:5`                                | `number`, or `bigint` beyond 2^53              |
 * | bulk string `$5`, verbatim string `=`       | `string` (UTF-8), or `Uint8Array` when binary  |
 * | null bulk `$-1`, null array `*-1`, null `_` | `null`                                         |
 * | array `*`, set `~`, push `>`                | `Reply[]`                                      |
 * | map `%` (RESP3)                             | `Map<Reply, Reply>`                            |
 * | double `,` (RESP3)                          | `number` (`inf`, `-inf` and `nan` included)    |
 * | boolean `#` (RESP3)                         | `boolean`                                      |
 * | big number `(` (RESP3)                      | `bigint`                                       |
 *
 * Attributes (`|`, RESP3) are read and dropped.
 *
 * @example
 * ```ts
 * import { type Reply, WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * const reply: Reply = await client.send("MGET", "a", "b"); // e.g. ["1", null]
 * ```
 */
export type Reply =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | WalkvError
  | Reply[]
  | Map<Reply, Reply>;

/**
 * One argument of a command. Strings are sent as their UTF-8 bytes,
 * `Uint8Array`s as they are (any bytes: NUL, CR, LF, invalid UTF-8), numbers
 * and bigints in decimal (`Infinity` as `+inf`, as Redis spells it).
 *
 * @example
 * ```ts
 * import { type Argument, WalkvClient } from "./mod.ts";
 *
 * await using client = await WalkvClient.connect({ port: 4242 });
 * const args: Argument[] = ["SET", "bytes", new Uint8Array([0, 255, 13, 10])];
 * await client.send(...args);
 * ```
 */
export type Argument = string | number | bigint | Uint8Array;
