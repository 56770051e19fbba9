import type { ReplySink } from "../protocol/reply_sink.ts";
import type { Store } from "../store/store.ts";
import type { Wal } from "../wal/wal.ts";
import { COMMAND_TABLE } from "./command_table.ts";

/**
 * Runs parsed commands against the store and logs what they change.
 *
 * It checks that the command exists and its arity before any handler runs,
 * refuses writes once the WAL has failed, and appends each change to the WAL
 * with a rollback that restores the key's previous value. Replies that depend
 * on the change must wait for {@linkcode Dispatcher.settled}; the connection
 * does that once per batch.
 *
 * @example
 * ```ts
 * const dispatcher = new Dispatcher(store, wal);
 * dispatcher.dispatch(["SET", "k", "v"], replies);
 * await dispatcher.settled(); // the SET is durable; send the replies
 * ```
 */
export class Dispatcher {
  readonly #store: Store;
  readonly #wal: Wal;

  constructor(store: Store, wal: Wal) {
    this.#store = store;
    this.#wal = wal;
  }

  /** Runs one command; `fields` is non-empty. */
  dispatch(fields: string[], reply: ReplySink): void {
    const command = COMMAND_TABLE.get(fields[0]);
    if (command === undefined) return reply.unknownCommand(fields[0]);
    if (fields.length !== command.arity) return reply.wrongArity(command);
    if (!command.writes) {
      command.run(fields, this.#store, reply);
      return;
    }
    const failure = this.#wal.failure;
    if (failure) {
      return reply.error(`${command.name} refused, the server is read-only: ${failure.message}`);
    }
    const store = this.#store;
    const key = fields[1];
    const previous = store.get(key);
    const record = command.run(fields, store, reply);
    if (record === null) return;
    this.#wal.append(record, () => {
      if (previous === undefined) store.delete(key);
      else store.set(key, previous);
    });
  }

  /** See {@linkcode Wal.settled}: when replies computed so far may be sent. */
  settled(): Promise<void> | null {
    return this.#wal.settled();
  }
}
