import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allocateSettlement } from './allocate-settlement.ts';

describe('allocateSettlement', () => {
  it('writes off the remainder in proportion to the open amounts', () => {
    // Open 600 + 300 + 100 = 1,000; agreed 700: 300 is written off as 180 / 90 / 30.
    const r = allocateSettlement(
      [
        { itemId: 'a', openMinor: 60000n },
        { itemId: 'b', openMinor: 30000n },
        { itemId: 'c', openMinor: 10000n },
      ],
      70000n,
    );
    expect(r).toEqual({
      ok: true,
      openMinor: 100000n,
      remainderMinor: 30000n,
      parts: [
        { itemId: 'a', writeOffMinor: 18000n, openAfterMinor: 42000n },
        { itemId: 'b', writeOffMinor: 9000n, openAfterMinor: 21000n },
        { itemId: 'c', writeOffMinor: 3000n, openAfterMinor: 7000n },
      ],
    });
  });

  it('gives the odd cents to the largest remainders', () => {
    // 100 written off over three equal items: 34 / 33 / 33, the first taking the extra unit.
    const r = allocateSettlement(
      [
        { itemId: 'a', openMinor: 1000n },
        { itemId: 'b', openMinor: 1000n },
        { itemId: 'c', openMinor: 1000n },
      ],
      2900n,
    );
    expect(r.ok && r.parts.map((p) => p.writeOffMinor)).toEqual([34n, 33n, 33n]);
  });

  it('writes everything off for an agreed amount of zero', () => {
    const r = allocateSettlement(
      [
        { itemId: 'a', openMinor: 5n },
        { itemId: 'b', openMinor: 7n },
      ],
      0n,
    );
    expect(r.ok && r.parts).toEqual([
      { itemId: 'a', writeOffMinor: 5n, openAfterMinor: 0n },
      { itemId: 'b', writeOffMinor: 7n, openAfterMinor: 0n },
    ]);
  });

  it('refuses an agreed amount that writes nothing off, a negative one, and items with nothing open', () => {
    const items = [{ itemId: 'a', openMinor: 100n }];
    expect(allocateSettlement(items, 100n).ok).toBe(false);
    expect(allocateSettlement(items, 101n).ok).toBe(false);
    expect(allocateSettlement(items, -1n).ok).toBe(false);
    expect(allocateSettlement([], 0n).ok).toBe(false);
    expect(allocateSettlement([{ itemId: 'z', openMinor: 0n }], 0n)).toEqual({
      ok: false,
      problem: 'item z has nothing open',
    });
  });

  it('always writes off exactly the remainder, never more than an item has open', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 1n, max: 10n ** 12n }), { minLength: 1, maxLength: 20 }),
        fc.bigInt({ min: 0n, max: 10n ** 13n }),
        (opens, seed) => {
          const total = opens.reduce((a, b) => a + b, 0n);
          const agreed = seed % total;
          const r = allocateSettlement(
            opens.map((openMinor, i) => ({ itemId: `i${i}`, openMinor })),
            agreed,
          );
          if (!r.ok) return false;
          const written = r.parts.reduce((s, p) => s + p.writeOffMinor, 0n);
          const left = r.parts.reduce((s, p) => s + p.openAfterMinor, 0n);
          return (
            written === total - agreed &&
            left === agreed &&
            r.parts.every((p) => p.writeOffMinor >= 0n && p.openAfterMinor >= 0n)
          );
        },
      ),
    );
  });
});
