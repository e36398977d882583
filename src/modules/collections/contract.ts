import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import type { Money } from '../../core/money.ts';
import type { CollectionActivitiesTable, DisputeStatus, PlanStatus, PromiseStatus } from '../../db/schema.ts';
import type { DisputeResolution } from './logic/dispute-rules.ts';
import type { InstalmentStatus } from './logic/evaluate-plan.ts';

export type { DisputeStatus, PlanStatus, PromiseStatus } from '../../db/schema.ts';
export type { DisputeResolution } from './logic/dispute-rules.ts';
export type { InstalmentStatus } from './logic/evaluate-plan.ts';

export type ActivityKind = CollectionActivitiesTable['kind'];
/** Activities an analyst logs directly; the others are written by the use cases that make them. */
export type LoggedKind = 'email' | 'letter' | 'note' | 'escalation';
export const LOGGED_KINDS: readonly LoggedKind[] = ['email', 'letter', 'note', 'escalation'];
export type TaskStatus = 'open' | 'done' | 'cancelled';

/** An amount: `Money`, or a decimal string in major units read in the account's (item's, dispute's) currency. */
export type AmountInput = Money | string;

/** A customer as the use cases name it: by id, or by account number. */
export type CustomerKey = { readonly customerId: string } | { readonly account: string };

/** Who a customer is, for views (a consumer's name and notes are protected health information). */
export interface CustomerSummary {
  readonly id: string;
  readonly accountNumber: string;
  readonly name: string;
  readonly customerType: 'business' | 'consumer';
  readonly collector: string | null;
  readonly currency: CurrencyCode;
}

export interface ActivityView {
  readonly id: string;
  readonly customer: CustomerSummary;
  readonly kind: ActivityKind;
  readonly outcomeCode: string | null;
  readonly conversation: boolean;
  readonly contactName: string | null;
  readonly notes: string | null;
  readonly occurredAt: Date;
  readonly dueDate: LocalDate | null;
  readonly assignedTo: string | null;
  readonly status: TaskStatus;
  /** The promise, plan, dispute, hold, task or approval this activity is about. */
  readonly relatedId: string | null;
  readonly itemIds: readonly string[];
  readonly createdBy: string;
}

export interface LogCallInput {
  readonly customer: CustomerKey;
  /** reached, left_message, no_answer, wrong_number, promise, refused, dispute, … */
  readonly outcome: string;
  /** The call reached the debtor in person (Regulation F's 7-day rule after a conversation). */
  readonly conversation?: boolean;
  readonly contactName?: string;
  readonly notes?: string;
  readonly itemIds?: readonly string[];
  /** The task this call works; it is marked done with the call. */
  readonly taskId?: string;
}

export interface LogActivityInput {
  readonly customer: CustomerKey;
  readonly kind: LoggedKind;
  readonly outcome?: string;
  readonly contactName?: string;
  readonly notes?: string;
  /** Escalations: to whom. */
  readonly assignedTo?: string;
  readonly itemIds?: readonly string[];
}

export interface CreateTaskInput {
  readonly customer: CustomerKey;
  readonly dueDate: LocalDate;
  /** Default: the customer's collector, else whoever creates it. */
  readonly assignedTo?: string;
  readonly notes?: string;
  readonly itemIds?: readonly string[];
}

export interface TaskFilter {
  readonly assignee?: string;
  /** Tasks due on or before this day. */
  readonly dueBy?: LocalDate;
  /** Default `open`. */
  readonly status?: TaskStatus;
  readonly customerId?: string;
  /** Only customers of this collector (a portfolio-scoped analyst). */
  readonly portfolioOf?: string;
  /** Keyset: continue after this (due date, id). */
  readonly after?: readonly [string, string];
  readonly limit?: number;
}

/** Whether a call to the customer may be made now, and what the rules counted. */
export interface ContactCheckView {
  readonly customer: CustomerSummary;
  readonly allowed: boolean;
  readonly code: string | null;
  readonly reason: string | null;
  readonly timeZone: string;
  /** The customer's wall clock now, `YYYY-MM-DDTHH:MM`. */
  readonly localTime: string;
  readonly callsInLast7Days: number;
  readonly lastConversationAt: Date | null;
}

export interface PromiseView {
  readonly id: string;
  readonly customer: CustomerSummary;
  readonly amount: Money;
  readonly promisedDate: LocalDate;
  readonly itemIds: readonly string[];
  readonly status: PromiseStatus;
  readonly paid: Money;
  readonly madeOn: LocalDate;
  readonly resolvedOn: LocalDate | null;
  readonly createdBy: string;
}

export interface MakePromiseInput {
  readonly customer: CustomerKey;
  /** In the customer's currency. */
  readonly amount: AmountInput;
  readonly promisedDate: LocalDate;
  /** Item ids or numbers; empty: the account as a whole. */
  readonly items?: readonly string[];
  readonly notes?: string;
  readonly contactName?: string;
}

export interface PromiseFilter {
  readonly customerId?: string;
  readonly status?: PromiseStatus;
  readonly portfolioOf?: string;
  readonly limit?: number;
  /** Keyset: ids sort by creation; continue after this one. */
  readonly after?: string;
}

export interface InstalmentView {
  readonly seq: number;
  readonly dueDate: LocalDate;
  readonly amountMinor: bigint;
  readonly paidMinor: bigint;
  readonly status: InstalmentStatus;
}

export interface PlanView {
  readonly id: string;
  readonly customer: CustomerSummary;
  readonly total: Money;
  readonly paid: Money;
  readonly itemIds: readonly string[];
  readonly graceDays: number;
  readonly status: PlanStatus;
  readonly startsOn: LocalDate;
  readonly endedOn: LocalDate | null;
  readonly createdBy: string;
  readonly instalments: readonly InstalmentView[];
}

export type InstalmentSpec =
  | {
      readonly kind: 'equal';
      readonly count: number;
      readonly everyDays: number;
      readonly firstDueDate: LocalDate;
    }
  | { readonly kind: 'list'; readonly instalments: readonly { dueDate: LocalDate; amount: AmountInput }[] };

export interface CreatePlanInput {
  readonly customer: CustomerKey;
  /** Default: what the items (or the account) have open. Ignored for a listed schedule (its sum). */
  readonly total?: AmountInput;
  readonly schedule: InstalmentSpec;
  /** Item ids or numbers; empty: the account as a whole. */
  readonly items?: readonly string[];
  /** Default: the tenant's `plan_grace_days` (5). */
  readonly graceDays?: number;
  /** The day the plan was agreed: cash applied from then counts. Default today; not after the first due date. */
  readonly startsOn?: LocalDate;
  readonly notes?: string;
}

export interface DisputeView {
  readonly id: string;
  readonly customer: CustomerSummary;
  readonly itemId: string | null;
  readonly itemNumber: string | null;
  readonly amount: Money;
  readonly reasonCode: string;
  readonly owner: string | null;
  readonly status: DisputeStatus;
  readonly rootCause: string | null;
  readonly resolution: DisputeResolution | null;
  /** The credit memo or write-off approval request that resolves (or resolved) it. */
  readonly approvalId: string | null;
  /** True while that request waits for a decision: the money has not moved yet. */
  readonly awaitingApproval: boolean;
  readonly openedOn: LocalDate;
  readonly resolvedOn: LocalDate | null;
  /** resolved_on − opened_on, in days. */
  readonly cycleDays: number | null;
  readonly notes: string | null;
  readonly createdBy: string;
}

export interface OpenDisputeInput {
  readonly customer?: CustomerKey;
  /** Item id or number: an invoice, debit memo or deduction. The customer follows from it. */
  readonly item?: string;
  /** Default: the item's open amount. Required for a dispute about the account. */
  readonly amount?: AmountInput;
  readonly reasonCode: string;
  /** Default: the customer's collector. */
  readonly owner?: string;
  readonly notes?: string;
}

export interface DisputeFilter {
  readonly status?: DisputeStatus | 'unresolved';
  readonly owner?: string;
  readonly customerId?: string;
  readonly portfolioOf?: string;
  readonly limit?: number;
  readonly after?: string;
}

export interface ResolveDisputeInput {
  readonly resolution: DisputeResolution;
  readonly rootCause: string;
  /** Credit memo or write-off amount; default the dispute's amount (a write-off: at most the item's open amount). */
  readonly amount?: AmountInput;
  /** Write-off reason code; default the dispute's reason code. */
  readonly reasonCode?: string;
  /** Rebill: the number of the corrected invoice, when known. */
  readonly rebillInvoice?: string;
  readonly note?: string;
}

export interface ResolveDisputeResult {
  readonly dispute: DisputeView;
  /** `applied`: resolved now; `pending`: waiting for approval (the dispute stays open until then). */
  readonly outcome: 'resolved' | 'pending';
  /** What the adjustment posted, when it was posted now. */
  readonly adjustment: unknown;
}

export interface SettleInput {
  readonly customer: CustomerKey;
  /** Item ids or numbers. */
  readonly items: readonly string[];
  readonly agreedAmount: AmountInput;
  readonly note?: string;
  /** Also record a promise to pay the agreed amount by this day. */
  readonly payBy?: LocalDate;
}

export interface SettleResult {
  readonly status: 'applied' | 'pending';
  readonly approvalId: string | null;
  readonly activityId: string;
  readonly promiseId: string | null;
  readonly writtenOff: Money | null;
}

export interface HoldView {
  readonly customer: CustomerSummary;
  readonly onHold: boolean;
  readonly hold: {
    readonly id: string;
    readonly reason: string;
    readonly placedBy: string;
    readonly placedAt: Date;
  } | null;
  /** Days past due of the oldest open debit item as of the day asked; null when none is past due. */
  readonly daysPastDue: number | null;
  /** What is past due, per currency (usually one). */
  readonly pastDue: readonly Money[];
  readonly suspension: { readonly recommended: boolean; readonly reason: string };
}

/** What `evaluateCollections` (and its parts) changed. */
export interface EvaluationResult {
  readonly asOf: LocalDate;
  readonly promises: { readonly evaluated: number; readonly kept: number; readonly broken: number };
  readonly plans: { readonly evaluated: number; readonly completed: number; readonly broken: number };
  readonly disputes: { readonly resolved: number; readonly reopened: number };
  /** One line per change, for people. */
  readonly changes: readonly string[];
}

/** A customer's collections picture, for the worklist (findCollectionsState). */
export interface CollectionsState {
  readonly openDisputes: { readonly count: number; readonly amounts: readonly Money[] };
  readonly openPromises: {
    readonly count: number;
    readonly amounts: readonly Money[];
    /** Open promises whose promised date is from the as-of day to 7 days after it (both included). */
    readonly dueWithin7Days: number;
    readonly nextPromisedDate: LocalDate | null;
  };
  /** Promises broken in the 90 days up to the as-of day. */
  readonly brokenPromises90Days: number;
  readonly activePlan: {
    readonly id: string;
    readonly total: Money;
    readonly nextDueDate: LocalDate | null;
    readonly nextDueMinor: bigint | null;
  } | null;
  readonly onHold: boolean;
  readonly holdReason: string | null;
  /** findPausedCustomers' reason, or null. */
  readonly paused: string | null;
}
