import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { EntryDraft } from '../../ledger/index.ts';

/**
 * Money received: debit cash, credit unapplied cash until it is applied (DOMAIN.md: receipt,
 * unidentified). The unapplied line carries the receipt (and the customer when known), so each
 * receipt's unapplied amount is derivable from the journal.
 */
export function buildReceiptPostings(receipt: {
  readonly id: string;
  readonly reference: string;
  readonly entityId: string;
  readonly customerId: string | null;
  readonly currency: CurrencyCode;
  readonly receiptDate: LocalDate;
  readonly amountMinor: bigint;
  readonly entryId: string;
  readonly importId?: string | null;
}): EntryDraft {
  return {
    id: receipt.entryId,
    entityId: receipt.entityId,
    entryDate: receipt.receiptDate,
    sourceType: 'receipt',
    sourceId: receipt.id,
    description: `receipt ${receipt.reference}`,
    importId: receipt.importId ?? null,
    lines: [
      { role: 'cash', amountMinor: receipt.amountMinor, currency: receipt.currency, receiptId: receipt.id },
      {
        role: 'unapplied_cash',
        amountMinor: -receipt.amountMinor,
        currency: receipt.currency,
        customerId: receipt.customerId,
        receiptId: receipt.id,
      },
    ],
  };
}
