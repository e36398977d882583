/**
 * Weighted absolute error of a forecast against what happened: Σ |forecast − actual| / Σ actual over
 * the cells compared (weeks, as-of dates). Amounts in minor units; the ratio is a number (not money).
 * Null when nothing was received.
 */
export function weightedAbsoluteError(
  pairs: readonly { readonly forecast: bigint; readonly actual: bigint }[],
): number | null {
  let error = 0n;
  let actual = 0n;
  for (const p of pairs) {
    const d = p.forecast - p.actual;
    error += d < 0n ? -d : d;
    actual += p.actual;
  }
  if (actual <= 0n) return null;
  // Six significant decimals, computed in integers.
  return Number((error * 1_000_000n) / actual) / 1_000_000;
}
