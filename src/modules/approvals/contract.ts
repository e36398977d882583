import type { Money } from '../../core/money.ts';
import type { ApprovalKind, ApprovalStatus } from '../../db/schema.ts';

export type { ApprovalStatus } from '../../db/schema.ts';

/** Write-off, credit memo, refund, settlement: the adjustments that need approval above a limit. */
export type AdjustmentKind = ApprovalKind;

/**
 * What a user asks for. Amounts are positive `Money` (bigint minor units); the kind says which way
 * the money moves.
 */
export type AdjustmentInput =
  | {
      readonly kind: 'write_off';
      readonly itemId: string;
      /** Default: the item's whole open amount. */
      readonly amount?: Money;
      readonly reasonCode: string;
      readonly note?: string;
    }
  | {
      readonly kind: 'credit_memo';
      readonly customerId: string;
      readonly amount: Money;
      readonly reason: string;
      /** When given, the memo is netted against this invoice (debit memo, deduction) at once. */
      readonly invoiceId?: string;
      /** Default: the next `CM-nnnnnn`. */
      readonly documentNumber?: string;
      /** Default: the customer's entity. */
      readonly entityCode?: string;
    }
  | { readonly kind: 'refund'; readonly receiptId: string; readonly amount: Money; readonly note?: string }
  | {
      /**
       * The customer will pay `agreedAmount` for these items: the rest of their open total is written
       * off now, spread over the items in proportion to their open amounts; the items stay open for
       * the agreed amount.
       */
      readonly kind: 'settlement';
      readonly customerId: string;
      readonly itemIds: readonly string[];
      readonly agreedAmount: Money;
      readonly note?: string;
    };

/**
 * An adjustment as stored with its approval request and executed: the input checked, trimmed and
 * with defaults made explicit (a write-off's amount is resolved when it is requested, so that the
 * approver approves a fixed amount; a credit memo's number is given out when it is posted).
 */
export type Adjustment =
  | {
      readonly kind: 'write_off';
      readonly itemId: string;
      /** Null only before it is resolved to the item's open amount. */
      readonly amount: Money | null;
      readonly reasonCode: string;
      readonly note: string | null;
    }
  | {
      readonly kind: 'credit_memo';
      readonly customerId: string;
      readonly amount: Money;
      readonly reason: string;
      readonly invoiceId: string | null;
      readonly documentNumber: string | null;
      readonly entityCode: string | null;
    }
  | {
      readonly kind: 'refund';
      readonly receiptId: string;
      readonly amount: Money;
      readonly note: string | null;
    }
  | {
      readonly kind: 'settlement';
      readonly customerId: string;
      readonly itemIds: readonly string[];
      readonly agreedAmount: Money;
      readonly note: string | null;
    };

/** What an adjustment posted. `entryIds` are journal entries, `applicationIds` application rows. */
export type AdjustmentResult =
  | {
      readonly kind: 'write_off';
      readonly itemId: string;
      readonly itemNumber: string;
      readonly amount: Money;
      readonly openAfterMinor: bigint;
      readonly entryIds: readonly string[];
      readonly applicationIds: readonly string[];
    }
  | {
      readonly kind: 'credit_memo';
      /** The new credit memo item (negative amount). */
      readonly itemId: string;
      readonly itemNumber: string;
      readonly amount: Money;
      readonly invoiceId: string | null;
      /** How much of the memo was netted against the invoice (at most the invoice's open amount). */
      readonly appliedMinor: bigint;
      /** The memo's open amount after netting: zero or negative (a credit left on the account). */
      readonly openAfterMinor: bigint;
      readonly entryIds: readonly string[];
      readonly applicationIds: readonly string[];
    }
  | {
      readonly kind: 'refund';
      readonly receiptId: string;
      readonly reference: string;
      readonly amount: Money;
      readonly unappliedAfterMinor: bigint;
      readonly entryIds: readonly string[];
      readonly applicationIds: readonly string[];
    }
  | {
      readonly kind: 'settlement';
      readonly customerId: string;
      readonly agreedAmount: Money;
      readonly writtenOff: Money;
      readonly items: readonly {
        readonly itemId: string;
        readonly itemNumber: string;
        readonly writtenOffMinor: bigint;
        readonly openAfterMinor: bigint;
      }[];
      readonly entryIds: readonly string[];
      readonly applicationIds: readonly string[];
    };

export type RequestOutcome =
  | { readonly status: 'applied'; readonly approvalId: null; readonly result: AdjustmentResult }
  | { readonly status: 'pending'; readonly approvalId: string };

export type Decision = 'approve' | 'reject';

export interface ApprovalView {
  readonly id: string;
  readonly kind: AdjustmentKind;
  readonly status: ApprovalStatus;
  /** The amount measured against the limits (for a settlement: what is written off). */
  readonly amount: Money;
  readonly customerId: string | null;
  /** The item or receipt the adjustment concerns (for a credit memo: the invoice, if any). */
  readonly subjectId: string | null;
  readonly reason: string | null;
  readonly adjustment: Adjustment;
  /** User ids. */
  readonly requestedBy: string;
  /** ISO 8601 instants. */
  readonly requestedAt: string;
  readonly decidedBy: string | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  readonly result: AdjustmentResult | null;
}

export interface ApprovalFilter {
  readonly status?: ApprovalStatus;
  /** Default 100, at most 1,000. */
  readonly limit?: number;
  /** Only requests whose id sorts after this one (ids are time-ordered): the next page. */
  readonly after?: string;
}
