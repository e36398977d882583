import { type Fraction, fraction } from './fraction.ts';

/**
 * AR turnover for the period: credit sales / average AR, the average being (beginning + ending) / 2.
 * Annualized by × 365 / days in the period. Null when the average AR is not positive.
 */
export function computeArTurnover(input: {
  readonly creditSales: bigint;
  readonly beginningAr: bigint;
  readonly endingAr: bigint;
  readonly days: number;
}): { period: Fraction | null; annualized: Fraction | null } {
  const twiceAverage = input.beginningAr + input.endingAr;
  if (twiceAverage <= 0n) return { period: null, annualized: null };
  return {
    period: fraction(input.creditSales * 2n, twiceAverage),
    annualized: fraction(input.creditSales * 2n * 365n, twiceAverage * BigInt(input.days)),
  };
}
