/** Weeks of a forecast: week h (1-based) runs from as-of + 7(h − 1) + 1 to as-of + 7h, both included. */
export function weekOf(daysAfterAsOf: number): number {
  return Math.floor((daysAfterAsOf - 1) / 7) + 1;
}

/**
 * The chance that money still unpaid `age` days after its due date (age = as-of − due date) is paid in
 * each of the next `weeks` weeks, from its survival function S: P(week h) = (S(age + 7(h−1)) −
 * S(age + 7h)) / S(age). The last element is the rest: later, or never. When S(age) is zero (history
 * says money this old is always paid by now, yet this is not), nothing is expected in the horizon.
 */
export function weeklyShares(survival: (x: number) => number, age: number, weeks: number): number[] {
  const start = survival(age);
  const shares = new Array<number>(weeks + 1).fill(0);
  if (!(start > 1e-12)) {
    shares[weeks] = 1;
    return shares;
  }
  let previous = start;
  let total = 0;
  for (let h = 1; h <= weeks; h++) {
    const next = survival(age + 7 * h);
    const p = Math.max(0, (previous - next) / start);
    shares[h - 1] = p;
    total += p;
    previous = next;
  }
  shares[weeks] = Math.max(0, 1 - total);
  return shares;
}

const SCALE = 1_000_000_000;

/** Shares as integer weights for money allocation (largest remainder keeps the parts summing to the whole). */
export function shareWeights(shares: readonly number[]): bigint[] {
  return shares.map((s) => BigInt(Math.round(Math.max(0, s) * SCALE)));
}

/**
 * The median payment day of money unpaid at `age`: the first day after which S has fallen to half of
 * S(age), within `limit` days; null when half of it is not expected to be paid by then.
 */
export function medianPaymentDay(survival: (x: number) => number, age: number, limit = 366): number | null {
  const half = survival(age) / 2;
  if (!(half > 0)) return null;
  for (let x = age + 1; x <= age + limit; x++) if (survival(x) <= half) return x;
  return null;
}
