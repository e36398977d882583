import { type Fraction, subtractFractions } from './fraction.ts';

/** Average days delinquent (DOMAIN.md): ADD = DSO − best possible DSO. Null when either is. */
export function computeAverageDaysDelinquent(
  dso: Fraction | null,
  bestPossibleDso: Fraction | null,
): Fraction | null {
  return dso === null || bestPossibleDso === null ? null : subtractFractions(dso, bestPossibleDso);
}
