import type { ServiceContext } from '../../core/context.ts';
import { toApprovalView } from './approval-view.ts';
import { approvalsError } from './approvals.errors.ts';
import { findApprovalRequests } from './approvals.repo.ts';
import type { ApprovalFilter, ApprovalView } from './contract.ts';

const STATUSES = new Set(['pending', 'approved', 'rejected', 'cancelled']);
const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

/** Approval requests oldest first (ids are time-ordered), a page at a time: pass the last id as `after`. */
export async function listApprovals(
  ctx: ServiceContext,
  filter: ApprovalFilter = {},
): Promise<ApprovalView[]> {
  const limit = filter.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw approvalsError(
      'approvals.invalid_request',
      `limit must be a whole number from 1 to ${MAX_LIMIT}, not ${limit}`,
    );
  if (filter.status !== undefined && !STATUSES.has(filter.status))
    throw approvalsError(
      'approvals.invalid_request',
      `status must be pending, approved, rejected or cancelled, not ${filter.status}`,
    );
  const rows = await findApprovalRequests(ctx.database.db, ctx.tenantId, {
    status: filter.status ?? null,
    after: filter.after ?? null,
    limit,
  });
  return rows.map(toApprovalView);
}
