/** The aging of one account at two dates, by bucket (0 = current), due-date basis. */
export interface AgingPair {
  readonly bucketsNow: readonly bigint[];
  readonly bucketsBefore: readonly bigint[];
  readonly balanceNow: bigint;
  readonly balanceBefore: bigint;
}

/** Σ of the buckets from `fromBucket` on: the money that is older than a given age. */
export function olderThan(buckets: readonly bigint[], fromBucket: number): bigint {
  let sum = 0n;
  for (let i = fromBucket; i < buckets.length; i++) sum += buckets[i] ?? 0n;
  return sum;
}

export type AtRiskReason = 'aging_worsened' | 'over_credit_limit';

export interface AtRiskVerdict {
  readonly reasons: AtRiskReason[];
  readonly olderNow: bigint;
  readonly olderBefore: bigint;
  /** olderNow − olderBefore. */
  readonly olderChange: bigint;
  /** Over its credit limit now, and not at the earlier date. */
  readonly newlyOverLimit: boolean;
}

/**
 * An account is at risk when its aging worsened — the money in the older buckets (from
 * `olderFromBucket` on, by default past due more than 30 days) grew by at least `threshold` since the
 * earlier date — or when its open balance is above its credit limit.
 */
export function classifyAtRisk(
  pair: AgingPair,
  options: {
    readonly olderFromBucket: number;
    readonly threshold: bigint;
    readonly creditLimit: bigint | null;
  },
): AtRiskVerdict {
  const olderNow = olderThan(pair.bucketsNow, options.olderFromBucket);
  const olderBefore = olderThan(pair.bucketsBefore, options.olderFromBucket);
  const olderChange = olderNow - olderBefore;
  const reasons: AtRiskReason[] = [];
  if (olderChange > 0n && olderChange >= options.threshold) reasons.push('aging_worsened');
  const limit = options.creditLimit;
  const overNow = limit !== null && pair.balanceNow > limit;
  if (overNow) reasons.push('over_credit_limit');
  return {
    reasons,
    olderNow,
    olderBefore,
    olderChange,
    newlyOverLimit: overNow && limit !== null && pair.balanceBefore <= limit,
  };
}
