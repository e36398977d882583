import { type Fraction, fraction } from './fraction.ts';

/**
 * Dispute cycle time: the average of (resolved on − opened on), in days, over the disputes resolved
 * in the period. Null when none was resolved.
 */
export function computeDisputeCycleDays(resolved: number, sumDays: bigint): Fraction | null {
  return fraction(sumDays, BigInt(resolved));
}
