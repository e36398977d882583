import { describe, expect, it } from 'vitest';
import type { LocalDate } from '../../../core/local-date.ts';
import { type CashRow, type Payment, paidBy, paymentsFor, reachedOn } from './cash-payments.ts';

const d = (s: string) => s as LocalDate;
const row = (over: Partial<CashRow>): CashRow => ({
  customerId: 'C1',
  itemId: 'INV-1',
  kind: 'invoice',
  currency: 'USD',
  amountMinor: 10_000n,
  appliedDate: d('2026-06-10'),
  receiptDate: d('2026-06-10'),
  reversal: false,
  ...over,
});
const scope = {
  customerId: 'C1',
  currency: 'USD',
  itemIds: [] as string[],
  since: d('2026-06-05'),
  asOf: d('2026-06-30'),
};
const total = (ps: readonly Payment[]) => ps.reduce((s, p) => s + p.amountMinor, 0n);

describe('paymentsFor', () => {
  it('counts the cash of a receipt for the account: invoice gross less discount, deduction, netted credit', () => {
    // 980.00 for INV-1 1,000.00 with a 20.00 discount; 826.00 for INV-2 1,001.00 with a 175.00 deduction.
    const rows = [
      row({ amountMinor: 100_000n }),
      row({ kind: 'discount', amountMinor: -2_000n }),
      row({ itemId: 'INV-2', amountMinor: 100_100n }),
      row({ itemId: 'INV-2', kind: 'deduction', amountMinor: -17_500n }),
      row({ itemId: 'CM-1', kind: 'credit_memo', amountMinor: -5_000n }),
      row({ itemId: null, kind: 'on_account', amountMinor: 3_000n }),
    ];
    expect(total(paymentsFor(rows, scope))).toBe(98_000n + 82_600n - 5_000n + 3_000n);
  });

  it('never counts a refund, another customer, another currency, or rows outside the dates', () => {
    const rows = [
      row({ kind: 'refund', itemId: null, amountMinor: 5_000n }),
      row({ customerId: 'C2' }),
      row({ currency: 'EUR' }),
      row({ appliedDate: d('2026-06-04'), receiptDate: d('2026-06-04') }),
      row({ appliedDate: d('2026-07-01'), receiptDate: d('2026-07-01') }),
    ];
    expect(paymentsFor(rows, scope)).toEqual([]);
  });

  it('for promised items, counts the rows on those items only', () => {
    const rows = [
      row({ amountMinor: 100_000n }),
      row({ kind: 'discount', amountMinor: -2_000n }),
      row({ itemId: 'INV-2', amountMinor: 50_000n }),
      row({ itemId: null, kind: 'on_account', amountMinor: 3_000n }),
    ];
    expect(total(paymentsFor(rows, { ...scope, itemIds: ['INV-1'] }))).toBe(98_000n);
  });

  it('dates a payment on its receipt, never before the commitment; a reversal on its own day', () => {
    const rows = [
      row({ receiptDate: d('2026-06-08'), appliedDate: d('2026-06-12') }),
      row({ receiptDate: d('2026-06-01'), appliedDate: d('2026-06-06') }), // money in the mail before the promise
      row({
        receiptDate: d('2026-06-08'),
        appliedDate: d('2026-06-20'),
        amountMinor: -10_000n,
        reversal: true,
      }),
    ];
    expect(paymentsFor(rows, scope)).toEqual([
      { date: '2026-06-05', amountMinor: 10_000n },
      { date: '2026-06-08', amountMinor: 10_000n },
      { date: '2026-06-20', amountMinor: -10_000n },
    ]);
  });
});

describe('paidBy and reachedOn', () => {
  const payments: Payment[] = [
    { date: d('2026-06-10'), amountMinor: 6_000n },
    { date: d('2026-06-12'), amountMinor: 4_000n },
    { date: d('2026-06-15'), amountMinor: -4_000n }, // returned
    { date: d('2026-06-18'), amountMinor: 5_000n },
  ];

  it('sums what was paid by a day', () => {
    expect(paidBy(payments, d('2026-06-11'))).toBe(6_000n);
    expect(paidBy(payments, d('2026-06-30'))).toBe(11_000n);
  });

  it('gives the day the total last reached the target and stayed there', () => {
    expect(reachedOn(payments, 10_000n, d('2026-06-13'))).toBe('2026-06-12');
    expect(reachedOn(payments, 10_000n, d('2026-06-16'))).toBeNull();
    expect(reachedOn(payments, 10_000n, d('2026-06-30'))).toBe('2026-06-18');
    expect(reachedOn(payments, 20_000n, d('2026-06-30'))).toBeNull();
  });
});
