import { type LocalDate, maxDate } from '../../../core/local-date.ts';
import type { ApplicationKind } from '../../../db/schema.ts';

/** One application row of a receipt, as the promise and plan rules read it (INTERCHANGE.md §3 signs). */
export interface CashRow {
  readonly customerId: string;
  /** The item settled, or the item a discount, deduction, fee or write-off row concerns. */
  readonly itemId: string | null;
  readonly kind: ApplicationKind;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly appliedDate: LocalDate;
  readonly receiptDate: LocalDate;
  /** A mirror row that undoes an earlier application (an unapply, a returned payment). */
  readonly reversal: boolean;
}

/** Cash that counts toward a commitment, dated when the customer paid it. */
export interface Payment {
  readonly date: LocalDate;
  readonly amountMinor: bigint;
}

/** Whose cash, toward what, from when, and known by when. */
export interface CashScope {
  readonly customerId: string;
  readonly currency: string;
  /** The items the commitment covers; empty: the account as a whole. */
  readonly itemIds: readonly string[];
  /** The day the commitment was made: cash applied before it was already in the balance promised. */
  readonly since: LocalDate;
  readonly asOf: LocalDate;
}

/**
 * The cash a customer paid toward a promise or plan, from the rows of its receipts.
 *
 * - Only rows of receipts count (netting a credit memo or a write-off without a receipt is not cash),
 *   and every kind but `refund`: the rows of a receipt sum to its amount, so for the account as a whole
 *   `invoice` + `credit_memo` (negative, netted) + `discount`/`deduction`/`bank_fee`/`write_off`
 *   (negative, not paid in cash) + `fx_difference` + `on_account` is the cash the customer sent.
 *   A refund is money paid back, never a payment.
 * - For promised items, the rows on those items: what settled them less what was deducted,
 *   discounted or written off against them in the payment (a credit memo netted in the payment
 *   counts as settling the item, as it does on the customer's statement).
 * - Rows applied from the day the commitment was made to the as-of date, so money received earlier
 *   but applied only after the promise ("the check is in the mail") counts. A payment is dated on
 *   its receipt (when the customer paid, not when cash application caught up), never before the
 *   commitment; a reversal (a returned payment) on the day it was booked.
 */
export function paymentsFor(rows: readonly CashRow[], scope: CashScope): Payment[] {
  const items = scope.itemIds.length > 0 ? new Set(scope.itemIds) : null;
  const out: Payment[] = [];
  for (const r of rows) {
    if (r.customerId !== scope.customerId || r.currency !== scope.currency || r.kind === 'refund') continue;
    if (r.appliedDate < scope.since || r.appliedDate > scope.asOf) continue;
    if (items && (r.itemId === null || !items.has(r.itemId))) continue;
    const date = r.reversal ? r.appliedDate : maxDate(r.receiptDate, scope.since);
    out.push({ date, amountMinor: r.amountMinor });
  }
  return out.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
}

/** The sum of the payments dated on or before `date`. */
export function paidBy(payments: readonly Payment[], date: LocalDate): bigint {
  let sum = 0n;
  for (const p of payments) if (p.date <= date) sum += p.amountMinor;
  return sum;
}

/**
 * The day the running total of payments (dated on or before `until`) last rose to `target` or above
 * and stayed there; null when it is below `target` at `until`. A payment returned later brings the
 * total back down, and only a later crossing counts.
 */
export function reachedOn(payments: readonly Payment[], target: bigint, until: LocalDate): LocalDate | null {
  let sum = 0n;
  let crossed: LocalDate | null = null;
  const byDate = new Map<LocalDate, bigint>();
  for (const p of payments)
    if (p.date <= until) byDate.set(p.date, (byDate.get(p.date) ?? 0n) + p.amountMinor);
  for (const date of [...byDate.keys()].sort()) {
    const before = sum;
    sum += byDate.get(date) ?? 0n;
    if (before < target && sum >= target) crossed = date;
    else if (sum < target) crossed = null;
  }
  return sum >= target ? crossed : null;
}
