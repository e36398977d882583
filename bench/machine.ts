import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/**
 * The processors, as the benchmarks' reports name them: count, model and clock. Two hosts of the same
 * model name differed by half in speed (docs/benchmarks.md); the clock tells them apart. Node reports
 * no clock on some virtual machines, where /proc/cpuinfo still has one.
 */
export function processorsText(): string {
  const all = cpus();
  const first = all[0];
  if (!first) return '? processors';
  const mhz = first.speed > 0 ? first.speed : cpuinfoMhz();
  const clock = mhz !== null ? ` at ${(mhz / 1000).toFixed(1)} GHz` : '';
  return `${all.length} × ${first.model.trim()}${clock}`;
}

function cpuinfoMhz(): number | null {
  try {
    const m = /^cpu MHz\s*:\s*([\d.]+)/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by a process (user + system), from /proc; null off Linux. With
 * `reapedChildren`, also what its children that have ended used (cutime, cstime: the kernel adds a
 * child's time to its parent's once the parent has reaped it).
 */
export function processCpuSeconds(pid: number | undefined, reapedChildren = false): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    // utime, stime, cutime, cstime, in clock ticks (USER_HZ 100)
    const own = Number(fields[11]) + Number(fields[12]);
    return (reapedChildren ? own + Number(fields[13]) + Number(fields[14]) : own) / 100;
  } catch {
    return null;
  }
}

/**
 * CPU seconds of every PostgreSQL server process on this machine, those that have ended included
 * (null when none is visible). A backend that ends between two readings (a pool's connection closed,
 * the wait-state sampler's) takes its time out of the live processes' sum, and a difference of two
 * sums went negative (-35.55 ms per request in a run on 2026-12-01); its time is then in the
 * postmaster's count of its reaped children, which is read too.
 */
export function postgresCpuSeconds(): number | null {
  let seconds: number | null = null;
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (!readFileSync(`/proc/${d}/comm`, 'utf8').startsWith('postgres')) continue;
    } catch {
      continue; // The process ended while being read.
    }
    const own = processCpuSeconds(Number(d), true);
    if (own !== null) seconds = (seconds ?? 0) + own;
  }
  return seconds;
}
