import { type Fraction, fraction } from './fraction.ts';

/**
 * Promise-kept rate, in percent: kept / (kept + broken) among the promises to pay that fell due in
 * the period. Open and cancelled promises are in neither count. Null when none was kept or broken.
 */
export function computePromiseKeptRate(kept: number, broken: number): Fraction | null {
  return fraction(BigInt(kept) * 100n, BigInt(kept + broken));
}
