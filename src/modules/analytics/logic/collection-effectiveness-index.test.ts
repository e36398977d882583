import { describe, expect, it } from 'vitest';
import { computeCei } from './collection-effectiveness-index.ts';
import { toFixedNumber, toFixedOrNull } from './fraction.ts';

const K = 100n;

describe('collection effectiveness index', () => {
  it('DOMAIN.md example: beginning 400,000, quarter sales 1,200,000 (N = 3), ending 350,000, current 280,000 → 86.54 %', () => {
    const cei = computeCei({
      beginningAr: 400_000n * K,
      creditSales: 1_200_000n * K,
      months: { num: 3n, den: 1n },
      endingAr: 350_000n * K,
      endingCurrentAr: 280_000n * K,
    });
    expect(toFixedOrNull(cei)).toBe(86.54);
    // 450,000 / 520,000 exactly.
    expect(cei && cei.num * 520_000n === cei.den * 450_000n * 100n).toBe(true);
  });

  it('takes a fractional N, and is undefined when nothing was collectible', () => {
    // N = 1.5: sales/N = 300; (100 + 300 − 100) / (100 + 300 − 0) = 75 %.
    const cei = computeCei({
      beginningAr: 100n,
      creditSales: 450n,
      months: { num: 3n, den: 2n },
      endingAr: 100n,
      endingCurrentAr: 0n,
    });
    expect(toFixedNumber(cei ?? { num: 0n, den: 1n })).toBe(75);
    expect(
      computeCei({
        beginningAr: 0n,
        creditSales: 0n,
        months: { num: 1n, den: 1n },
        endingAr: 0n,
        endingCurrentAr: 0n,
      }),
    ).toBeNull();
  });
});
