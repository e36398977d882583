import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { EntryDraft, PostingLine } from '../../ledger/index.ts';
import type { ItemType } from './types.ts';

export interface IssuedItem {
  readonly id: string;
  readonly type: ItemType;
  readonly number: string;
  readonly entityId: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly issueDate: LocalDate;
  /** Signed: debit items positive, credit memos negative. */
  readonly amountMinor: bigint;
}

/**
 * Issuing documents: an invoice or debit memo debits AR and credits revenue; a credit memo debits
 * revenue and credits AR (DOMAIN.md, journal entries). Documents of one entity issued on one day are
 * posted as one entry (summary posting, as a batch of invoices reaches the general ledger): one AR
 * line per document, carrying the document and its customer, so every item's open amount stays
 * derivable from the journal, and one revenue line per currency. A single document is an entry of
 * two lines. The caller passes documents of one entity and one issue date.
 */
export function buildItemPostings(
  items: readonly IssuedItem[],
  entry: { readonly id: string; readonly importId?: string | null },
): EntryDraft {
  const first = items[0];
  if (!first) throw new RangeError('buildItemPostings needs at least one item');
  const lines: PostingLine[] = [];
  const revenue = new Map<CurrencyCode, bigint>();
  for (const item of items) {
    if (item.entityId !== first.entityId || item.issueDate !== first.issueDate) {
      throw new RangeError('items posted together share their entity and issue date');
    }
    lines.push({
      role: 'ar_control',
      amountMinor: item.amountMinor,
      currency: item.currency,
      customerId: item.customerId,
      itemId: item.id,
    });
    revenue.set(item.currency, (revenue.get(item.currency) ?? 0n) - item.amountMinor);
  }
  for (const [currency, amount] of revenue) {
    if (amount !== 0n) lines.push({ role: 'revenue', amountMinor: amount, currency });
  }
  return {
    id: entry.id,
    entityId: first.entityId,
    entryDate: first.issueDate,
    sourceType: 'items',
    sourceId: items.length === 1 ? first.id : (entry.importId ?? null),
    description:
      items.length === 1
        ? `${first.type.replace('_', ' ')} ${first.number}`
        : `${items.length} documents issued ${first.issueDate}, ${first.number} to ${items.at(-1)?.number}`,
    importId: entry.importId ?? null,
    lines,
  };
}
