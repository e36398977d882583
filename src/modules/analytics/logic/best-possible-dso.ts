import { type Fraction, fraction } from './fraction.ts';

/**
 * Best possible DSO (DOMAIN.md): ending current (not yet due) AR × days / credit sales — the DSO the
 * book would have if every customer paid exactly on the due date. Null without credit sales.
 */
export function computeBestPossibleDso(input: {
  readonly endingCurrentAr: bigint;
  readonly creditSales: bigint;
  readonly days: number;
}): Fraction | null {
  return fraction(input.endingCurrentAr * BigInt(input.days), input.creditSales);
}
