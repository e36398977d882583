import type { CurrencyCode } from '../../core/currency.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { money } from '../../core/money.ts';
import { summaryOf } from './collections.lookup.ts';
import type {
  ActivityRow,
  CustomerRecord,
  DisputeRow,
  InstalmentRow,
  PlanRow,
  PromiseRow,
} from './collections.repo.ts';
import type { ActivityView, DisputeView, PlanView, PromiseView } from './contract.ts';
import { disputeCycleDays } from './logic/dispute-rules.ts';

/** Database rows → the module's views (money as `Money`, dates as `LocalDate`). */

export function toActivityView(r: ActivityRow, customer: CustomerRecord): ActivityView {
  return {
    id: r.id,
    customer: summaryOf(customer),
    kind: r.kind,
    outcomeCode: r.outcome_code,
    conversation: r.conversation,
    contactName: r.contact_name,
    notes: r.notes,
    occurredAt: r.occurred_at,
    dueDate: r.due_date as LocalDate | null,
    assignedTo: r.assigned_to,
    status: r.status,
    relatedId: r.related_id,
    itemIds: r.item_ids ?? [],
    createdBy: r.created_by,
  };
}

export function toPromiseView(r: PromiseRow, customer: CustomerRecord): PromiseView {
  const currency = r.currency as CurrencyCode;
  return {
    id: r.id,
    customer: summaryOf(customer),
    amount: money(r.amount_minor, currency),
    promisedDate: r.promised_date as LocalDate,
    itemIds: r.item_ids,
    status: r.status,
    paid: money(r.paid_minor, currency),
    madeOn: r.made_on as LocalDate,
    resolvedOn: r.resolved_on as LocalDate | null,
    createdBy: r.created_by,
  };
}

export function toPlanView(
  r: PlanRow,
  instalments: readonly InstalmentRow[],
  customer: CustomerRecord,
): PlanView {
  const currency = r.currency as CurrencyCode;
  return {
    id: r.id,
    customer: summaryOf(customer),
    total: money(r.total_minor, currency),
    paid: money(
      instalments.reduce((s, i) => s + i.paid_minor, 0n),
      currency,
    ),
    itemIds: r.item_ids,
    graceDays: r.grace_days,
    status: r.status,
    startsOn: r.starts_on as LocalDate,
    endedOn: r.ended_on as LocalDate | null,
    createdBy: r.created_by,
    instalments: instalments.map((i) => ({
      seq: i.seq,
      dueDate: i.due_date as LocalDate,
      amountMinor: i.amount_minor,
      paidMinor: i.paid_minor,
      status: i.status,
    })),
  };
}

export function toDisputeView(
  r: DisputeRow,
  customer: CustomerRecord,
  itemNumber: string | null,
): DisputeView {
  const openedOn = r.opened_on as LocalDate;
  const resolvedOn = r.resolved_on as LocalDate | null;
  return {
    id: r.id,
    customer: summaryOf(customer),
    itemId: r.item_id,
    itemNumber,
    amount: money(r.amount_minor, r.currency as CurrencyCode),
    reasonCode: r.reason_code,
    owner: r.owner,
    status: r.status,
    rootCause: r.root_cause,
    resolution: r.resolution,
    approvalId: r.approval_id,
    awaitingApproval: isAwaitingApproval(r),
    openedOn,
    resolvedOn,
    cycleDays: disputeCycleDays(openedOn, resolvedOn),
    notes: r.notes,
    createdBy: r.created_by,
  };
}

/** A resolution was asked for through an approval and the dispute is not resolved yet. */
export function isAwaitingApproval(r: Pick<DisputeRow, 'approval_id' | 'status'>): boolean {
  return r.approval_id !== null && (r.status === 'open' || r.status === 'investigating');
}
