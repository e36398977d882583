import { isCurrencyCode } from '../../../core/currency.ts';
import type { InputIssue } from '../../../core/errors.ts';
import type { Money } from '../../../core/money.ts';
import type { Adjustment, AdjustmentInput } from '../contract.ts';

export type Normalized =
  | { readonly ok: true; readonly adjustment: Adjustment }
  | { readonly ok: false; readonly issues: InputIssue[] };

/**
 * Checks the shape of a request before anything is read from the database: ids and reasons present,
 * amounts positive bigints in a known currency (a settlement's agreed amount may be zero), no item
 * named twice. Text is trimmed; an empty note becomes null. Every problem is reported at once.
 */
export function normalizeAdjustment(input: AdjustmentInput): Normalized {
  const issues: InputIssue[] = [];
  const text = (column: string, value: unknown): string => {
    const s = typeof value === 'string' ? value.trim() : '';
    if (s === '') issues.push({ column, message: 'is required' });
    return s;
  };
  const optional = (value: unknown): string | null => {
    const s = typeof value === 'string' ? value.trim() : '';
    return s === '' ? null : s;
  };
  const amount = (column: string, value: Money | undefined, allowZero = false): Money => {
    const ok =
      typeof value === 'object' &&
      value !== null &&
      typeof value.amountMinor === 'bigint' &&
      typeof value.currency === 'string' &&
      isCurrencyCode(value.currency);
    if (!ok) {
      issues.push({ column, message: 'must be an amount in minor units (bigint) with its currency' });
      return { amountMinor: 0n, currency: 'XXX' as Money['currency'] };
    }
    if (value.amountMinor < 0n || (!allowZero && value.amountMinor === 0n))
      issues.push({
        column,
        message: `must be ${allowZero ? 'zero or more' : 'positive'}; the kind gives the sign`,
      });
    return { amountMinor: value.amountMinor, currency: value.currency };
  };

  let adjustment: Adjustment;
  switch (input.kind) {
    case 'write_off':
      adjustment = {
        kind: 'write_off',
        itemId: text('itemId', input.itemId),
        amount: input.amount === undefined ? null : amount('amount', input.amount),
        reasonCode: text('reasonCode', input.reasonCode),
        note: optional(input.note),
      };
      break;
    case 'credit_memo':
      adjustment = {
        kind: 'credit_memo',
        customerId: text('customerId', input.customerId),
        amount: amount('amount', input.amount),
        reason: text('reason', input.reason),
        invoiceId: optional(input.invoiceId),
        documentNumber: optional(input.documentNumber),
        entityCode: optional(input.entityCode),
      };
      break;
    case 'refund':
      adjustment = {
        kind: 'refund',
        receiptId: text('receiptId', input.receiptId),
        amount: amount('amount', input.amount),
        note: optional(input.note),
      };
      break;
    case 'settlement': {
      const itemIds = Array.isArray(input.itemIds)
        ? input.itemIds.map((id, i) => text(`itemIds[${i}]`, id))
        : [];
      if (itemIds.length === 0) issues.push({ column: 'itemIds', message: 'name at least one item' });
      const twice = itemIds.find((id, i) => id !== '' && itemIds.indexOf(id) !== i);
      if (twice) issues.push({ column: 'itemIds', message: `item ${twice} is named twice` });
      adjustment = {
        kind: 'settlement',
        customerId: text('customerId', input.customerId),
        itemIds,
        agreedAmount: amount('agreedAmount', input.agreedAmount, true),
        note: optional(input.note),
      };
      break;
    }
    default:
      return {
        ok: false,
        issues: [
          {
            column: 'kind',
            message: `must be write_off, credit_memo, refund or settlement, not ${String((input as { kind: unknown }).kind)}`,
          },
        ],
      };
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, adjustment };
}
