import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { bucketOf, compareVariants, computeOutcomes } from './experiment-outcomes.ts';
import { normalCdf } from './statistics.ts';

const d = (s: string) => s as LocalDate;

/**
 * Start 2026-01-01, checkpoint 2026-01-31, end 2026-03-01, N = 30.
 * Champion A1: 1,000.00 due 2025-12-15 (1–30), paid 2026-01-20 (19 days after the start). A2: 500.00
 * due 2026-01-10 (current), unpaid at the checkpoint (then 21 days past due: rolled) and at the end.
 * Challenger B1: 800.00 due 2025-11-20 (31–60), unpaid at the checkpoint (72 days: rolled), paid
 * 2026-02-15 (45 days: after N). B2: no balance. Contacts: A1 two calls; B1 a letter and three emails.
 */
const input = {
  start: d('2026-01-01'),
  checkpoint: d('2026-01-31'),
  end: d('2026-03-01'),
  paidWithinDays: 30,
  assignments: [
    { customerId: 'A1', variant: 'champ' },
    { customerId: 'A2', variant: 'champ' },
    { customerId: 'B1', variant: 'chall' },
    { customerId: 'B2', variant: 'chall' },
  ],
  items: [
    {
      customerId: 'A1',
      variant: 'champ',
      currency: 'USD',
      dueDate: d('2025-12-15'),
      openAtStart: 100_000n,
      openAtCheckpoint: 0n,
      openAtEnd: 0n,
      firstPaidOn: d('2026-01-20'),
      lastPaidOn: d('2026-01-20'),
    },
    {
      customerId: 'A2',
      variant: 'champ',
      currency: 'USD',
      dueDate: d('2026-01-10'),
      openAtStart: 50_000n,
      openAtCheckpoint: 50_000n,
      openAtEnd: 50_000n,
      firstPaidOn: null,
      lastPaidOn: null,
    },
    {
      customerId: 'B1',
      variant: 'chall',
      currency: 'USD',
      dueDate: d('2025-11-20'),
      openAtStart: 80_000n,
      openAtCheckpoint: 80_000n,
      openAtEnd: 0n,
      firstPaidOn: d('2026-02-15'),
      lastPaidOn: d('2026-02-15'),
    },
  ],
  collected: [
    { customerId: 'A1', currency: 'USD', amountMinor: 100_000n },
    { customerId: 'B1', currency: 'USD', amountMinor: 80_000n },
  ],
  contacts: [
    { customerId: 'A1', kind: 'call', count: 2 },
    { customerId: 'B1', kind: 'letter', count: 1 },
    { customerId: 'B1', kind: 'email', count: 3 },
  ],
  costPerContactMinor: { call: 400n, email: 5n, letter: 125n },
};

describe('experiment outcomes', () => {
  it('ages by the usual buckets, day 0 current', () => {
    expect([0, 1, 30, 31, 60, 61, 90, 91, 120, 121, -5].map(bucketOf)).toEqual([
      0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 0,
    ]);
  });

  it('measures days to pay from the later of the start and the due date, weighted by amount', () => {
    const [v] = computeOutcomes(
      {
        ...input,
        assignments: [{ customerId: 'A1', variant: 'champ' }],
        items: [
          { ...input.items[0], openAtStart: 30_000n, dueDate: d('2025-12-01'), lastPaidOn: d('2026-01-11') },
          // Due after the start: counted from its due date (2026-01-20 → paid 2026-01-25: 5 days).
          { ...input.items[0], openAtStart: 10_000n, dueDate: d('2026-01-20'), lastPaidOn: d('2026-01-25') },
        ] as typeof input.items,
      },
      ['champ'],
    );
    // (30,000 × 10 + 10,000 × 5) / 40,000
    expect(v?.daysToPay).toEqual([8.75]);
  });

  it('measures each variant per account', () => {
    const [champ, chall] = computeOutcomes(input, ['champ', 'chall']);
    expect(champ).toMatchObject({
      accounts: 2,
      accountsWithBalance: 2,
      startBalance: { USD: 150_000n },
      collected: { USD: 100_000n },
      paidWithinN: 1,
      paidWithinNShare: 0.5,
      // A1 was past due on the start day and is paid; A2 was not yet due.
      pastDueAccounts: 1,
      cured: 1,
      curedShare: 1,
      payers: 1,
      meanDaysToPay: 19,
      medianDaysToPay: 19,
      meanCollectedShare: 0.5,
      contacts: { call: 2 },
      contactCostMinor: 800n,
      costPerAccountMinor: 400n,
      daysToPay: [19],
    });
    expect(champ?.rolls.slice(0, 2)).toEqual([
      { from: 'current', startMinor: 50_000n, rolledMinor: 50_000n, rate: 1 },
      { from: '1-30', startMinor: 100_000n, rolledMinor: 0n, rate: 0 },
    ]);
    expect(champ?.rollRate).toBeCloseTo(1 / 3, 12);
    expect(chall).toMatchObject({
      accounts: 2,
      accountsWithBalance: 1,
      paidWithinN: 0,
      paidWithinNShare: 0,
      pastDueAccounts: 1,
      cured: 1,
      payers: 1,
      meanDaysToPay: 45,
      contacts: { letter: 1, email: 3 },
      contactCostMinor: 140n,
      costPerAccountMinor: 70n,
      rollRate: 1,
    });
    expect(chall?.rolls[2]).toEqual({ from: '31-60', startMinor: 80_000n, rolledMinor: 80_000n, rate: 1 });
  });

  it('compares each challenger with the champion', () => {
    const [c] = compareVariants(computeOutcomes(input, ['champ', 'chall']), 'champ');
    expect(c?.challenger).toBe('chall');
    // One paying account a side: no t-test; everyone cured: no z-test.
    expect(c?.daysToPay).toBeNull();
    expect(c?.cured).toBeNull();
    // 0/1 against 1/2, pooled 1/3: z = −0.5 / √(⅓·⅔·1.5)
    const z = -0.5 / Math.sqrt((1 / 3) * (2 / 3) * 1.5);
    expect(c?.paidWithinN?.z).toBeCloseTo(z, 12);
    expect(c?.paidWithinN?.p).toBeCloseTo(2 * normalCdf(z), 12);
  });
});
