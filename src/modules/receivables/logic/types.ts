import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';
import type { ApplicationKind, ApplicationStatus, ItemType } from '../../../db/schema.ts';

export type { ApplicationKind, ApplicationStatus, ItemType } from '../../../db/schema.ts';

/** Debit items (invoices, debit memos, deductions) carry positive amounts, credit items negative ones. */
export function isCreditItemType(type: ItemType): boolean {
  return type === 'credit_memo' || type === 'on_account';
}

/** An open item as the application rules see it. */
export interface ItemState {
  readonly id: string;
  readonly number: string;
  readonly type: ItemType;
  readonly entityId: string;
  readonly customerId: string;
  readonly currency: CurrencyCode;
  readonly issueDate: LocalDate;
  readonly amountMinor: bigint;
  openMinor: bigint;
}

export interface ReceiptState {
  readonly id: string;
  readonly reference: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly receiptDate: LocalDate;
  readonly amountMinor: bigint;
  readonly customerId: string | null;
  unappliedMinor: bigint;
}

/**
 * One allocation row, signed as in INTERCHANGE.md §3. `itemId` is the item settled (kinds `invoice`
 * and `credit_memo`) or the item a discount, deduction, fee or write-off concerns (optional).
 * Kinds `deduction` and `on_account` create a new open item for `customerId`.
 */
export interface ApplicationRowDraft {
  readonly kind: ApplicationKind;
  readonly amountMinor: bigint;
  readonly itemId: string | null;
  readonly customerId: string | null;
  readonly reasonCode?: string | null;
  readonly explanation?: string | null;
}

/** Rows applied together: one journal entry, one receipt (or none, for item-to-item netting). */
export interface ApplicationBatchDraft {
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly appliedDate: LocalDate;
  readonly receiptId: string | null;
  readonly status: ApplicationStatus;
  readonly rows: readonly ApplicationRowDraft[];
  readonly confidence?: string | null;
  readonly explanation?: string | null;
  readonly engineVersion?: string | null;
  /** Where the batch came from, for error messages (an import line). */
  readonly sourceLine?: number;
  readonly importId?: string | null;
}

/** Kinds whose row settles an item's open amount. */
export function settlesItem(kind: ApplicationKind): boolean {
  return kind === 'invoice' || kind === 'credit_memo';
}
