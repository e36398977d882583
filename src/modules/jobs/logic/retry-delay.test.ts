import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './retry-delay.ts';

describe('retryDelayMs', () => {
  it('grows fourfold per failure from one minute and stops at six hours', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map((a) => retryDelayMs(a) / 60_000)).toEqual([
      1, 4, 16, 64, 256, 360, 360, 360,
    ]);
  });

  it('takes its own base and cap, and treats nonsense attempts as the first', () => {
    expect(retryDelayMs(3, { baseMs: 1000, capMs: 10_000 })).toBe(10_000);
    expect(retryDelayMs(2, { baseMs: 1000, capMs: 10_000 })).toBe(4000);
    expect(retryDelayMs(0)).toBe(60_000);
    expect(retryDelayMs(1.5)).toBe(60_000);
  });
});
