import { type Fraction, fraction } from './fraction.ts';

/** Paid invoices summed for the days-to-pay averages. */
export interface PaidInvoiceTotals {
  readonly count: bigint;
  /** Σ days (payment date − issue date, or − due date for days late). */
  readonly sumDays: bigint;
  /** Σ invoice amounts (minor units). */
  readonly sumAmount: bigint;
  /** Σ amount × days. */
  readonly sumAmountDays: bigint;
}

export interface PaidInvoice {
  readonly amount: bigint;
  readonly days: number;
}

export function summarizePaidInvoices(paid: readonly PaidInvoice[]): PaidInvoiceTotals {
  let count = 0n;
  let sumDays = 0n;
  let sumAmount = 0n;
  let sumAmountDays = 0n;
  for (const p of paid) {
    count++;
    sumDays += BigInt(p.days);
    sumAmount += p.amount;
    sumAmountDays += p.amount * BigInt(p.days);
  }
  return { count, sumDays, sumAmount, sumAmountDays };
}

/**
 * Average days to pay (DOMAIN.md): per paid invoice, payment date − issue date (days late: − due date),
 * averaged by count and weighted by amount. Example: 100 paid in 10 days and 1,000 in 20 days → 15.0
 * count-weighted, 21,000 / 1,100 = 19.09 amount-weighted.
 */
export function computeDaysToPay(t: PaidInvoiceTotals): {
  countWeighted: Fraction | null;
  amountWeighted: Fraction | null;
} {
  return {
    countWeighted: fraction(t.sumDays, t.count),
    amountWeighted: fraction(t.sumAmountDays, t.sumAmount),
  };
}
