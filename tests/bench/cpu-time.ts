import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks a second of /proc/<pid>/stat's utime and stime (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 when it is gone. */
export function processCpuSeconds(pid: number): number {
  try {
    // The fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command name is `name` (all PostgreSQL backends: "postgres"). */
export function cpuSecondsOf(name: string): number {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) total += processCpuSeconds(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** The share of one core a CPU counter used between two readings, as a percentage. */
export class CpuMeter {
  private last: { at: number; seconds: number };

  constructor(private readonly read: () => number) {
    this.last = { at: performance.now(), seconds: read() };
  }

  /** Percent of one core since the last call (or construction). */
  percent(): number {
    const now = { at: performance.now(), seconds: this.read() };
    const share = (now.seconds - this.last.seconds) / ((now.at - this.last.at) / 1000);
    this.last = now;
    return share * 100;
  }
}
