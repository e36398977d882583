import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import { formatAmount } from '../../../core/money.ts';
import { ledgerError } from '../ledger.errors.ts';
import type { AccountRole } from './chart.ts';

/**
 * One line of a journal entry. The amount is signed: debit positive, credit negative, in the line's
 * currency. Lines on AR control carry the open item they move (subledger detail), lines on unapplied
 * cash carry the receipt, so balances per item and per receipt are derivable from the journal alone.
 */
export interface PostingLine {
  readonly role: AccountRole;
  readonly amountMinor: bigint;
  readonly currency: CurrencyCode;
  readonly customerId?: string | null;
  readonly itemId?: string | null;
  readonly receiptId?: string | null;
}

export interface EntryDraft {
  readonly id: string;
  readonly entityId: string;
  readonly entryDate: LocalDate;
  readonly sourceType: string;
  readonly sourceId: string | null;
  readonly description: string | null;
  readonly reversalOf?: string | null;
  readonly importId?: string | null;
  readonly lines: readonly PostingLine[];
}

/** Throws unless the entry has lines, none of them zero, and balances in every currency. */
export function assertBalanced(entry: EntryDraft): void {
  if (entry.lines.length === 0)
    throw ledgerError('ledger.empty_entry', `journal entry ${entry.id} has no lines`);
  const totals = new Map<CurrencyCode, bigint>();
  for (const line of entry.lines) {
    if (line.amountMinor === 0n) {
      throw ledgerError(
        'ledger.unbalanced_entry',
        `journal entry ${entry.id} has a zero line on ${line.role}`,
      );
    }
    totals.set(line.currency, (totals.get(line.currency) ?? 0n) + line.amountMinor);
  }
  for (const [currency, total] of totals) {
    if (total !== 0n) {
      throw ledgerError(
        'ledger.unbalanced_entry',
        `journal entry ${entry.id} does not balance in ${currency}: debits exceed credits by ${formatAmount(total, currency)}`,
      );
    }
  }
}
