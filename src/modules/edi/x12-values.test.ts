import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import { normalizeDecimal } from '../bank-files/index.ts';
import {
  DecimalSum,
  isNegative,
  negateDecimal,
  optionalAmount,
  requiredAmount,
  x12Amount,
  x12Date,
} from './x12-values.ts';

const CURRENCIES = [null, 'USD', 'JPY', 'KWD', 'CLF', 'XYZ'];

describe('x12Amount', () => {
  it('writes X12 decimals as the canonical decimals of the currency', () => {
    expect(x12Amount('1922.86', null)).toBe('1922.86');
    expect(x12Amount('2100', null)).toBe('2100.00');
    expect(x12Amount('6.0', null)).toBe('6.00');
    expect(x12Amount('-.5', 'USD')).toBe('-0.50');
    expect(x12Amount('+007.10', 'USD')).toBe('7.10');
    expect(x12Amount('-0.00', null)).toBe('0.00');
    expect(x12Amount(' 12 ', null)).toBe('12.00');
    expect(x12Amount('1.2345', null)).toBe('1.2345');
    expect(x12Amount('1.2300', null)).toBe('1.23');
    expect(x12Amount('1500', 'JPY')).toBe('1500');
    expect(x12Amount('1500.00', 'JPY')).toBe('1500');
    expect(x12Amount('1500.5', 'JPY')).toBeNull();
    expect(x12Amount('1.5', 'KWD')).toBe('1.500');
  });

  it('refuses what is not an X12 decimal', () => {
    for (const text of [
      '',
      ' ',
      '-',
      '+',
      '.',
      '1,000.00',
      '1,5',
      '1e3',
      '1.2.3',
      '--1',
      'abc',
      '١٢',
      '12-',
    ]) {
      expect(x12Amount(text, null), text).toBeNull();
    }
  });

  it('agrees with normalizeDecimal on every X12 decimal', () => {
    const decimal = fc
      .tuple(
        fc.constantFrom('', '-', '+'),
        fc.stringMatching(/^\d{0,12}$/),
        fc.option(fc.stringMatching(/^\d{0,6}$/), { nil: undefined }),
      )
      .map(([sign, whole, fraction]) => `${sign}${whole}${fraction === undefined ? '' : `.${fraction}`}`);
    fc.assert(
      fc.property(decimal, fc.constantFrom(...CURRENCIES), (text, currency) => {
        expect(x12Amount(text, currency)).toBe(normalizeDecimal(text, currency));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('required and optional amounts', () => {
  const message = (run: () => unknown) => {
    try {
      run();
    } catch (e) {
      if (isAppError(e) && e.code === 'bank_files.unreadable') return e.message;
      throw e;
    }
    return null;
  };

  it('name the element, the line and the problem', () => {
    expect(requiredAmount('1', null, 'f', 3, 'CLP04 (paid)')).toBe('1.00');
    expect(message(() => requiredAmount(undefined, null, 'f', 3, 'CLP04 (paid)'))).toBe(
      'f:3: CLP04 (paid) is missing',
    );
    expect(message(() => requiredAmount(' x ', null, 'f', 3, 'CLP04 (paid)'))).toBe(
      "f:3: CLP04 (paid) 'x' is not an amount",
    );
    expect(message(() => requiredAmount('1.5', 'JPY', 'f', 3, 'CLP04 (paid)'))).toBe(
      "f:3: CLP04 (paid) '1.5' has more decimal places than JPY allows",
    );
    expect(optionalAmount(undefined, null, 'f', 3, 'CLP05')).toBeNull();
    expect(optionalAmount('  ', null, 'f', 3, 'CLP05')).toBeNull();
    expect(optionalAmount('5', null, 'f', 3, 'CLP05')).toBe('5.00');
    expect(message(() => optionalAmount('5x', null, 'f', 3, 'CLP05'))).toBe(
      "f:3: CLP05 '5x' is not an amount",
    );
  });
});

describe('x12Date, negateDecimal, isNegative', () => {
  it('reads CCYYMMDD calendar dates only', () => {
    expect(x12Date('20240229')).toBe('2024-02-29');
    expect(x12Date('20230229')).toBeNull();
    expect(x12Date('20241301')).toBeNull();
    expect(x12Date('240101')).toBeNull();
    expect(x12Date(undefined)).toBeNull();
  });

  it('negates without ever writing -0', () => {
    expect(negateDecimal('1.00')).toBe('-1.00');
    expect(negateDecimal('-1.00')).toBe('1.00');
    expect(negateDecimal('0.00')).toBe('0.00');
    expect(negateDecimal('0')).toBe('0');
    expect(isNegative('-0.01')).toBe(true);
    expect(isNegative('-0.00')).toBe(false);
    expect(isNegative('0.01')).toBe(false);
  });
});

describe('DecimalSum', () => {
  it('sums exactly at the largest scale seen', () => {
    const s = new DecimalSum().add('1.10').add('2.205').subtract('-0.005').add('7');
    expect(s.toString()).toBe('10.310');
    expect(s.equals(new DecimalSum().add('10.31'))).toBe(true);
    expect(new DecimalSum().add('5').subtract('5.00').isZero()).toBe(true);
    expect(new DecimalSum().toString()).toBe('0.00');
    expect(new DecimalSum().add('100').toString(0)).toBe('100.00');
  });

  it('stays exact beyond 2^53 minor units', () => {
    const big = '90071992547409.93';
    const s = new DecimalSum().add(big).add(big).add('0.01');
    expect(s.toString()).toBe('180143985094819.87');
    expect(s.subtract(big).subtract(big).subtract('0.01').isZero()).toBe(true);
    expect(new DecimalSum().add('123456789012345678.99').add('0.01').toString()).toBe(
      '123456789012345679.00',
    );
  });

  it('agrees with bigint arithmetic', () => {
    const amount = fc
      .tuple(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.integer({ min: 0, max: 6 }))
      .map(([minor, places]) => {
        const digits = (minor < 0n ? -minor : minor).toString().padStart(places + 1, '0');
        const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
        return { text: `${minor < 0n ? '-' : ''}${text}`, minor, places };
      });
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 12 }), (amounts) => {
        const sum = new DecimalSum();
        let expected = 0n;
        const scale = Math.max(2, ...amounts.map((a) => a.places));
        for (const a of amounts) {
          sum.add(a.text);
          expected += a.minor * 10n ** BigInt(scale - a.places);
        }
        const sign = expected < 0n ? '-' : '';
        const digits = (expected < 0n ? -expected : expected).toString().padStart(scale + 1, '0');
        expect(sum.toString()).toBe(`${sign}${digits.slice(0, -scale)}.${digits.slice(-scale)}`);
      }),
      { numRuns: 2000 },
    );
  });
});
