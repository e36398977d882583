import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ExactSums } from './exact-sums.ts';

describe('exact sums', () => {
  it('sums past 2^53 without rounding', () => {
    const s = new ExactSums(2);
    const amount = 999_999_999_999_999; // 15 digits, below 2^50
    for (let i = 0; i < 20_000; i++) s.add(0, amount);
    expect(s.value(0)).toBe(20_000n * 999_999_999_999_999n);
    expect(s.value(1)).toBe(0n);
    // A double adding these would have rounded long before.
    expect(BigInt(amount * 20_000)).not.toBe(20_000n * 999_999_999_999_999n);
  });

  it('takes large amounts and bigints as they are', () => {
    const s = new ExactSums(1);
    s.add(0, 2 ** 52);
    s.add(0, 1);
    s.addBig(0, -123456789012345678901234567890n);
    expect(s.value(0)).toBe(2n ** 52n + 1n - 123456789012345678901234567890n);
    expect(() => s.add(0, 2 ** 60)).toThrow(/not an exact integer/);
  });

  it('equals the bigint sum of any amounts it is given', () => {
    const amount = fc.oneof(
      fc.integer({ min: -(2 ** 49), max: 2 ** 49 }),
      fc.constantFrom(999_999_999_999_999, -999_999_999_999_999, 0),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }), amount), { maxLength: 3000 }), (adds) => {
        const s = new ExactSums(3);
        const expected = [0n, 0n, 0n];
        for (const [lane, a] of adds) {
          s.add(lane, a);
          expected[lane] = (expected[lane] as bigint) + BigInt(a);
        }
        expect([s.value(0), s.value(1), s.value(2)]).toEqual(expected);
      }),
    );
  });
});
