import { describe, expect, it } from 'vitest';
import { classifyAtRisk, olderThan } from './classify-at-risk.ts';

describe('at-risk classification', () => {
  const pair = (now: bigint[], before: bigint[]) => ({
    bucketsNow: now,
    bucketsBefore: before,
    balanceNow: now.reduce((s, b) => s + b, 0n),
    balanceBefore: before.reduce((s, b) => s + b, 0n),
  });

  it('sums the older buckets', () => {
    expect(olderThan([1n, 2n, 3n, 4n], 2)).toBe(7n);
    expect(olderThan([1n], 3)).toBe(0n);
  });

  it('flags aging that worsened by at least the threshold, and nothing less', () => {
    // 500 moved from 1-30 into 31-60 this week.
    const p = pair([0n, 0n, 800n, 0n], [0n, 500n, 300n, 0n]);
    expect(classifyAtRisk(p, { olderFromBucket: 2, threshold: 500n, creditLimit: null })).toMatchObject({
      reasons: ['aging_worsened'],
      olderNow: 800n,
      olderBefore: 300n,
      olderChange: 500n,
    });
    expect(classifyAtRisk(p, { olderFromBucket: 2, threshold: 501n, creditLimit: null }).reasons).toEqual([]);
    // Paid down: the older money fell.
    const better = pair([0n, 0n, 100n, 0n], [0n, 0n, 300n, 0n]);
    expect(classifyAtRisk(better, { olderFromBucket: 2, threshold: 0n, creditLimit: null }).reasons).toEqual(
      [],
    );
  });

  it('flags a balance above the credit limit, and says whether that is new', () => {
    const p = pair([900n, 200n], [900n, 0n]);
    const v = classifyAtRisk(p, { olderFromBucket: 1, threshold: 1_000n, creditLimit: 1_000n });
    expect(v.reasons).toEqual(['over_credit_limit']);
    expect(v.newlyOverLimit).toBe(true);
    expect(classifyAtRisk(p, { olderFromBucket: 1, threshold: 1_000n, creditLimit: 1_100n }).reasons).toEqual(
      [],
    );
  });
});
