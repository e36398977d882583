import { describe, expect, it } from 'vitest';
import { computeCountbackDso } from './countback-dso.ts';
import { toFixedNumber } from './fraction.ts';

const K = 100n;

describe('countback DSO', () => {
  it('DOMAIN.md example: AR 212,000 over 100,000, 80,000, 70,000 in 30-day months → 73.71 days', () => {
    const r = computeCountbackDso(212_000n * K, [
      { sales: 100_000n * K, days: 30 },
      { sales: 80_000n * K, days: 30 },
      { sales: 70_000n * K, days: 30 },
      { sales: 90_000n * K, days: 30 },
    ]);
    expect(toFixedNumber(r.days)).toBe(73.71);
    expect(r).toMatchObject({ exhausted: true, months: 3 });
  });

  it('counts actual calendar days, months without sales in full, and says when the AR outlasts the months', () => {
    // June 30 days covered by 100, May 31 days without sales, April: 50 of 200 → a quarter of 30 days.
    const r = computeCountbackDso(150n, [
      { sales: 100n, days: 30 },
      { sales: 0n, days: 31 },
      { sales: 200n, days: 30 },
    ]);
    expect(toFixedNumber(r.days)).toBe(68.5);
    const short = computeCountbackDso(500n, [{ sales: 100n, days: 31 }]);
    expect(short).toMatchObject({ exhausted: false, months: 1 });
    expect(toFixedNumber(short.days)).toBe(31);
    expect(toFixedNumber(computeCountbackDso(0n, [{ sales: 100n, days: 31 }]).days)).toBe(0);
    // AR exactly equal to the newest month: that month's days and no more.
    expect(
      toFixedNumber(
        computeCountbackDso(100n, [
          { sales: 100n, days: 30 },
          { sales: 9n, days: 31 },
        ]).days,
      ),
    ).toBe(30);
  });
});
