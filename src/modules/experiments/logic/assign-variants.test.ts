import { describe, expect, it } from 'vitest';
import { assignVariants, type Candidate } from './assign-variants.ts';

const people = (n: number, strata: readonly string[] = ['']): Candidate[] =>
  Array.from({ length: n }, (_, i) => ({
    id: `cus_${String(i).padStart(5, '0')}`,
    stratum: strata[i % strata.length] as string,
  }));

const count = (xs: readonly { variant: string }[], v: string) => xs.filter((x) => x.variant === v).length;

describe('assignVariants', () => {
  it('is reproducible: the same seed and population give the same assignment, whatever the input order', () => {
    const pop = people(500, ['large', 'mid', 'small']);
    const a = assignVariants(
      pop,
      [
        { key: 'A', weight: 1 },
        { key: 'B', weight: 1 },
      ],
      42n,
    );
    const b = assignVariants(
      [...pop].reverse(),
      [
        { key: 'A', weight: 1 },
        { key: 'B', weight: 1 },
      ],
      42,
    );
    const byId = (xs: typeof a) => Object.fromEntries(xs.map((x) => [x.id, x.variant]));
    expect(byId(b)).toEqual(byId(a));
    const c = assignVariants(
      pop,
      [
        { key: 'A', weight: 1 },
        { key: 'B', weight: 1 },
      ],
      43n,
    );
    const differ = pop.filter((p) => byId(a)[p.id] !== byId(c)[p.id]).length;
    // Another seed is another draw: about half the accounts change sides.
    expect(differ).toBeGreaterThan(150);
    expect(differ).toBeLessThan(350);
  });

  it('balances every stratum to within one block of the weights', () => {
    const pop = people(1001, ['large', 'mid', 'small', 'tiny']);
    const out = assignVariants(
      pop,
      [
        { key: 'champion', weight: 2 },
        { key: 'challenger', weight: 1 },
      ],
      7n,
    );
    expect(out).toHaveLength(1001);
    for (const stratum of ['large', 'mid', 'small', 'tiny']) {
      const inStratum = out.filter((x) => x.stratum === stratum);
      const champion = count(inStratum, 'champion');
      const challenger = count(inStratum, 'challenger');
      expect(Math.abs(champion - 2 * challenger)).toBeLessThanOrEqual(3);
    }
  });

  it('does not hand out variants in a fixed pattern within a stratum', () => {
    const out = assignVariants(
      people(400),
      [
        { key: 'A', weight: 1 },
        { key: 'B', weight: 1 },
      ],
      1n,
    );
    // Blocks of two are shuffled: both orders occur.
    const firstOfBlock = new Set<string>();
    const sorted = out; // in dealing order
    for (let i = 0; i < sorted.length; i += 2) firstOfBlock.add(sorted[i]?.variant as string);
    expect(firstOfBlock).toEqual(new Set(['A', 'B']));
    // And the accounts are not dealt in id order.
    const ids = out.map((x) => x.id);
    expect(ids).not.toEqual([...ids].sort());
  });

  it('is not correlated with the account order (ids in sequence split evenly)', () => {
    const out = assignVariants(
      people(2000),
      [
        { key: 'A', weight: 1 },
        { key: 'B', weight: 1 },
      ],
      99n,
    );
    const firstHalf = out.filter((x) => Number(x.id.slice(4)) < 1000);
    expect(count(firstHalf, 'A')).toBeGreaterThan(440);
    expect(count(firstHalf, 'A')).toBeLessThan(560);
  });

  it('refuses fewer than two variants or a bad weight', () => {
    expect(() => assignVariants(people(3), [{ key: 'A', weight: 1 }], 1n)).toThrow(RangeError);
    expect(() =>
      assignVariants(
        people(3),
        [
          { key: 'A', weight: 1 },
          { key: 'B', weight: 0 },
        ],
        1n,
      ),
    ).toThrow(RangeError);
  });
});
