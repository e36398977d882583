import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  abaCheckDigit,
  ibanCheckDigits,
  isValidAbaRoutingNumber,
  isValidIban,
  makeAbaRoutingNumber,
  makeCanadianAccount,
  makeIban,
  makeUsAccount,
} from './bank-accounts.ts';
import { createPrng } from './prng.ts';

describe('bank account identifiers', () => {
  it('computes ABA check digits as the ABA publishes them', () => {
    // 011000015 (Federal Reserve Bank of Boston) and 021000021 are well-known valid routing numbers.
    expect(abaCheckDigit([0, 1, 1, 0, 0, 0, 0, 1])).toBe(5);
    expect(isValidAbaRoutingNumber('011000015')).toBe(true);
    expect(isValidAbaRoutingNumber('021000021')).toBe(true);
    expect(isValidAbaRoutingNumber('021000022')).toBe(false);
    expect(isValidAbaRoutingNumber('02100002')).toBe(false);
  });

  it('computes IBAN check digits per ISO 13616', () => {
    expect(ibanCheckDigits('GB', 'WEST12345698765432')).toBe('82');
    expect(ibanCheckDigits('DE', '370400440532013000')).toBe('89');
    expect(isValidIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(isValidIban('GB83WEST12345698765432')).toBe(false);
  });

  it('makes only valid identifiers', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const rng = createPrng(seed);
        const routing = makeAbaRoutingNumber(rng);
        expect(isValidAbaRoutingNumber(routing)).toBe(true);
        expect(Number(routing.slice(0, 2))).toBeGreaterThanOrEqual(1);
        expect(Number(routing.slice(0, 2))).toBeLessThanOrEqual(12);
        expect(makeUsAccount(rng, routing)).toMatch(/^\d{9}:[1-9]\d{7,11}$/);
        expect(makeCanadianAccount(rng)).toMatch(/^0\d{8}:\d{7}$/);
        expect(isValidIban(makeIban(rng))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
