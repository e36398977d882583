import type { ServiceContext } from '../../core/context.ts';
import { newId } from '../../core/ids.ts';
import { recordAudit } from '../audit/index.ts';
import type { Principal } from '../identity/index.ts';
import { actingAs, inTransaction, throwRefusal } from './approvals.context.ts';
import { approvalsError } from './approvals.errors.ts';
import { insertApprovalRequest } from './approvals.repo.ts';
import type { AdjustmentInput, RequestOutcome } from './contract.ts';
import { adjustmentToJson } from './logic/adjustment-json.ts';
import { checkRequester, routeAdjustment } from './logic/approval-rules.ts';
import { normalizeAdjustment } from './logic/normalize-adjustment.ts';
import { prepareAdjustment } from './prepare-adjustment.ts';

/**
 * Asks for a write-off, credit memo, refund or settlement. It is checked against the current state
 * either way; within the requester's approval limit it is posted at once (one transaction, audited),
 * above it it becomes a pending approval request with the adjustment as payload, audited, and no
 * money moves until another user approves it (decideApproval).
 */
export async function requestAdjustment(
  ctx: ServiceContext,
  principal: Principal,
  input: AdjustmentInput,
): Promise<RequestOutcome> {
  throwRefusal(checkRequester(principal, ctx.tenantId));
  const normalized = normalizeAdjustment(input);
  if (!normalized.ok)
    throw approvalsError(
      'approvals.invalid_request',
      `the ${String(input.kind).replace('_', ' ')} request has ${normalized.issues.length} problem(s): ${normalized.issues.map((i) => `${i.column} ${i.message}`).join('; ')}`,
      { issues: normalized.issues },
    );
  const acting = actingAs(ctx, principal);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const prepared = await prepareAdjustment(tx, acting, normalized.adjustment);
    const limit = principal.approvalLimitMinor;
    if (routeAdjustment(limit, prepared.amount.amountMinor) === 'apply') {
      const result = await prepared.post({ approvalId: null });
      await recordAudit(tx, t, [
        {
          actor: acting.actor,
          action: `adjustment.${prepared.adjustment.kind}`,
          objectType: prepared.object.type,
          objectId: prepared.object.id,
          before: prepared.before,
          after: {
            result,
            approval_id: null,
            requested_by: principal.userId,
            within_limit_minor: limit,
          },
        },
      ]);
      return { status: 'applied', approvalId: null, result };
    }
    const id = newId('approval');
    const payload = adjustmentToJson(prepared.adjustment);
    await insertApprovalRequest(tx, {
      tenantId: t,
      id,
      kind: prepared.adjustment.kind,
      requestedBy: principal.userId,
      requestedAt: ctx.clock.now(),
      amountMinor: prepared.amount.amountMinor,
      currency: prepared.amount.currency,
      customerId: prepared.customerId,
      subjectId: prepared.subjectId,
      reason: prepared.reason,
      payload,
    });
    await recordAudit(tx, t, [
      {
        actor: acting.actor,
        action: 'approval.requested',
        objectType: 'approval_request',
        objectId: id,
        after: {
          status: 'pending',
          kind: prepared.adjustment.kind,
          amount_minor: prepared.amount.amountMinor,
          currency: prepared.amount.currency,
          requested_by: principal.userId,
          requester_limit_minor: limit,
          subject: prepared.object,
          state: prepared.before,
          adjustment: JSON.parse(payload) as unknown,
        },
      },
    ]);
    return { status: 'pending', approvalId: id };
  });
}
