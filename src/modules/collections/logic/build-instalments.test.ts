import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { buildEqualInstalments, checkInstalments } from './build-instalments.ts';

const d = (s: string) => s as LocalDate;

describe('buildEqualInstalments', () => {
  it('splits by largest remainder, the extra cents to the earliest instalments', () => {
    const r = buildEqualInstalments({
      totalMinor: 10_000n,
      count: 3,
      everyDays: 30,
      firstDueDate: d('2026-07-01'),
    });
    expect(r).toEqual({
      ok: true,
      totalMinor: 10_000n,
      instalments: [
        { seq: 1, dueDate: '2026-07-01', amountMinor: 3_334n },
        { seq: 2, dueDate: '2026-07-31', amountMinor: 3_333n },
        { seq: 3, dueDate: '2026-08-30', amountMinor: 3_333n },
      ],
    });
  });

  it('always sums to the total, parts within one minor unit of each other', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 1n, max: 10n ** 12n }),
        fc.integer({ min: 1, max: 60 }),
        (total, count) => {
          const r = buildEqualInstalments({
            totalMinor: total * BigInt(count),
            count,
            everyDays: 7,
            firstDueDate: d('2026-01-01'),
          });
          if (!r.ok) return false;
          const parts = r.instalments.map((i) => i.amountMinor);
          const max = parts.reduce((a, b) => (a > b ? a : b));
          const min = parts.reduce((a, b) => (a < b ? a : b));
          return parts.reduce((a, b) => a + b, 0n) === total * BigInt(count) && max - min <= 1n;
        },
      ),
    );
    const r = buildEqualInstalments({
      totalMinor: 1_000_003n,
      count: 7,
      everyDays: 14,
      firstDueDate: d('2026-01-01'),
    });
    expect(r.ok && r.instalments.reduce((s, i) => s + i.amountMinor, 0n)).toBe(1_000_003n);
  });

  it('refuses a count, spacing or amount that cannot make a plan', () => {
    expect(
      buildEqualInstalments({ totalMinor: 100n, count: 0, everyDays: 30, firstDueDate: d('2026-07-01') }).ok,
    ).toBe(false);
    expect(
      buildEqualInstalments({ totalMinor: 100n, count: 2, everyDays: 0, firstDueDate: d('2026-07-01') }).ok,
    ).toBe(false);
    expect(
      buildEqualInstalments({ totalMinor: 2n, count: 3, everyDays: 30, firstDueDate: d('2026-07-01') }),
    ).toEqual({
      ok: false,
      issues: ['the plan amount is too small to split into 3 instalments'],
    });
  });
});

describe('checkInstalments', () => {
  it('numbers a listed schedule and sums it', () => {
    const r = checkInstalments([
      { dueDate: d('2026-07-01'), amountMinor: 5_000n },
      { dueDate: d('2026-07-15'), amountMinor: 7_500n },
    ]);
    expect(r).toMatchObject({ ok: true, totalMinor: 12_500n });
  });

  it('reports every problem: empty amounts, dates out of order', () => {
    const r = checkInstalments([
      { dueDate: d('2026-07-15'), amountMinor: 0n },
      { dueDate: d('2026-07-15'), amountMinor: 100n },
    ]);
    expect(r).toEqual({
      ok: false,
      issues: [
        'instalment 1: the amount must be positive',
        'instalment 2: due 2026-07-15, not after instalment 1 (2026-07-15)',
      ],
    });
    expect(checkInstalments([]).ok).toBe(false);
  });
});
