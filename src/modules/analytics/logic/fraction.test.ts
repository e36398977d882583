import { describe, expect, it } from 'vitest';
import { addFractions, fraction, subtractFractions, toFixedNumber, toFixedOrNull } from './fraction.ts';

describe('fraction', () => {
  it('is null over zero and keeps the denominator positive', () => {
    expect(fraction(1n, 0n)).toBeNull();
    expect(fraction(3n, -4n)).toEqual({ num: -3n, den: 4n });
    expect(toFixedOrNull(null)).toBeNull();
  });

  it('rounds half away from zero, exactly', () => {
    expect(toFixedNumber({ num: 45005n, den: 1000n })).toBe(45.01);
    expect(toFixedNumber({ num: 45004n, den: 1000n })).toBe(45);
    expect(toFixedNumber({ num: -125n, den: 1000n })).toBe(-0.13);
    expect(toFixedNumber({ num: -1n, den: 1000n })).toBe(0);
    expect(toFixedNumber({ num: 2n, den: 3n }, 4)).toBe(0.6667);
    expect(toFixedNumber({ num: 7n, den: 2n }, 0)).toBe(4);
    // 1.005 is 1.00499999… as a float; as a fraction it is exactly half-way.
    expect(toFixedNumber({ num: 1005n, den: 1000n })).toBe(1.01);
  });

  it('adds and subtracts', () => {
    expect(toFixedNumber(addFractions({ num: 1n, den: 3n }, { num: 1n, den: 6n }))).toBe(0.5);
    expect(toFixedNumber(subtractFractions({ num: 1n, den: 3n }, { num: 1n, den: 2n }), 4)).toBe(-0.1667);
  });
});
