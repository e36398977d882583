import { type Fraction, fraction } from './fraction.ts';

/**
 * Collection effectiveness index over N months (DOMAIN.md):
 * CEI = (beginning AR + sales/N − ending total AR) / (beginning AR + sales/N − ending current AR) × 100.
 * `months` is N, itself a fraction when the period is not made of whole calendar months. Null when the
 * denominator is not positive (nothing was collectible).
 * Example: 400,000 + 1,200,000/3 − 350,000 over 400,000 + 1,200,000/3 − 280,000 = 86.54 %.
 */
export function computeCei(input: {
  readonly beginningAr: bigint;
  readonly creditSales: bigint;
  readonly months: Fraction;
  readonly endingAr: bigint;
  readonly endingCurrentAr: bigint;
}): Fraction | null {
  const { num: p, den: q } = input.months;
  if (p <= 0n) return null;
  // sales / N = sales × q / p; multiply numerator and denominator through by p.
  const collectible = input.beginningAr * p + input.creditSales * q;
  const numerator = collectible - input.endingAr * p;
  const denominator = collectible - input.endingCurrentAr * p;
  if (denominator <= 0n) return null;
  return fraction(numerator * 100n, denominator);
}
