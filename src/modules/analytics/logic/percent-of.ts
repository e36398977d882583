import { type Fraction, fraction } from './fraction.ts';

/**
 * `part` as a percentage of `whole` (percent current, percent over 90 days past due, roll rates, …).
 * Null when the whole is not positive: a share of nothing, or of a net credit balance, means nothing.
 */
export function percentOf(part: bigint, whole: bigint): Fraction | null {
  return whole > 0n ? fraction(part * 100n, whole) : null;
}
