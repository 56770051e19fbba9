/** CPU time counters at one moment, in clock ticks (1/100 s on Linux). */
export interface CpuSample {
  /**
   * User and system time of each process asked about, all its threads
   * included, and of its children that have exited and been waited for
   * (Linux's cutime and cstime: how a tool run to its end is measured).
   */
  processes: Map<number, { user: number; system: number; children: number }>;
  /** All cores together: time spent busy (user, nice, system, irq, softirq). */
  machineBusy: number;
  /** All cores together: time the hypervisor ran something else instead (steal). */
  machineSteal: number;
}

/** Linux's USER_HZ: /proc counts CPU time in 1/100 s. */
export const TICKS_PER_SECOND = 100;

/**
 * Reads `/proc/stat` and `/proc/<pid>/stat` for each of `pids` in one go.
 *
 * The files are read by one `cat` because Deno grants `/proc/<pid>/` files
 * only under `--allow-all`, and the bench task runs with `--allow-run`
 * instead; `cat` is its own process, so its CPU time counts for neither side.
 *
 * @example
 * ```ts
 * const before = await sampleCpu([Deno.pid]);
 * // ... work ...
 * const after = await sampleCpu([Deno.pid]);
 * const ticks = processTicks(after, Deno.pid) - processTicks(before, Deno.pid);
 * ```
 */
export async function sampleCpu(pids: readonly number[]): Promise<CpuSample> {
  const paths = ["/proc/stat", ...pids.map((pid) => `/proc/${pid}/stat`)];
  const output = await new Deno.Command("cat", { args: paths, stdin: "null" }).output();
  const decoder = new TextDecoder();
  if (!output.success) {
    throw new Error(`Cannot read ${paths.join(" ")}: ${decoder.decode(output.stderr).trim()}`);
  }
  const sample: CpuSample = { processes: new Map(), machineBusy: NaN, machineSteal: NaN };
  for (const line of decoder.decode(output.stdout).split("\n")) {
    if (line.startsWith("cpu ")) {
      // cpu user nice system idle iowait irq softirq steal ...
      const [user, nice, system, , , irq, softirq, steal] = line.slice(4).trim().split(/\s+/)
        .map(Number);
      sample.machineBusy = user + nice + system + irq + softirq;
      sample.machineSteal = steal;
    } else if (/^\d+ \(/.test(line)) {
      const pid = Number(line.slice(0, line.indexOf(" ")));
      // The command name, field 2, is in parentheses and may contain spaces;
      // after it, fields[0] is field 3, so utime (14) and stime (15) are 11 and 12,
      // cutime (16) and cstime (17) 13 and 14.
      const fields = line.slice(line.lastIndexOf(")") + 2).split(" ");
      sample.processes.set(pid, {
        user: Number(fields[11]),
        system: Number(fields[12]),
        children: Number(fields[13]) + Number(fields[14]),
      });
    }
  }
  for (const pid of pids) {
    const times = sample.processes.get(pid);
    if (times === undefined || !Number.isFinite(times.user + times.system)) {
      throw new SyntaxError(`Cannot read CPU time of process ${pid} from /proc/${pid}/stat`);
    }
  }
  if (!Number.isFinite(sample.machineBusy)) {
    throw new SyntaxError(`Cannot read the machine's CPU time from /proc/stat`);
  }
  return sample;
}

/**
 * User plus system ticks of `pid`'s children that have exited and been
 * waited for, in `sample`. Between two samples of this process it counts the
 * tools it ran meanwhile, and also the first sample's own `cat` (a
 * millisecond or so).
 */
export function childTicks(sample: CpuSample, pid: number): number {
  const times = sample.processes.get(pid);
  if (times === undefined) throw new RangeError(`Process ${pid} was not sampled`);
  return times.children;
}

/** User plus system ticks of `pid` in `sample`. */
export function processTicks(sample: CpuSample, pid: number): number {
  const times = sample.processes.get(pid);
  if (times === undefined) throw new RangeError(`Process ${pid} was not sampled`);
  return times.user + times.system;
}
