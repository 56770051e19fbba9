import { del, unlink } from "./del.ts";
import { exists } from "./exists.ts";
import { expire, expireat, pexpire, pexpireat } from "./expire.ts";
import { keyType } from "./key_type.ts";
import { keys } from "./keys.ts";
import { persist } from "./persist.ts";
import { randomKey } from "./random_key.ts";
import { rename, renamenx } from "./rename.ts";
import type { RespCommand } from "./resp_command.ts";
import { scan } from "./scan.ts";
import { pttl, ttl } from "./ttl.ts";

/** The generic key commands: DEL, EXISTS, the EXPIRE family, SCAN, RENAME, … */
export const KEY_COMMANDS: readonly RespCommand[] = [
  del,
  unlink,
  exists,
  expire,
  pexpire,
  expireat,
  pexpireat,
  ttl,
  pttl,
  persist,
  keyType,
  keys,
  scan,
  randomKey,
  rename,
  renamenx,
];
