import type { CommandEntry, CommandRegistry, CommandSpec } from "./command_spec.ts";
import type { ReplyBase } from "./reply.ts";
import type { CommandStats, StatsBook } from "./server_state.ts";

/** The counters for `name` in `book`, made on first use. */
export function statsFor(book: StatsBook, name: string): CommandStats {
  const key = name.toLowerCase();
  let stats = book.get(key);
  if (stats === undefined) {
    stats = { calls: 0, usec: 0, rejected: 0, failed: 0 };
    book.set(key, stats);
  }
  return stats;
}

/**
 * A protocol's commands, looked up by name for the gate, with each spec's
 * flags decoded once and its counters attached. RESP looks names up in any
 * case; the seed's text protocol is case-sensitive.
 *
 * @example
 * ```ts
 * const table = new CommandTable(RESP_COMMANDS, new Map(), { caseSensitive: false });
 * table.get("get")?.spec.arity; // 2
 * ```
 */
export class CommandTable<R extends ReplyBase> implements CommandRegistry<R> {
  readonly all: readonly CommandSpec<R>[];
  readonly #byName: ReadonlyMap<string, CommandEntry<R>>;
  readonly #caseSensitive: boolean;

  constructor(
    specs: readonly CommandSpec<R>[],
    book: StatsBook,
    options: { caseSensitive: boolean },
  ) {
    this.all = specs;
    this.#caseSensitive = options.caseSensitive;
    this.#byName = new Map(specs.map((spec) => [spec.name, {
      spec,
      writes: spec.flags.includes("write"),
      noAuth: spec.flags.includes("no_auth"),
      runsWhileLoading: spec.flags.includes("loading"),
      admin: spec.flags.includes("admin"),
      reads: spec.flags.includes("readonly"),
      fast: spec.flags.includes("fast"),
      denyOom: spec.flags.includes("denyoom"),
      noMulti: spec.flags.includes("no_multi"),
      skipSlowlog: spec.flags.includes("skip_slowlog"),
      // PUBLISH is `may_replicate` in Redis's source, though COMMAND INFO does not say so.
      pausedByWrite: spec.flags.includes("write") || spec.name === "PUBLISH",
      stats: statsFor(book, spec.name),
    }]));
  }

  get(name: string): CommandEntry<R> | undefined {
    const entry = this.#byName.get(name);
    if (entry !== undefined || this.#caseSensitive) return entry;
    return this.#byName.get(name.toUpperCase());
  }
}
