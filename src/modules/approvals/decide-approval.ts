import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { formatAmount } from '../../core/money.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { toApprovalView } from './approval-view.ts';
import { actingAs, inTransaction, throwRefusal } from './approvals.context.ts';
import { approvalsError } from './approvals.errors.ts';
import { lockApprovalRequest, updateApprovalDecision } from './approvals.repo.ts';
import type { ApprovalView, Decision } from './contract.ts';
import { adjustmentToJson, parseAdjustment } from './logic/adjustment-json.ts';
import { checkDecider } from './logic/approval-rules.ts';
import { prepareAdjustment } from './prepare-adjustment.ts';

/**
 * Approves or rejects a pending request, as a user other than its requester with `approvals:decide`
 * and a limit covering the amount (checkDecider). The request is locked `for update` first, so of
 * two deciders the second waits and then finds it decided (conflict): an adjustment posts once.
 * Approving checks the adjustment again against the state of this moment and posts it in the same
 * transaction; if that fails (the item was paid meanwhile), the error propagates, nothing is
 * written, and the request stays pending. Rejecting posts nothing.
 */
export async function decideApproval(
  ctx: ServiceContext,
  approver: Principal,
  approvalId: string,
  decision: Decision,
  note?: string,
): Promise<ApprovalView> {
  if (decision !== 'approve' && decision !== 'reject')
    throw approvalsError('approvals.invalid_request', `decide approve or reject, not ${String(decision)}`);
  const t = ctx.tenantId;
  const acting = actingAs(ctx, approver);
  const decisionNote = note?.trim() ? note.trim() : null;
  return inTransaction(ctx, async (tx) => {
    const row = await lockApprovalRequest(tx, t, approvalId);
    if (!row) throw approvalsError('approvals.not_found', `approval request ${approvalId} not found`);
    const currency = row.currency as CurrencyCode;
    throwRefusal(
      checkDecider(approver, t, {
        status: row.status,
        requestedBy: row.requested_by,
        amountMinor: row.amount_minor,
        currency,
      }),
    );
    const now = ctx.clock.now();
    if (decision === 'reject') {
      const updated = await updateApprovalDecision(tx, t, row.id, {
        status: 'rejected',
        decidedBy: approver.userId,
        decidedAt: now,
        note: decisionNote,
        result: null,
      });
      await recordAudit(tx, t, [
        {
          actor: acting.actor,
          action: 'approval.rejected',
          objectType: 'approval_request',
          objectId: row.id,
          before: { status: 'pending' },
          after: { status: 'rejected', decided_by: approver.userId, note: decisionNote },
        },
      ]);
      return toApprovalView(updated);
    }

    const prepared = await prepareAdjustment(tx, acting, parseAdjustment(row.payload));
    if (prepared.amount.amountMinor !== row.amount_minor || prepared.amount.currency !== row.currency) {
      const fmt = (v: bigint) => formatAmount(v, currency);
      throw approvalsError(
        'approvals.stale_request',
        `request ${row.id} was for ${fmt(row.amount_minor)} ${row.currency}; as things stand now it would be ${formatAmount(prepared.amount.amountMinor, prepared.amount.currency)} ${prepared.amount.currency}. Reject it and request again`,
      );
    }
    const result = await prepared.post({ approvalId: row.id });
    const updated = await updateApprovalDecision(tx, t, row.id, {
      status: 'approved',
      decidedBy: approver.userId,
      decidedAt: now,
      note: decisionNote,
      result: adjustmentToJson(result),
    });
    await recordAudit(tx, t, [
      {
        actor: acting.actor,
        action: 'approval.approved',
        objectType: 'approval_request',
        objectId: row.id,
        before: { status: 'pending' },
        after: {
          status: 'approved',
          decided_by: approver.userId,
          approver_limit_minor: approver.approvalLimitMinor,
          note: decisionNote,
        },
      },
      {
        actor: acting.actor,
        action: `adjustment.${prepared.adjustment.kind}`,
        objectType: prepared.object.type,
        objectId: prepared.object.id,
        before: prepared.before,
        after: { result, approval_id: row.id, requested_by: row.requested_by, approved_by: approver.userId },
      },
    ]);
    return toApprovalView(updated);
  });
}
