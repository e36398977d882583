import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { minorUnits, parseCurrency } from './currency.ts';
import {
  allocate,
  applyRate,
  formatAmount,
  formatMoneyForDisplay,
  formatRate,
  parseAmount,
  percentRate,
} from './money.ts';
import { divideRounded } from './rounding.ts';

const USD = parseCurrency('USD');
const JPY = parseCurrency('JPY');
const KWD = parseCurrency('KWD');

describe('currencies', () => {
  it('knows ISO 4217 exponents', () => {
    expect(minorUnits(USD)).toBe(2);
    expect(minorUnits(JPY)).toBe(0);
    expect(minorUnits(KWD)).toBe(3);
    expect(parseCurrency('eur')).toBe('EUR');
    expect(() => parseCurrency('XYZ')).toThrow(/unknown currency/);
  });
});

describe('parseAmount / formatAmount', () => {
  it('parses major-unit decimals exactly', () => {
    expect(parseAmount('1234.56', USD)).toBe(123456n);
    expect(parseAmount('-0.5', USD)).toBe(-50n);
    expect(parseAmount('7', USD)).toBe(700n);
    expect(parseAmount('1500', JPY)).toBe(1500n);
    expect(parseAmount('1.234', KWD)).toBe(1234n);
    expect(parseAmount('92233720368547758.07', USD)).toBe(9223372036854775807n);
  });

  it('refuses what it cannot represent exactly', () => {
    expect(() => parseAmount('1,234.56', USD)).toThrow(/thousands/);
    expect(() => parseAmount('12.345', USD)).toThrow(/more than 2 decimal places/);
    expect(() => parseAmount('10.5', JPY)).toThrow(/no minor unit/);
    expect(() => parseAmount('1e3', USD)).toThrow();
    expect(() => parseAmount('', USD)).toThrow();
    expect(() => parseAmount('12,50', USD)).toThrow();
  });

  it('formats minor units back to the same string', () => {
    expect(formatAmount(123456n, USD)).toBe('1234.56');
    expect(formatAmount(-5n, USD)).toBe('-0.05');
    expect(formatAmount(0n, USD)).toBe('0.00');
    expect(formatAmount(1500n, JPY)).toBe('1500');
    expect(formatAmount(1n, KWD)).toBe('0.001');
    expect(formatMoneyForDisplay(-123456789n, USD)).toBe('-1,234,567.89');
  });

  it('round-trips every amount', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 17n), max: 10n ** 17n }),
        fc.constantFrom(USD, JPY, KWD),
        (n, c) => {
          expect(parseAmount(formatAmount(n, c), c)).toBe(n);
        },
      ),
    );
  });
});

describe('divideRounded', () => {
  it('rounds ties by the named mode', () => {
    expect(divideRounded(5n, 2n, 'half_even')).toBe(2n);
    expect(divideRounded(7n, 2n, 'half_even')).toBe(4n);
    expect(divideRounded(5n, 2n, 'half_up')).toBe(3n);
    expect(divideRounded(-5n, 2n, 'half_up')).toBe(-3n);
    expect(divideRounded(-5n, 2n, 'half_even')).toBe(-2n);
    expect(divideRounded(5n, 2n, 'half_down')).toBe(2n);
    expect(divideRounded(-7n, 2n, 'floor')).toBe(-4n);
    expect(divideRounded(-7n, 2n, 'ceiling')).toBe(-3n);
    expect(divideRounded(-7n, 2n, 'down')).toBe(-3n);
    expect(divideRounded(7n, 2n, 'up')).toBe(4n);
  });

  it('is always within one unit of the exact quotient', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }),
        fc.bigInt({ min: 1n, max: 10n ** 6n }),
        fc.constantFrom('half_even', 'half_up', 'half_down', 'down', 'up', 'floor', 'ceiling' as const),
        (n, d, mode) => {
          const q = divideRounded(n, d, mode);
          const diff = q * d - n;
          expect(diff < 0n ? -diff : diff).toBeLessThan(d);
        },
      ),
    );
  });
});

describe('rates', () => {
  it('applies a discount percentage rounding half up', () => {
    const twoPercent = percentRate('2');
    expect(formatRate(twoPercent)).toBe('0.02');
    expect(applyRate(100000n, twoPercent, 'half_up')).toBe(2000n);
    // 2 % of 10.25 = 0.205 → 0.21 half up, 0.20 half even
    expect(applyRate(1025n, twoPercent, 'half_up')).toBe(21n);
    expect(applyRate(1025n, twoPercent, 'half_even')).toBe(20n);
    expect(applyRate(1025n, percentRate('1.5'), 'half_up')).toBe(15n);
  });
});

describe('allocate (largest remainder)', () => {
  it('splits pennies fairly', () => {
    expect(allocate(100n, [1n, 1n, 1n])).toEqual([34n, 33n, 33n]);
    expect(allocate(-100n, [1n, 1n, 1n])).toEqual([-34n, -33n, -33n]);
    expect(allocate(5n, [3n, 7n])).toEqual([2n, 3n]);
    expect(allocate(10n, [0n, 0n])).toEqual([5n, 5n]);
    expect(allocate(0n, [1n, 2n])).toEqual([0n, 0n]);
  });

  it('always sums to the whole, each part within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 14n), max: 10n ** 14n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 40 }),
        (total, weights) => {
          const parts = allocate(total, weights);
          expect(parts.reduce((a, b) => a + b, 0n)).toBe(total);
          const sum = weights.reduce((a, b) => a + b, 0n);
          if (sum > 0n) {
            parts.forEach((p, i) => {
              // |p·sum − total·w| < sum  ⇔  |p − exact share| < 1
              const d = p * sum - total * (weights[i] ?? 0n);
              expect(d < 0n ? -d : d).toBeLessThan(sum);
            });
          }
        },
      ),
    );
  });
});
