import type { StatementEntry } from '../../bank-files/index.ts';

export type BankEntryClass =
  | { kind: 'receipt' }
  | { kind: 'return'; reason: string | null }
  | { kind: 'other'; note: string };

/**
 * What a bank transaction means for AR, before any look-up: a credit is money received (a receipt)
 * unless it reverses an earlier debit; a debit that carries a return reason, or reverses an earlier
 * credit, takes money back (a return); anything else (fees, payouts, zero amounts) is the bank's or
 * the GL's business, kept for reconciliation but not booked to AR.
 *
 * BAI2 marks returned items by type code rather than a flag: 555 (deposited item returned), 556
 * (ACH return items... debits), 557/558 (ACH credit receipt returned), 559 (returned check), 560-566
 * returned items; the parsers set `return_reason` or `reversal` for those.
 */
export function classifyBankEntry(entry: StatementEntry): BankEntryClass {
  if (entry.status !== undefined)
    return { kind: 'other', note: `${entry.status}: not booked by the bank yet` };
  if (/^0+(\.0+)?$/.test(entry.amount)) return { kind: 'other', note: 'zero amount' };
  if (entry.direction === 'credit') {
    if (entry.reversal) return { kind: 'other', note: 'reversal of a debit' };
    if (entry.return_reason !== null)
      return {
        kind: 'other',
        note: `credit with return reason ${entry.return_reason}: a return of our own payment`,
      };
    return { kind: 'receipt' };
  }
  if (entry.return_reason !== null || entry.reversal) return { kind: 'return', reason: entry.return_reason };
  return { kind: 'other', note: 'debit' };
}
