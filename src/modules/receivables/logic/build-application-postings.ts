import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { AccountRole, EntryDraft, PostingLine } from '../../ledger/index.ts';
import type { ApplicationKind } from './types.ts';

export interface PostedRow {
  readonly kind: ApplicationKind;
  readonly amountMinor: bigint;
  /** The item whose AR balance the row moves: the settled item, or the item the row created. */
  readonly arItemId: string | null;
  /** That item's customer. */
  readonly arCustomerId: string | null;
}

/** Where the part of a settlement not paid in cash goes (DOMAIN.md, journal entries). */
function counterRole(kind: ApplicationKind, amountMinor: bigint): AccountRole {
  switch (kind) {
    case 'invoice':
    case 'credit_memo':
    case 'deduction':
    case 'on_account':
      return 'ar_control';
    case 'discount':
      return 'sales_discounts';
    case 'bank_fee':
      return 'bank_charges';
    case 'write_off':
      return 'allowance';
    case 'refund':
      return 'cash';
    case 'fx_difference':
      // A negative row is a loss (debit FX loss); a positive row a gain (credit FX gain).
      return amountMinor < 0n ? 'fx_loss' : 'fx_gain';
  }
}

/**
 * The journal entry of an application batch. Each row, signed as in INTERCHANGE.md §3, posts its
 * negation: `invoice +1000` credits AR 1000 on the invoice; `discount −20` debits sales discounts 20;
 * `deduction −175` debits AR 175 on the new deduction item; `on_account +50` credits AR 50 on the new
 * credit item; `refund +50` credits cash. The receipt's unapplied cash is debited by the rows' sum,
 * which is what the receipt's money did. Without a receipt (a credit memo netted against an invoice,
 * a write-off) the rows must sum to zero.
 */
export function buildApplicationPostings(args: {
  readonly entryId: string;
  readonly entityId: string;
  readonly date: LocalDate;
  readonly currency: CurrencyCode;
  readonly receipt: { readonly id: string; readonly customerId: string | null } | null;
  readonly rows: readonly PostedRow[];
  readonly description: string;
  readonly reversalOf?: string | null;
  readonly importId?: string | null;
}): EntryDraft {
  const lines: PostingLine[] = [];
  let total = 0n;
  for (const row of args.rows) {
    total += row.amountMinor;
    const role = counterRole(row.kind, row.amountMinor);
    lines.push({
      role,
      amountMinor: -row.amountMinor,
      currency: args.currency,
      customerId: role === 'ar_control' ? row.arCustomerId : null,
      itemId: role === 'ar_control' ? row.arItemId : null,
      receiptId: role === 'cash' ? (args.receipt?.id ?? null) : null,
    });
  }
  if (args.receipt && total !== 0n) {
    lines.unshift({
      role: 'unapplied_cash',
      amountMinor: total,
      currency: args.currency,
      customerId: args.receipt.customerId,
      receiptId: args.receipt.id,
    });
  }
  return {
    id: args.entryId,
    entityId: args.entityId,
    entryDate: args.date,
    sourceType: 'application',
    sourceId: args.receipt?.id ?? args.rows.find((r) => r.arItemId)?.arItemId ?? null,
    description: args.description,
    reversalOf: args.reversalOf ?? null,
    importId: args.importId ?? null,
    lines,
  };
}
