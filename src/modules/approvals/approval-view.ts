import type { CurrencyCode } from '../../core/currency.ts';
import type { ApprovalRow } from './approvals.repo.ts';
import type { ApprovalView } from './contract.ts';
import { parseAdjustment, parseAdjustmentResult } from './logic/adjustment-json.ts';

const iso = (d: Date | string | null): string | null =>
  d === null ? null : (d instanceof Date ? d : new Date(d)).toISOString();

export function toApprovalView(row: ApprovalRow): ApprovalView {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    amount: { amountMinor: row.amount_minor, currency: row.currency as CurrencyCode },
    customerId: row.customer_id,
    subjectId: row.subject_id,
    reason: row.reason,
    adjustment: parseAdjustment(row.payload),
    requestedBy: row.requested_by,
    requestedAt: iso(row.requested_at) ?? '',
    decidedBy: row.decided_by,
    decidedAt: iso(row.decided_at),
    decisionNote: row.decision_note,
    result: parseAdjustmentResult(row.result),
  };
}
