import { describe, expect, it } from 'vitest';
import { computeDaysToPay, summarizePaidInvoices } from './days-to-pay.ts';
import { toFixedOrNull } from './fraction.ts';

describe('average days to pay', () => {
  it('DOMAIN.md example: 100 paid in 10 days, 1,000 in 20 days → 15.0 count-weighted, 19.09 amount-weighted', () => {
    const totals = summarizePaidInvoices([
      { amount: 10_000n, days: 10 },
      { amount: 100_000n, days: 20 },
    ]);
    const r = computeDaysToPay(totals);
    expect(toFixedOrNull(r.countWeighted)).toBe(15);
    expect(toFixedOrNull(r.amountWeighted)).toBe(19.09);
  });

  it('is undefined without paid invoices, and negative days (paid early) count as such', () => {
    expect(computeDaysToPay(summarizePaidInvoices([]))).toEqual({
      countWeighted: null,
      amountWeighted: null,
    });
    const early = computeDaysToPay(
      summarizePaidInvoices([
        { amount: 300n, days: -5 },
        { amount: 100n, days: 3 },
      ]),
    );
    expect(toFixedOrNull(early.countWeighted)).toBe(-1);
    expect(toFixedOrNull(early.amountWeighted)).toBe(-3);
  });
});
