import { type CurrencyCode, parseCurrency } from '../../../core/currency.ts';
import { isLocalDate, type LocalDate } from '../../../core/local-date.ts';
import { parseAmount } from '../../../core/money.ts';
import type { ApplicationKind, ReceiptMethod } from '../../../db/schema.ts';

export const HISTORY_KINDS: readonly ApplicationKind[] = [
  'invoice',
  'credit_memo',
  'discount',
  'deduction',
  'bank_fee',
  'fx_difference',
  'on_account',
  'write_off',
  'refund',
];

export const RECEIPT_METHODS: readonly ReceiptMethod[] = [
  'ach',
  'wire',
  'sepa',
  'check',
  'card',
  'lockbox',
  'other',
];

/** Kinds that need the customer's account number even when an invoice number is given. */
const NEEDS_ACCOUNT: readonly ApplicationKind[] = [
  'discount',
  'deduction',
  'bank_fee',
  'write_off',
  'on_account',
  'fx_difference',
  'refund',
];

export interface HistoryRow {
  readonly line: number;
  readonly reference: string;
  readonly receiptDate: LocalDate;
  readonly receiptAmountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly payerName: string | null;
  readonly payerBankAccount: string | null;
  readonly method: ReceiptMethod;
  readonly memo: string | null;
  readonly accountNumber: string | null;
  readonly invoiceNumber: string | null;
  readonly kind: ApplicationKind;
  readonly appliedMinor: bigint;
  readonly reasonCode: string | null;
}

/** Reads one row of the history format (INTERCHANGE.md §2.4); returns every problem with its column. */
export function parseHistoryRow(
  line: number,
  get: (column: string) => string,
): { ok: true; value: HistoryRow } | { ok: false; problems: { column: string; message: string }[] } {
  const problems: { column: string; message: string }[] = [];
  const need = (column: string) => {
    const v = get(column);
    if (!v) problems.push({ column, message: 'is required' });
    return v;
  };
  const reference = need('receipt_reference');
  const dateText = need('receipt_date');
  if (dateText && !isLocalDate(dateText))
    problems.push({ column: 'receipt_date', message: `"${dateText}" is not a date (YYYY-MM-DD)` });
  let currency: CurrencyCode | null = null;
  const currencyText = need('currency');
  if (currencyText) {
    try {
      currency = parseCurrency(currencyText);
    } catch (e) {
      problems.push({ column: 'currency', message: (e as Error).message });
    }
  }
  const amount = (column: string): bigint | null => {
    const v = need(column);
    if (!v || !currency) return null;
    try {
      return parseAmount(v, currency);
    } catch (e) {
      problems.push({ column, message: (e as Error).message });
      return null;
    }
  };
  const receiptAmount = amount('receipt_amount');
  if (receiptAmount !== null && receiptAmount <= 0n) {
    problems.push({ column: 'receipt_amount', message: 'must be positive (a receipt is money received)' });
  }
  const applied = amount('applied_amount');
  const kindText = (get('kind') || 'invoice').toLowerCase();
  const kind = HISTORY_KINDS.find((k) => k === kindText);
  if (!kind) {
    problems.push({
      column: 'kind',
      message:
        kindText === 'unapplied'
          ? 'leave money unapplied by not applying it (rows may sum to less than receipt_amount)'
          : `"${get('kind')}" is not one of ${HISTORY_KINDS.join(', ')}`,
    });
  }
  const methodText = (get('method') || 'other').toLowerCase();
  const method = RECEIPT_METHODS.find((m) => m === methodText);
  if (!method)
    problems.push({
      column: 'method',
      message: `"${get('method')}" is not one of ${RECEIPT_METHODS.join(', ')}`,
    });
  const accountNumber = get('account_number') || null;
  const invoiceNumber = get('invoice_number') || null;
  if (kind && !accountNumber && (!invoiceNumber || NEEDS_ACCOUNT.includes(kind))) {
    problems.push({
      column: 'account_number',
      message: invoiceNumber ? `is required on a ${kind} row` : 'is required when invoice_number is empty',
    });
  }
  if ((kind === 'invoice' || kind === 'credit_memo') && !invoiceNumber) {
    problems.push({ column: 'invoice_number', message: `is required on a ${kind} row` });
  }
  if (problems.length > 0 || !kind || !method || !currency || receiptAmount === null || applied === null) {
    return { ok: false, problems };
  }
  return {
    ok: true,
    value: {
      line,
      reference,
      receiptDate: dateText as LocalDate,
      receiptAmountMinor: receiptAmount,
      currency,
      payerName: get('payer_name') || null,
      payerBankAccount: get('payer_bank_account') || null,
      method,
      memo: get('memo') || null,
      accountNumber,
      invoiceNumber,
      kind,
      appliedMinor: applied,
      reasonCode: get('reason_code') || null,
    },
  };
}
