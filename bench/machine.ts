import { readFileSync } from 'node:fs';
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
