import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { EntryDraft } from '../../ledger/index.ts';

/**
 * The bank took money back (an ACH return, a bounced check): the receipt's unapplied cash goes down
 * and so does cash: debit unapplied cash (tagged with the receipt, so each receipt's unapplied amount
 * stays derivable from the journal), credit cash. The receipt's applications are reversed first, so
 * the amount is unapplied when this posts.
 */
export function buildReturnPostings(r: {
  readonly entryId: string;
  readonly receiptId: string;
  readonly reference: string;
  readonly entityId: string;
  readonly customerId: string | null;
  readonly currency: CurrencyCode;
  readonly date: LocalDate;
  readonly amountMinor: bigint;
  readonly reason: string | null;
  readonly importId: string | null;
}): EntryDraft {
  return {
    id: r.entryId,
    entityId: r.entityId,
    entryDate: r.date,
    sourceType: 'receipt_return',
    sourceId: r.receiptId,
    description: `return of receipt ${r.reference}${r.reason ? ` (${r.reason})` : ''}`,
    importId: r.importId,
    lines: [
      {
        role: 'unapplied_cash',
        amountMinor: r.amountMinor,
        currency: r.currency,
        customerId: r.customerId,
        receiptId: r.receiptId,
      },
      { role: 'cash', amountMinor: -r.amountMinor, currency: r.currency, receiptId: r.receiptId },
    ],
  };
}
