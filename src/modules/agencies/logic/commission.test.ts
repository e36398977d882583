import { describe, expect, it } from 'vitest';
import { formatRate } from '../../../core/money.ts';
import { commissionOn, parseCommissionRate } from './commission.ts';

describe('commission rates', () => {
  it('takes fractions below 1 with up to 6 decimals', () => {
    expect(formatRate(parseCommissionRate('0.25') ?? { units: 0n, scale: 0 })).toBe('0.25');
    expect(formatRate(parseCommissionRate('.333333') ?? { units: 0n, scale: 0 })).toBe('0.333333');
    expect(parseCommissionRate('0')).not.toBeNull();
    for (const bad of ['1', '1.0', '25', '-0.1', '0.1234567', 'abc', ''])
      expect(parseCommissionRate(bad)).toBeNull();
  });

  it('rounds the commission half-even to the minor unit', () => {
    const quarter = parseCommissionRate('0.25');
    if (!quarter) throw new Error('rate');
    expect(commissionOn(100_000n, quarter)).toBe(25_000n);
    // 0.25 × 0.10 = 0.025 → 0.02 (ties to even); 0.25 × 0.14 = 0.035 → 0.04
    expect(commissionOn(10n, quarter)).toBe(2n);
    expect(commissionOn(14n, quarter)).toBe(4n);
    const third = parseCommissionRate('0.333333');
    if (!third) throw new Error('rate');
    expect(commissionOn(300n, third)).toBe(100n);
  });
});
