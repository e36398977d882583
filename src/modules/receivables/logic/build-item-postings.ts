import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { EntryDraft } from '../../ledger/index.ts';
import type { ItemType } from './types.ts';

/**
 * Issuing an item: an invoice or debit memo debits AR and credits revenue; a credit memo debits
 * revenue and credits AR (DOMAIN.md, journal entries). The AR line carries the item and customer,
 * so the item's open amount is derivable from the journal.
 */
export function buildItemPostings(item: {
  readonly id: string;
  readonly type: ItemType;
  readonly number: string;
  readonly entityId: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly issueDate: LocalDate;
  readonly amountMinor: bigint;
  readonly entryId: string;
  readonly importId?: string | null;
}): EntryDraft {
  return {
    id: item.entryId,
    entityId: item.entityId,
    entryDate: item.issueDate,
    sourceType: item.type,
    sourceId: item.id,
    description: `${item.type.replace('_', ' ')} ${item.number}`,
    importId: item.importId ?? null,
    lines: [
      {
        role: 'ar_control',
        amountMinor: item.amountMinor,
        currency: item.currency,
        customerId: item.customerId,
        itemId: item.id,
      },
      { role: 'revenue', amountMinor: -item.amountMinor, currency: item.currency },
    ],
  };
}
