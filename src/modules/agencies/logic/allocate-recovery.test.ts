import { describe, expect, it } from 'vitest';
import { allocateRecovery } from './allocate-recovery.ts';

const items = [
  { itemId: 'b', number: 'INV-2', dueDate: '2026-03-01', openMinor: 30_000n },
  { itemId: 'a', number: 'INV-1', dueDate: '2026-02-01', openMinor: 50_000n },
  { itemId: 'c', number: 'INV-0', dueDate: '2026-03-01', openMinor: 20_000n },
  { itemId: 'z', number: 'INV-9', dueDate: '2026-01-01', openMinor: 0n },
];

describe('allocateRecovery', () => {
  it('settles the oldest items first, then by number, each up to its open amount', () => {
    expect(allocateRecovery(70_000n, items)).toEqual({
      parts: [
        { itemId: 'a', number: 'INV-1', amountMinor: 50_000n },
        { itemId: 'c', number: 'INV-0', amountMinor: 20_000n },
      ],
      excessMinor: 0n,
    });
  });

  it('reports what does not fit on any item', () => {
    const r = allocateRecovery(120_000n, items);
    expect(r.parts.reduce((s, p) => s + p.amountMinor, 0n)).toBe(100_000n);
    expect(r.excessMinor).toBe(20_000n);
  });

  it('always places exactly the amount, or says by how much it could not', () => {
    for (const amount of [1n, 49_999n, 50_000n, 50_001n, 99_999n, 100_000n, 100_001n]) {
      const r = allocateRecovery(amount, items);
      expect(r.parts.reduce((s, p) => s + p.amountMinor, 0n) + r.excessMinor).toBe(amount);
      expect(r.parts.every((p) => p.amountMinor > 0n)).toBe(true);
    }
  });

  it('refuses a zero or negative recovery', () => {
    expect(() => allocateRecovery(0n, items)).toThrow(RangeError);
  });
});
