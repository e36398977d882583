/**
 * Integer division with a named rounding mode. Every conversion of money that can produce a fraction
 * of a minor unit names its mode; half-even (banker's rounding) is the default for accounting,
 * half-up where a business rule says so (early-payment discounts, spec section 6).
 */
export type RoundingMode = 'half_even' | 'half_up' | 'half_down' | 'down' | 'up' | 'floor' | 'ceiling';

/** `n / d` rounded by `mode`. `half_up` rounds ties away from zero; `down` truncates toward zero. */
export function divideRounded(n: bigint, d: bigint, mode: RoundingMode): bigint {
  if (d === 0n) throw new RangeError('division by zero');
  if (d < 0n) return divideRounded(-n, -d, mode);
  const q = n / d; // truncates toward zero
  const r = n % d; // same sign as n
  if (r === 0n) return q;
  const sign = n < 0n ? -1n : 1n;
  const twice = 2n * (r < 0n ? -r : r);
  switch (mode) {
    case 'down':
      return q;
    case 'up':
      return q + sign;
    case 'floor':
      return sign < 0n ? q - 1n : q;
    case 'ceiling':
      return sign > 0n ? q + 1n : q;
    case 'half_up':
      return twice >= d ? q + sign : q;
    case 'half_down':
      return twice > d ? q + sign : q;
    case 'half_even':
      if (twice > d) return q + sign;
      if (twice < d) return q;
      return q % 2n === 0n ? q : q + sign;
  }
}
