import { type Fraction, fraction } from './fraction.ts';

/**
 * Days sales outstanding (Credit Research Foundation; DOMAIN.md, key performance indicators):
 * ending total AR × days in the period / credit sales in the period. Null without credit sales.
 */
export function computeDso(input: {
  readonly endingAr: bigint;
  readonly creditSales: bigint;
  readonly days: number;
}): Fraction | null {
  return fraction(input.endingAr * BigInt(input.days), input.creditSales);
}
