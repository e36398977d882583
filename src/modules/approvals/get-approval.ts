import type { ServiceContext } from '../../core/context.ts';
import { toApprovalView } from './approval-view.ts';
import { approvalsError } from './approvals.errors.ts';
import { findApprovalRequest } from './approvals.repo.ts';
import type { ApprovalView } from './contract.ts';

export async function getApproval(ctx: ServiceContext, id: string): Promise<ApprovalView> {
  const row = await findApprovalRequest(ctx.database.db, ctx.tenantId, id);
  if (!row) throw approvalsError('approvals.not_found', `approval request ${id} not found`);
  return toApprovalView(row);
}
