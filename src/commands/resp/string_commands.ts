import { append } from "./append.ts";
import { get } from "./get.ts";
import { getdel } from "./getdel.ts";
import { getex } from "./getex.ts";
import { getset } from "./getset.ts";
import { decr, decrby, incr, incrby } from "./incr_by.ts";
import { incrbyfloat } from "./incr_by_float.ts";
import { mget } from "./mget.ts";
import { mset } from "./mset.ts";
import { msetnx } from "./msetnx.ts";
import type { RespCommand } from "./resp_command.ts";
import { set } from "./set.ts";
import { psetex, setex } from "./setex.ts";
import { setnx } from "./setnx.ts";
import { strlen } from "./strlen.ts";

/** The string commands: GET, SET and their relatives. */
export const STRING_COMMANDS: readonly RespCommand[] = [
  get,
  set,
  setnx,
  setex,
  psetex,
  getset,
  getdel,
  getex,
  mget,
  mset,
  msetnx,
  incr,
  decr,
  incrby,
  decrby,
  incrbyfloat,
  append,
  strlen,
];
