import { ARGUMENTS } from "./command_arguments.ts";
import type { CommandSpec } from "./command_spec.ts";
import * as connection from "./connection.ts";
import * as counters from "./counters.ts";
import * as expiry from "./expiry.ts";
import * as hashes from "./hashes.ts";
import * as info from "./info.ts";
import * as introspection from "./introspection.ts";
import * as keys from "./keys.ts";
import * as pubsub from "./pubsub.ts";
import type { TextReply } from "./reply.ts";
import * as server from "./server.ts";
import * as sets from "./sets.ts";
import * as settings from "./settings.ts";
import * as strings from "./strings.ts";
import * as text from "./text.ts";
import * as transactions from "./transactions.ts";

/**
 * Every RESP command walkv has, as data: one line each, in the order COMMAND
 * lists them. Arity, flags, ACL categories, key positions and `since` are
 * Redis 7.0's (COMMAND INFO and COMMAND DOCS of a real redis-server are the
 * reference a test compares against); COMMAND DOCS' argument trees are in
 * `command_arguments.ts`.
 *
 * To add a command: write its function in the file of its concept
 * (`strings.ts`, `keys.ts`, …), add its arguments to `command_arguments.ts`,
 * and add its line here. The gate (`gate.ts`) does the rest: lookup, arity,
 * AUTH, MULTI queueing, write refusal, statistics, logging to the WAL.
 */
// deno-fmt-ignore
export const RESP_COMMANDS: readonly CommandSpec[] = [
  { name: "PING", arity: -1, flags: ["fast"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Returns the server's liveliness response.", args: ARGUMENTS.ping, run: connection.ping },
  { name: "ECHO", arity: 2, flags: ["loading", "stale", "fast"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Returns the given string.", args: ARGUMENTS.echo, run: connection.echo },
  { name: "QUIT", arity: -1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Closes the connection.", args: ARGUMENTS.quit, run: connection.quit },
  { name: "SELECT", arity: 2, flags: ["loading", "stale", "fast"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Changes the selected database.", args: ARGUMENTS.select, run: connection.select },
  { name: "HELLO", arity: -1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "6.0.0", summary: "Handshakes with the Redis server.", args: ARGUMENTS.hello, run: connection.hello },
  { name: "CLIENT", arity: -2, flags: [], acl: ["@slow"], keys: [0, 0, 0], group: "connection", since: "2.4.0", summary: "A container for client connection commands.", args: ARGUMENTS.client, subcommands: connection.CLIENT_SUBCOMMANDS, run: connection.client },
  { name: "AUTH", arity: -2, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Authenticates the connection.", args: ARGUMENTS.auth, run: connection.auth },
  { name: "RESET", arity: 1, flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "6.2.0", summary: "Resets the connection.", args: ARGUMENTS.reset, run: connection.reset },
  { name: "MULTI", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], acl: ["@fast", "@transaction"], keys: [0, 0, 0], group: "transactions", since: "1.2.0", summary: "Starts a transaction.", args: ARGUMENTS.multi, run: transactions.multi },
  { name: "EXEC", arity: 1, flags: ["noscript", "loading", "stale", "skip_slowlog"], acl: ["@slow", "@transaction"], keys: [0, 0, 0], group: "transactions", since: "1.2.0", summary: "Executes all commands in a transaction.", args: ARGUMENTS.exec, run: transactions.exec },
  { name: "DISCARD", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], acl: ["@fast", "@transaction"], keys: [0, 0, 0], group: "transactions", since: "2.0.0", summary: "Discards a transaction.", args: ARGUMENTS.discard, run: transactions.discard },
  { name: "WATCH", arity: -2, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], acl: ["@fast", "@transaction"], keys: [1, -1, 1], group: "transactions", since: "2.2.0", summary: "Monitors changes to keys to determine the execution of a transaction.", args: ARGUMENTS.watch, run: transactions.watch },
  { name: "UNWATCH", arity: 1, flags: ["noscript", "loading", "stale", "fast", "allow_busy"], acl: ["@fast", "@transaction"], keys: [0, 0, 0], group: "transactions", since: "2.2.0", summary: "Forgets about watched keys of a transaction.", args: ARGUMENTS.unwatch, run: transactions.unwatch },
  { name: "GET", arity: 2, flags: ["readonly", "fast"], acl: ["@read", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Returns the string value of a key.", args: ARGUMENTS.get, run: strings.get },
  { name: "SET", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Sets the string value of a key, ignoring its type. The key is created if it doesn't exist.", args: ARGUMENTS.set, run: strings.set },
  { name: "SETNX", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Set the string value of a key only when the key doesn't exist.", args: ARGUMENTS.setnx, run: strings.setnx },
  { name: "SETEX", arity: 4, flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, 1, 1], group: "string", since: "2.0.0", summary: "Sets the string value and expiration time of a key. Creates the key if it doesn't exist.", args: ARGUMENTS.setex, run: strings.setex },
  { name: "PSETEX", arity: 4, flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, 1, 1], group: "string", since: "2.6.0", summary: "Sets both string value and expiration time in milliseconds of a key. The key is created if it doesn't exist.", args: ARGUMENTS.psetex, run: strings.psetex },
  { name: "GETSET", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Returns the previous string value of a key after setting it to a new value.", args: ARGUMENTS.getset, run: strings.getset },
  { name: "GETDEL", arity: 2, flags: ["write", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "6.2.0", summary: "Returns the string value of a key after deleting the key.", args: ARGUMENTS.getdel, run: strings.getdel },
  { name: "GETEX", arity: -2, flags: ["write", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "6.2.0", summary: "Returns the string value of a key after setting its expiration time.", args: ARGUMENTS.getex, run: strings.getex },
  { name: "MGET", arity: -2, flags: ["readonly", "fast"], acl: ["@read", "@string", "@fast"], keys: [1, -1, 1], group: "string", since: "1.0.0", summary: "Atomically returns the string values of one or more keys.", args: ARGUMENTS.mget, run: strings.mget },
  { name: "MSET", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, -1, 2], group: "string", since: "1.0.1", summary: "Atomically creates or modifies the string values of one or more keys.", args: ARGUMENTS.mset, run: strings.mset },
  { name: "MSETNX", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, -1, 2], group: "string", since: "1.0.1", summary: "Atomically modifies the string values of one or more keys only when all keys don't exist.", args: ARGUMENTS.msetnx, run: strings.msetnx },
  { name: "INCR", arity: 2, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Increments the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", args: ARGUMENTS.incr, run: counters.incr },
  { name: "DECR", arity: 2, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Decrements the integer value of a key by one. Uses 0 as initial value if the key doesn't exist.", args: ARGUMENTS.decr, run: counters.decr },
  { name: "INCRBY", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Increments the integer value of a key by a number. Uses 0 as initial value if the key doesn't exist.", args: ARGUMENTS.incrby, run: counters.incrby },
  { name: "DECRBY", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Decrements a number from the integer value of a key. Uses 0 as initial value if the key doesn't exist.", args: ARGUMENTS.decrby, run: counters.decrby },
  { name: "INCRBYFLOAT", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "2.6.0", summary: "Increment the floating point value of a key by a number. Uses 0 as initial value if the key doesn't exist.", args: ARGUMENTS.incrbyfloat, run: counters.incrbyfloat },
  { name: "APPEND", arity: 3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "2.0.0", summary: "Appends a string to the value of a key. Creates the key if it doesn't exist.", args: ARGUMENTS.append, run: strings.append },
  { name: "STRLEN", arity: 2, flags: ["readonly", "fast"], acl: ["@read", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "2.2.0", summary: "Returns the length of a string value.", args: ARGUMENTS.strlen, run: strings.strlen },
  { name: "DEL", arity: -2, flags: ["write"], acl: ["@keyspace", "@write", "@slow"], keys: [1, -1, 1], group: "generic", since: "1.0.0", summary: "Deletes one or more keys.", args: ARGUMENTS.del, run: keys.del },
  { name: "UNLINK", arity: -2, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, -1, 1], group: "generic", since: "4.0.0", summary: "Asynchronously deletes one or more keys.", args: ARGUMENTS.unlink, run: keys.unlink },
  { name: "EXISTS", arity: -2, flags: ["readonly", "fast"], acl: ["@keyspace", "@read", "@fast"], keys: [1, -1, 1], group: "generic", since: "1.0.0", summary: "Determines whether one or more keys exist.", args: ARGUMENTS.exists, run: keys.exists },
  { name: "EXPIRE", arity: -3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "1.0.0", summary: "Sets the expiration time of a key in seconds.", args: ARGUMENTS.expire, run: expiry.expire },
  { name: "PEXPIRE", arity: -3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "2.6.0", summary: "Sets the expiration time of a key in milliseconds.", args: ARGUMENTS.pexpire, run: expiry.pexpire },
  { name: "EXPIREAT", arity: -3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "1.2.0", summary: "Sets the expiration time of a key to a Unix timestamp.", args: ARGUMENTS.expireat, run: expiry.expireat },
  { name: "PEXPIREAT", arity: -3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "2.6.0", summary: "Sets the expiration time of a key to a Unix milliseconds timestamp.", args: ARGUMENTS.pexpireat, run: expiry.pexpireat },
  { name: "TTL", arity: 2, flags: ["readonly", "fast"], acl: ["@keyspace", "@read", "@fast"], keys: [1, 1, 1], group: "generic", since: "1.0.0", summary: "Returns the expiration time in seconds of a key.", args: ARGUMENTS.ttl, run: expiry.ttl },
  { name: "PTTL", arity: 2, flags: ["readonly", "fast"], acl: ["@keyspace", "@read", "@fast"], keys: [1, 1, 1], group: "generic", since: "2.6.0", summary: "Returns the expiration time in milliseconds of a key.", args: ARGUMENTS.pttl, run: expiry.pttl },
  { name: "PERSIST", arity: 2, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "2.2.0", summary: "Removes the expiration time of a key.", args: ARGUMENTS.persist, run: expiry.persist },
  { name: "TYPE", arity: 2, flags: ["readonly", "fast"], acl: ["@keyspace", "@read", "@fast"], keys: [1, 1, 1], group: "generic", since: "1.0.0", summary: "Determines the type of value stored at a key.", args: ARGUMENTS.type, run: keys.keyType },
  { name: "KEYS", arity: 2, flags: ["readonly"], acl: ["@keyspace", "@read", "@slow", "@dangerous"], keys: [0, 0, 0], group: "generic", since: "1.0.0", summary: "Returns all key names that match a pattern.", args: ARGUMENTS.keys, run: keys.keys },
  { name: "SCAN", arity: -2, flags: ["readonly"], acl: ["@keyspace", "@read", "@slow"], keys: [0, 0, 0], group: "generic", since: "2.8.0", summary: "Iterates over the key names in the database.", args: ARGUMENTS.scan, run: keys.scan },
  { name: "RANDOMKEY", arity: 1, flags: ["readonly"], acl: ["@keyspace", "@read", "@slow"], keys: [0, 0, 0], group: "generic", since: "1.0.0", summary: "Returns a random key name from the database.", args: ARGUMENTS.randomkey, run: keys.randomKey },
  { name: "RENAME", arity: 3, flags: ["write"], acl: ["@keyspace", "@write", "@slow"], keys: [1, 2, 1], group: "generic", since: "1.0.0", summary: "Renames a key and overwrites the destination.", args: ARGUMENTS.rename, run: keys.rename },
  { name: "RENAMENX", arity: 3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 2, 1], group: "generic", since: "1.0.0", summary: "Renames a key only when the target key name doesn't exist.", args: ARGUMENTS.renamenx, run: keys.renamenx },
  { name: "MOVE", arity: 3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast"], keys: [1, 1, 1], group: "generic", since: "1.0.0", summary: "Moves a key to another database.", args: ARGUMENTS.move, run: keys.move },
  { name: "INFO", arity: -1, flags: ["loading", "stale"], acl: ["@slow", "@dangerous"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Returns information and statistics about the server.", args: ARGUMENTS.info, run: info.info },
  { name: "TIME", arity: 1, flags: ["loading", "stale", "fast"], acl: ["@fast"], keys: [0, 0, 0], group: "server", since: "2.6.0", summary: "Returns the server time.", args: ARGUMENTS.time, run: server.time },
  { name: "CONFIG", arity: -2, flags: [], acl: ["@slow"], keys: [0, 0, 0], group: "server", since: "2.0.0", summary: "A container for server configuration commands.", args: ARGUMENTS.config, subcommands: settings.CONFIG_SUBCOMMANDS, run: settings.config },
  { name: "COMMAND", arity: -1, flags: ["loading", "stale"], acl: ["@slow", "@connection"], keys: [0, 0, 0], group: "server", since: "2.8.13", summary: "Returns detailed information about all commands.", args: ARGUMENTS.command, subcommands: introspection.COMMAND_SUBCOMMANDS, run: introspection.command },
  { name: "DBSIZE", arity: 1, flags: ["readonly", "fast"], acl: ["@keyspace", "@read", "@fast"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Returns the number of keys in the database.", args: ARGUMENTS.dbsize, run: server.dbsize },
  { name: "FLUSHDB", arity: -1, flags: ["write"], acl: ["@keyspace", "@write", "@slow", "@dangerous"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Removes all keys from the current database.", args: ARGUMENTS.flushdb, run: server.flushdb },
  { name: "FLUSHALL", arity: -1, flags: ["write"], acl: ["@keyspace", "@write", "@slow", "@dangerous"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Removes all keys from all databases.", args: ARGUMENTS.flushall, run: server.flushall },
  { name: "BGREWRITEAOF", arity: 1, flags: ["admin", "noscript", "no_async_loading"], acl: ["@admin", "@slow", "@dangerous"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Asynchronously rewrites the append-only file to disk.", args: ARGUMENTS.bgrewriteaof, run: server.bgrewriteaof },
  { name: "SWAPDB", arity: 3, flags: ["write", "fast"], acl: ["@keyspace", "@write", "@fast", "@dangerous"], keys: [0, 0, 0], group: "server", since: "4.0.0", summary: "Swaps two Redis databases.", args: ARGUMENTS.swapdb, run: server.swapdb },
  { name: "HSET", arity: -4, flags: ["write", "denyoom", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Set the string value of a hash field", args: ARGUMENTS.hset, run: hashes.hset },
  { name: "HSETNX", arity: 4, flags: ["write", "denyoom", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Set the value of a hash field, only if the field does not exist", args: ARGUMENTS.hsetnx, run: hashes.hsetnx },
  { name: "HGET", arity: 3, flags: ["readonly", "fast"], acl: ["@read", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get the value of a hash field", args: ARGUMENTS.hget, run: hashes.hget },
  { name: "HMGET", arity: -3, flags: ["readonly", "fast"], acl: ["@read", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get the values of all the given hash fields", args: ARGUMENTS.hmget, run: hashes.hmget },
  { name: "HMSET", arity: -4, flags: ["write", "denyoom", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Set multiple hash fields to multiple values", args: ARGUMENTS.hmset, run: hashes.hmset },
  { name: "HGETALL", arity: 2, flags: ["readonly"], acl: ["@read", "@hash", "@slow"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get all the fields and values in a hash", args: ARGUMENTS.hgetall, run: hashes.hgetall },
  { name: "HDEL", arity: -3, flags: ["write", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Delete one or more hash fields", args: ARGUMENTS.hdel, run: hashes.hdel },
  { name: "HLEN", arity: 2, flags: ["readonly", "fast"], acl: ["@read", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get the number of fields in a hash", args: ARGUMENTS.hlen, run: hashes.hlen },
  { name: "HEXISTS", arity: 3, flags: ["readonly", "fast"], acl: ["@read", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Determine if a hash field exists", args: ARGUMENTS.hexists, run: hashes.hexists },
  { name: "HKEYS", arity: 2, flags: ["readonly"], acl: ["@read", "@hash", "@slow"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get all the fields in a hash", args: ARGUMENTS.hkeys, run: hashes.hkeys },
  { name: "HVALS", arity: 2, flags: ["readonly"], acl: ["@read", "@hash", "@slow"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Get all the values in a hash", args: ARGUMENTS.hvals, run: hashes.hvals },
  { name: "HINCRBY", arity: 4, flags: ["write", "denyoom", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.0.0", summary: "Increment the integer value of a hash field by the given number", args: ARGUMENTS.hincrby, run: hashes.hincrby },
  { name: "HINCRBYFLOAT", arity: 4, flags: ["write", "denyoom", "fast"], acl: ["@write", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "2.6.0", summary: "Increment the float value of a hash field by the given amount", args: ARGUMENTS.hincrbyfloat, run: hashes.hincrbyfloat },
  { name: "HSTRLEN", arity: 3, flags: ["readonly", "fast"], acl: ["@read", "@hash", "@fast"], keys: [1, 1, 1], group: "hash", since: "3.2.0", summary: "Get the length of the value of a hash field", args: ARGUMENTS.hstrlen, run: hashes.hstrlen },
  { name: "HRANDFIELD", arity: -2, flags: ["readonly"], acl: ["@read", "@hash", "@slow"], keys: [1, 1, 1], group: "hash", since: "6.2.0", summary: "Get one or multiple random fields from a hash", args: ARGUMENTS.hrandfield, run: hashes.hrandfield },
  { name: "HSCAN", arity: -3, flags: ["readonly"], acl: ["@read", "@hash", "@slow"], keys: [1, 1, 1], group: "hash", since: "2.8.0", summary: "Incrementally iterate hash fields and associated values", args: ARGUMENTS.hscan, run: hashes.hscan },
  { name: "SADD", arity: -3, flags: ["write", "denyoom", "fast"], acl: ["@write", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Add one or more members to a set", args: ARGUMENTS.sadd, run: sets.sadd },
  { name: "SREM", arity: -3, flags: ["write", "fast"], acl: ["@write", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Remove one or more members from a set", args: ARGUMENTS.srem, run: sets.srem },
  { name: "SISMEMBER", arity: 3, flags: ["readonly", "fast"], acl: ["@read", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Determine if a given value is a member of a set", args: ARGUMENTS.sismember, run: sets.sismember },
  { name: "SMISMEMBER", arity: -3, flags: ["readonly", "fast"], acl: ["@read", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "6.2.0", summary: "Returns the membership associated with the given elements for a set", args: ARGUMENTS.smismember, run: sets.smismember },
  { name: "SMEMBERS", arity: 2, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Get all the members in a set", args: ARGUMENTS.smembers, run: sets.smembers },
  { name: "SCARD", arity: 2, flags: ["readonly", "fast"], acl: ["@read", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Get the number of members in a set", args: ARGUMENTS.scard, run: sets.scard },
  { name: "SPOP", arity: -2, flags: ["write", "fast"], acl: ["@write", "@set", "@fast"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Remove and return one or multiple random members from a set", args: ARGUMENTS.spop, run: sets.spop },
  { name: "SRANDMEMBER", arity: -2, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, 1, 1], group: "set", since: "1.0.0", summary: "Get one or multiple random members from a set", args: ARGUMENTS.srandmember, run: sets.srandmember },
  { name: "SMOVE", arity: 4, flags: ["write", "fast"], acl: ["@write", "@set", "@fast"], keys: [1, 2, 1], group: "set", since: "1.0.0", summary: "Move a member from one set to another", args: ARGUMENTS.smove, run: sets.smove },
  { name: "SINTER", arity: -2, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Intersect multiple sets", args: ARGUMENTS.sinter, run: sets.sinter },
  { name: "SINTERCARD", arity: -3, flags: ["readonly", "movablekeys"], acl: ["@read", "@set", "@slow"], keys: [0, 0, 0], group: "set", since: "7.0.0", summary: "Intersect multiple sets and return the cardinality of the result", args: ARGUMENTS.sintercard, run: sets.sintercard },
  { name: "SINTERSTORE", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Intersect multiple sets and store the resulting set in a key", args: ARGUMENTS.sinterstore, run: sets.sinterstore },
  { name: "SUNION", arity: -2, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Add multiple sets", args: ARGUMENTS.sunion, run: sets.sunion },
  { name: "SUNIONSTORE", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Add multiple sets and store the resulting set in a key", args: ARGUMENTS.sunionstore, run: sets.sunionstore },
  { name: "SDIFF", arity: -2, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Subtract multiple sets", args: ARGUMENTS.sdiff, run: sets.sdiff },
  { name: "SDIFFSTORE", arity: -3, flags: ["write", "denyoom"], acl: ["@write", "@set", "@slow"], keys: [1, -1, 1], group: "set", since: "1.0.0", summary: "Subtract multiple sets and store the resulting set in a key", args: ARGUMENTS.sdiffstore, run: sets.sdiffstore },
  { name: "SSCAN", arity: -3, flags: ["readonly"], acl: ["@read", "@set", "@slow"], keys: [1, 1, 1], group: "set", since: "2.8.0", summary: "Incrementally iterate Set elements", args: ARGUMENTS.sscan, run: sets.sscan },
  { name: "SUBSCRIBE", arity: -2, flags: ["pubsub", "noscript", "loading", "stale"], acl: ["@pubsub", "@slow"], keys: [0, 0, 0], group: "pubsub", since: "2.0.0", summary: "Listen for messages published to the given channels", args: ARGUMENTS.subscribe, run: pubsub.subscribe },
  { name: "UNSUBSCRIBE", arity: -1, flags: ["pubsub", "noscript", "loading", "stale"], acl: ["@pubsub", "@slow"], keys: [0, 0, 0], group: "pubsub", since: "2.0.0", summary: "Stop listening for messages posted to the given channels", args: ARGUMENTS.unsubscribe, run: pubsub.unsubscribe },
  { name: "PSUBSCRIBE", arity: -2, flags: ["pubsub", "noscript", "loading", "stale"], acl: ["@pubsub", "@slow"], keys: [0, 0, 0], group: "pubsub", since: "2.0.0", summary: "Listen for messages published to channels matching the given patterns", args: ARGUMENTS.psubscribe, run: pubsub.psubscribe },
  { name: "PUNSUBSCRIBE", arity: -1, flags: ["pubsub", "noscript", "loading", "stale"], acl: ["@pubsub", "@slow"], keys: [0, 0, 0], group: "pubsub", since: "2.0.0", summary: "Stop listening for messages posted to channels matching the given patterns", args: ARGUMENTS.punsubscribe, run: pubsub.punsubscribe },
  { name: "PUBLISH", arity: 3, flags: ["pubsub", "loading", "stale", "fast"], acl: ["@pubsub", "@fast"], keys: [0, 0, 0], group: "pubsub", since: "2.0.0", summary: "Post a message to a channel", args: ARGUMENTS.publish, run: pubsub.publish },
  { name: "PUBSUB", arity: -2, flags: [], acl: ["@slow"], keys: [0, 0, 0], group: "pubsub", since: "2.8.0", summary: "A container for Pub/Sub commands", args: ARGUMENTS.pubsub, subcommands: pubsub.PUBSUB_SUBCOMMANDS, run: pubsub.pubsub },
];

/**
 * The seed's text protocol: case-sensitive names, exact field counts and
 * the seed's complaint for a wrong count (`usage`). AUTH is walkv's, so a
 * password protects text connections too.
 */
// deno-fmt-ignore
export const TEXT_COMMANDS: readonly CommandSpec<TextReply>[] = [
  { name: "GET", arity: 2, usage: "expected 1 argument KEY", flags: ["readonly", "fast"], acl: ["@read", "@string", "@fast"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Returns the value of a key.", args: ARGUMENTS.get, run: text.get },
  { name: "SET", arity: 3, usage: "expected 2 arguments KEY and VALUE", flags: ["write", "denyoom"], acl: ["@write", "@string", "@slow"], keys: [1, 1, 1], group: "string", since: "1.0.0", summary: "Sets the value of a key.", args: ARGUMENTS.set, run: text.set },
  { name: "DEL", arity: 2, usage: "expected 1 argument KEY", flags: ["write"], acl: ["@keyspace", "@write", "@slow"], keys: [1, 1, 1], group: "generic", since: "1.0.0", summary: "Deletes a key.", args: ARGUMENTS.del, run: text.del },
  { name: "COMPACT", arity: 1, usage: "expected no arguments", flags: ["admin"], acl: ["@admin", "@slow", "@dangerous"], keys: [0, 0, 0], group: "server", since: "1.0.0", summary: "Compacts the WAL.", args: [], run: text.compact },
  { name: "AUTH", arity: 2, usage: "expected 1 argument PASSWORD", flags: ["no_auth", "fast"], acl: ["@fast", "@connection"], keys: [0, 0, 0], group: "connection", since: "1.0.0", summary: "Authenticates the connection.", args: ARGUMENTS.auth, run: text.auth },
];
