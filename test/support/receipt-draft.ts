import type { LocalDate } from '../../src/core/local-date.ts';
import type { ReceiptDraft } from '../../src/modules/receivables/index.ts';

/** A USD bank receipt for `postReceipts`, unidentified (no customer), with what a test leaves out empty. */
export function receiptDraft(
  entityId: string,
  r: { id: string; reference: string; amountMinor: bigint; date: string; payerName?: string },
): ReceiptDraft {
  return {
    id: r.id,
    reference: r.reference,
    entityId,
    currency: 'USD' as never,
    receiptDate: r.date as LocalDate,
    amountMinor: r.amountMinor,
    payerName: r.payerName ?? 'PAYER',
    payerAccount: null,
    method: 'ach',
    memo: null,
    remittanceText: null,
    customerId: null,
    source: 'bank',
    importId: null,
  };
}
