import { describe, expect, it } from 'vitest';
import { computeAverageDaysDelinquent } from './average-days-delinquent.ts';
import { computeBestPossibleDso } from './best-possible-dso.ts';
import { computeDso } from './dso.ts';
import { toFixedNumber, toFixedOrNull } from './fraction.ts';

const K = 100n; // minor units per major unit

describe('DSO, best possible DSO, average days delinquent', () => {
  it('DOMAIN.md example: AR 15,000, current 4,000, sales 10,000 in 30 days → DSO 45, BPDSO 12, ADD 33', () => {
    const dso = computeDso({ endingAr: 15_000n * K, creditSales: 10_000n * K, days: 30 });
    const bpdso = computeBestPossibleDso({ endingCurrentAr: 4_000n * K, creditSales: 10_000n * K, days: 30 });
    const add = computeAverageDaysDelinquent(dso, bpdso);
    expect(toFixedOrNull(dso)).toBe(45);
    expect(toFixedOrNull(bpdso)).toBe(12);
    expect(toFixedOrNull(add)).toBe(33);
  });

  it('is undefined without credit sales', () => {
    expect(computeDso({ endingAr: 5n, creditSales: 0n, days: 30 })).toBeNull();
    expect(computeBestPossibleDso({ endingCurrentAr: 5n, creditSales: 0n, days: 30 })).toBeNull();
    expect(computeAverageDaysDelinquent(null, { num: 1n, den: 1n })).toBeNull();
  });

  it('keeps fractions of a day', () => {
    // 1,000.00 × 31 / 3,000.00 = 10.333…
    expect(
      toFixedNumber(
        computeDso({ endingAr: 100_000n, creditSales: 300_000n, days: 31 }) ?? { num: 0n, den: 1n },
      ),
    ).toBe(10.33);
  });
});
