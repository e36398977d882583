import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPlainNumber } from './format-plain-number.ts';

describe('formatPlainNumber', () => {
  it('keeps the shortest round-trip digits', () => {
    expect(formatPlainNumber(1234.56)).toBe('1234.56');
    expect(formatPlainNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatPlainNumber(-42)).toBe('-42');
    expect(formatPlainNumber(-0)).toBe('0');
  });

  it('never uses exponent notation', () => {
    expect(formatPlainNumber(1e21)).toBe('1000000000000000000000');
    expect(formatPlainNumber(1.5e21)).toBe('1500000000000000000000');
    expect(formatPlainNumber(-1.25e22)).toBe('-12500000000000000000000');
    expect(formatPlainNumber(1.5e-7)).toBe('0.00000015');
    expect(formatPlainNumber(-1e-7)).toBe('-0.0000001');
    expect(formatPlainNumber(1.2345e-10)).toBe('0.00000000012345');
    expect(formatPlainNumber(Number.MIN_VALUE)).toBe(`0.${'0'.repeat(323)}5`);
  });

  it('has no decimal for what is not finite', () => {
    expect(formatPlainNumber(Number.NaN)).toBe('#ERROR');
    expect(formatPlainNumber(Number.POSITIVE_INFINITY)).toBe('#ERROR');
  });

  it('round-trips every finite double through Number', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const s = formatPlainNumber(n);
        expect(s).not.toMatch(/e/i);
        expect(Number(s)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});
