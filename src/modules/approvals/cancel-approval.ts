import type { ServiceContext } from '../../core/context.ts';
import type { CurrencyCode } from '../../core/currency.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { toApprovalView } from './approval-view.ts';
import { actingAs, inTransaction, throwRefusal } from './approvals.context.ts';
import { approvalsError } from './approvals.errors.ts';
import { lockApprovalRequest, updateApprovalDecision } from './approvals.repo.ts';
import type { ApprovalView } from './contract.ts';
import { checkCanceller } from './logic/approval-rules.ts';

/** The requester withdraws a pending request; nothing is posted. */
export async function cancelApproval(
  ctx: ServiceContext,
  principal: Principal,
  approvalId: string,
): Promise<ApprovalView> {
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const row = await lockApprovalRequest(tx, t, approvalId);
    if (!row) throw approvalsError('approvals.not_found', `approval request ${approvalId} not found`);
    throwRefusal(
      checkCanceller(principal, t, {
        status: row.status,
        requestedBy: row.requested_by,
        amountMinor: row.amount_minor,
        currency: row.currency as CurrencyCode,
      }),
    );
    const updated = await updateApprovalDecision(tx, t, row.id, {
      status: 'cancelled',
      decidedBy: principal.userId,
      decidedAt: ctx.clock.now(),
      note: null,
      result: null,
    });
    await recordAudit(tx, t, [
      {
        actor: actingAs(ctx, principal).actor,
        action: 'approval.cancelled',
        objectType: 'approval_request',
        objectId: row.id,
        before: { status: 'pending' },
        after: { status: 'cancelled', cancelled_by: principal.userId },
      },
    ]);
    return toApprovalView(updated);
  });
}
