import { describe, expect, it } from 'vitest';
import { computeArTurnover } from './ar-turnover.ts';
import { computeDisputeCycleDays } from './dispute-cycle-days.ts';
import { toFixedOrNull } from './fraction.ts';
import { percentOf } from './percent-of.ts';
import { computePromiseKeptRate } from './promise-kept-rate.ts';
import { computeRollRates } from './roll-rates.ts';

describe('shares and rates', () => {
  it('percent of a positive whole only', () => {
    expect(toFixedOrNull(percentOf(4_000n, 15_000n))).toBe(26.67);
    expect(percentOf(1n, 0n)).toBeNull();
    expect(percentOf(1n, -5n)).toBeNull();
  });

  it('AR turnover over the average AR, and annualized', () => {
    const t = computeArTurnover({ creditSales: 1_200n, beginningAr: 400n, endingAr: 350n, days: 90 });
    expect(toFixedOrNull(t.period)).toBe(3.2);
    expect(toFixedOrNull(t.annualized)).toBe(12.98);
    expect(computeArTurnover({ creditSales: 1n, beginningAr: 0n, endingAr: 0n, days: 30 }).period).toBeNull();
  });

  it('promise-kept rate and dispute cycle time', () => {
    expect(toFixedOrNull(computePromiseKeptRate(3, 1))).toBe(75);
    expect(computePromiseKeptRate(0, 0)).toBeNull();
    expect(toFixedOrNull(computeDisputeCycleDays(2, 25n))).toBe(12.5);
    expect(computeDisputeCycleDays(0, 0n)).toBeNull();
  });
});

describe('roll rates', () => {
  it('counts the part still open at the end in an older bucket, per starting bucket', () => {
    // Current at start 1,000: 600 paid (end −1), 300 now 1-30, 100 still current (due later).
    // 1-30 at start 500: 200 now 31-60 (carried 150 after a part payment), 300 now 61-90 (skipped a bucket).
    const rates = computeRollRates(4, [
      { startBucket: 0, endBucket: -1, openAtStart: 600n, carried: 0n },
      { startBucket: 0, endBucket: 1, openAtStart: 300n, carried: 300n },
      { startBucket: 0, endBucket: 0, openAtStart: 100n, carried: 100n },
      { startBucket: 1, endBucket: 2, openAtStart: 200n, carried: 150n },
      { startBucket: 1, endBucket: 3, openAtStart: 300n, carried: 300n },
    ]);
    expect(
      rates.map((r) => [r.fromBucket, r.toBucket, r.startBalance, r.rolled, toFixedOrNull(r.rate)]),
    ).toEqual([
      [0, 1, 1_000n, 300n, 30],
      [1, 2, 500n, 450n, 90],
      [2, 3, 0n, 0n, null],
    ]);
  });
});
