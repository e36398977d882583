import { describe, expect, it } from 'vitest';
import { decimalFromMinor, minorFromDecimal, normalizeDecimal } from './amounts.ts';

describe('amounts', () => {
  it('writes minor units as decimals of the exponent', () => {
    expect(decimalFromMinor(12345n, 2)).toBe('123.45');
    expect(decimalFromMinor(-5n, 2)).toBe('-0.05');
    expect(decimalFromMinor(7n, 0)).toBe('7');
    expect(decimalFromMinor(1n, 3)).toBe('0.001');
  });

  it('normalizes file decimals to the currency, refusing what cannot be exact', () => {
    expect(normalizeDecimal('1234,5', 'EUR')).toBe('1234.50');
    expect(normalizeDecimal('+12', 'USD')).toBe('12.00');
    expect(normalizeDecimal('-.5', 'USD')).toBe('-0.50');
    expect(normalizeDecimal('8.850', 'EUR')).toBe('8.85');
    expect(normalizeDecimal('8.851', 'EUR')).toBeNull();
    expect(normalizeDecimal('100', 'JPY')).toBe('100');
    expect(normalizeDecimal('1.2345', null)).toBe('1.2345');
    expect(normalizeDecimal('1', null)).toBe('1.00');
    expect(normalizeDecimal('1e3', 'USD')).toBeNull();
    expect(normalizeDecimal('', 'USD')).toBeNull();
    expect(normalizeDecimal('.', 'USD')).toBeNull();
  });

  it('reads canonical decimals back to minor units', () => {
    expect(minorFromDecimal('123.45', 2)).toBe(12345n);
    expect(minorFromDecimal('-0.05', 2)).toBe(-5n);
    expect(minorFromDecimal('7', 2)).toBe(700n);
  });
});
