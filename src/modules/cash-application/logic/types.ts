import type { CurrencyCode } from '../../../core/currency.ts';
import type { LocalDate } from '../../../core/local-date.ts';

/** What the matching engine knows of an item (open or settled) during a run. */
export interface EngineItem {
  readonly id: string;
  readonly number: string;
  readonly customerId: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly type: 'invoice' | 'debit_memo' | 'credit_memo' | 'deduction' | 'on_account';
  readonly amount: bigint;
  /** Moves as the run applies receipts. */
  open: bigint;
  readonly issueDate: LocalDate;
  readonly dueDate: LocalDate;
  readonly discountPercent: string | null;
  readonly discountUntil: LocalDate | null;
  /** Something other than this run has been applied to it (a discount is earned only on an untouched item). */
  touched: boolean;
}

export interface AdviceLine {
  invoiceNumber: string;
  documentType: 'invoice' | 'credit_memo' | null;
  accountNumber: string | null;
  paid: bigint;
  gross: bigint | null;
  discount: bigint | null;
  deduction: bigint | null;
  deductionReason: string | null;
}

export interface EngineReceipt {
  readonly id: string;
  readonly reference: string;
  readonly entityId: string;
  readonly currency: CurrencyCode;
  readonly date: LocalDate;
  /** The money still to allocate (the receipt's unapplied amount). */
  readonly amount: bigint;
  readonly method: string;
  readonly payerName: string | null;
  readonly payerAccount: string | null;
  /** Memo, remittance text, customer reference: where references are looked for. */
  readonly text: string;
  readonly customerId: string | null;
  readonly advice: { lines: AdviceLine[]; paymentAmount: bigint | null; payer: string | null } | null;
}

export type AllocationKind = 'invoice' | 'credit_memo' | 'discount' | 'deduction' | 'bank_fee' | 'on_account';

export interface AllocationRow {
  kind: AllocationKind;
  itemId: string | null;
  itemNumber: string | null;
  customerId: string | null;
  amount: bigint;
  reasonCode: string | null;
}

export interface Allocation {
  rows: AllocationRow[];
  /** Calibrated probability that the whole allocation is right. */
  confidence: number;
  explanation: string;
}

export type EngineDecision =
  | { kind: 'apply'; allocation: Allocation; suggestions: Allocation[] }
  | { kind: 'suggest'; suggestions: Allocation[]; explanation: string }
  | { kind: 'leave'; explanation: string };

/** Tenant settings the rules of spec section 6 depend on. */
export interface EngineSettings {
  precisionFloor: number;
  wireFeeToleranceMinor: bigint;
  discountGraceDays: number;
}
