import { describe, expect, it } from 'vitest';
import { createProgressBar } from './progress-bar.ts';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = {
    isTTY,
    columns: 100,
    write(s: string) {
      writes.push(s);
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('createProgressBar', () => {
  it('draws nothing when the stream is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const bar = createProgressBar({ label: 'import', total: 100, stream });
    bar.update(50);
    bar.finish('done');
    expect(writes).toEqual([]);
  });

  it('draws percent, rows and rate, at most ten times a second, and clears the line', () => {
    const { stream, writes } = fakeStream(true);
    let t = 1_000;
    const bar = createProgressBar({ label: 'import', total: 1000, stream, unit: 'bytes', now: () => t });
    t = 1_000;
    bar.update(0, 0);
    t = 1_050;
    bar.update(100, 10); // throttled
    t = 3_000;
    bar.update(500, 4_000);
    expect(writes).toHaveLength(2);
    expect(writes[1]).toBe('\r\x1b[2Kimport  [##########..........]  50%  4,000 rows  2,000 rows/s');
    bar.finish('imported 4,000 rows');
    expect(writes.slice(2)).toEqual(['\r\x1b[2K', 'imported 4,000 rows\n']);
  });

  it('counts rows without a total and truncates to the terminal width', () => {
    const { stream, writes } = fakeStream(true);
    (stream as { columns: number }).columns = 20;
    let t = 0;
    const bar = createProgressBar({ label: 'export', total: null, stream, now: () => t });
    t = 2_000;
    bar.update(1_234_567);
    expect(writes[0]).toBe('\r\x1b[2Kexport  1,234,567 r');
  });
});
