import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAmountReader } from './amount-reader.ts';

const readAll = (text: string, count: number) => {
  const r = createAmountReader(text);
  const out = Array.from({ length: count }, () => r.next());
  r.end();
  return out;
};

describe('amount reader', () => {
  it('reads zero, negatives and integers past 2^53 exactly', () => {
    expect(
      readAll('0 -1 123 999999999999999 -99999999999999 9007199254740993 -123456789012345678901234567890', 7),
    ).toEqual([
      0n,
      -1n,
      123n,
      999999999999999n,
      -99999999999999n,
      9007199254740993n,
      -123456789012345678901234567890n,
    ]);
  });

  it('reads back any list of bigints it is given as text', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }), { minLength: 1 }), (xs) => {
        expect(readAll(xs.map(String).join(' '), xs.length)).toEqual(xs);
      }),
    );
  });

  it('gives each amount as a double as well while it is exact as one', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), { minLength: 1 }), (xs) => {
        const r = createAmountReader(xs.map(String).join(' '));
        for (const x of xs) {
          expect(r.next()).toBe(x);
          const digits = String(x < 0n ? -x : x).length + (x < 0n ? 1 : 0);
          if (digits <= 15) expect(r.last).toBe(Number(x));
          else expect(r.last).toBeNaN();
        }
      }),
    );
  });

  it('refuses text that is not what the query writes', () => {
    expect(() => readAll('1 2', 3)).toThrow(/past the last/);
    expect(() => readAll('1 2 3', 2)).toThrow(/more than/);
    expect(() => readAll('1.5', 1)).toThrow(/not an integer/);
    expect(() => readAll('1  2', 2)).toThrow(/empty/);
    expect(() => readAll('-', 1)).toThrow(/empty/);
  });
});
