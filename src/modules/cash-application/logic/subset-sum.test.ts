import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subsetSums } from './subset-sum.ts';

describe('subsetSums', () => {
  it('finds the unique subset, counts each solution once, and says when there are more', () => {
    expect(subsetSums([100n, 250n, 400n], 350n)).toEqual({ solutions: [[0, 1]], exhausted: true });
    expect(subsetSums([100n, 100n, 300n], 100n)).toEqual({ solutions: [[0], [1]], exhausted: true });
    expect(subsetSums([100n, 200n], 50n)).toEqual({ solutions: [], exhausted: true });
    const many = subsetSums([1n, 1n, 1n, 1n, 1n], 2n, { maxSolutions: 3 });
    expect(many.solutions).toHaveLength(3);
    expect(many.exhausted).toBe(false);
  });

  it('nets credits and finds zero-sum supersets as other answers', () => {
    expect(subsetSums([500n, -200n, 300n], 300n).solutions).toEqual([[0, 1], [2]]);
    expect(subsetSums([300n, 100n, -100n], 300n).solutions).toEqual([[0], [0, 1, 2]]);
  });

  it('accepts a sum up to slack above the target (a wire short by its fee)', () => {
    expect(subsetSums([1000n, 2000n], 990n, { slack: 50n }).solutions).toEqual([[0]]);
    expect(subsetSums([1000n, 2000n], 940n, { slack: 50n }).solutions).toEqual([]);
  });

  it('gives up past its bounds instead of searching forever', () => {
    const big = Array.from({ length: 70 }, (_, i) => BigInt(i + 1));
    expect(subsetSums(big, 5n)).toEqual({ solutions: [], exhausted: false });
    const r = subsetSums(
      Array.from({ length: 40 }, () => 7n),
      140n,
      { maxNodes: 1000, maxSolutions: 100 },
    );
    expect(r.exhausted).toBe(false);
  });

  it('every solution sums to the target, and an exhausted search misses none (against brute force)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 200 }), { maxLength: 10 }),
        fc.integer({ min: -50, max: 400 }),
        (xs, t) => {
          const amounts = xs.map(BigInt);
          const r = subsetSums(amounts, BigInt(t), { maxSolutions: 2000 });
          for (const s of r.solutions)
            expect(s.reduce((a, i) => a + (amounts[i] as bigint), 0n)).toBe(BigInt(t));
          let brute = 0;
          for (let mask = 1; mask < 1 << amounts.length; mask++) {
            let sum = 0n;
            for (let i = 0; i < amounts.length; i++) if (mask & (1 << i)) sum += amounts[i] as bigint;
            if (sum === BigInt(t)) brute++;
          }
          if (r.exhausted) expect(r.solutions.length).toBe(brute);
          expect(new Set(r.solutions.map((s) => s.join(','))).size).toBe(r.solutions.length);
        },
      ),
      { numRuns: 300 },
    );
  });
});
