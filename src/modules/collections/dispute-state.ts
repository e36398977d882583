import type { Executor, ServiceContext } from '../../core/context.ts';
import type { LocalDate } from '../../core/local-date.ts';
import { getApproval } from '../approvals/index.ts';
import { type AuditRecord, recordAudit } from '../audit/index.ts';
import { joinedContext, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOfObject } from './collections.lookup.ts';
import {
  type DisputeRow,
  findDispute,
  findItemNumbers,
  insertActivity,
  updateDispute,
} from './collections.repo.ts';
import { isAwaitingApproval, toDisputeView } from './collections.views.ts';
import type { DisputeView } from './contract.ts';
import { localTimeOf } from './logic/local-time.ts';

/** The dispute `id` within the caller's portfolio (locked when asked). */
export async function getDisputeRow(
  ex: Executor,
  tenantId: number,
  id: string,
  access: Access,
  lock = false,
): Promise<DisputeRow> {
  const notFound = () => collectionsError('collections.dispute_not_found', `no dispute ${id}`);
  const row = await findDispute(ex, tenantId, id, lock);
  if (!row) throw notFound();
  await getCustomerOfObject(ex, tenantId, row.customer_id, access, notFound);
  return row;
}

export async function loadDisputeView(ex: Executor, tenantId: number, id: string): Promise<DisputeView> {
  const row = await getDisputeRow(ex, tenantId, id, {});
  const customer = await getCustomerOfObject(ex, tenantId, row.customer_id, {}, () =>
    collectionsError('collections.dispute_not_found', `no dispute ${id}`),
  );
  const numbers = await findItemNumbers(ex, tenantId, row.item_id ? [row.item_id] : []);
  return toDisputeView(row, customer, row.item_id ? (numbers.get(row.item_id) ?? null) : null);
}

/**
 * Catches a dispute up with the approval request of its credit memo or write-off. Approved: the
 * money moved when it was approved, and the dispute is resolved as of that day (in the tenant's time
 * zone). Rejected or cancelled: the resolution is withdrawn and the dispute is open to another one.
 * Pending: nothing. Returns what changed, for people; null when nothing did.
 */
export async function settleDisputeApproval(
  ctx: ServiceContext,
  tx: Executor,
  row: DisputeRow,
  timeZone: string,
  audits: AuditRecord[],
): Promise<{ change: 'resolved' | 'reopened'; line: string } | null> {
  if (!isAwaitingApproval(row) || row.approval_id === null) return null;
  const t = ctx.tenantId;
  const approval = await getApproval(joinedContext(ctx, tx), row.approval_id);
  if (approval.status === 'pending') return null;
  const now = ctx.clock.now();
  if (approval.status === 'approved') {
    const decided = approval.decidedAt === null ? now : new Date(approval.decidedAt);
    const resolvedOn: LocalDate = localTimeOf(decided, timeZone).date;
    await updateDispute(tx, t, row.id, { status: 'resolved', resolved_on: resolvedOn });
    const line = `dispute ${row.id} resolved on ${resolvedOn}: ${row.resolution?.replace('_', ' ')} approved by ${approval.decidedBy} (${approval.id})`;
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: row.customer_id,
      kind: 'dispute',
      outcomeCode: 'resolved',
      notes: line,
      occurredAt: now,
      relatedId: row.id,
      itemIds: row.item_id ? [row.item_id] : [],
      createdBy: ctx.actor,
    });
    audits.push({
      actor: ctx.actor,
      action: 'collections.dispute_resolved',
      objectType: 'dispute',
      objectId: row.id,
      before: { status: row.status, approval_id: row.approval_id },
      after: {
        status: 'resolved',
        resolution: row.resolution,
        resolved_on: resolvedOn,
        approval_status: 'approved',
      },
    });
    return { change: 'resolved', line };
  }
  await updateDispute(tx, t, row.id, { resolution: null, approval_id: null });
  const line = `dispute ${row.id}: the ${row.resolution?.replace('_', ' ')} was ${approval.status} (${approval.id}); still ${row.status}`;
  await insertActivity(tx, t, {
    id: newCollectionsId('activity'),
    customerId: row.customer_id,
    kind: 'dispute',
    outcomeCode: `resolution_${approval.status}`,
    notes: line,
    occurredAt: now,
    relatedId: row.id,
    itemIds: row.item_id ? [row.item_id] : [],
    createdBy: ctx.actor,
  });
  audits.push({
    actor: ctx.actor,
    action: 'collections.dispute_resolution_withdrawn',
    objectType: 'dispute',
    objectId: row.id,
    before: { resolution: row.resolution, approval_id: row.approval_id },
    after: { resolution: null, approval_id: null, approval_status: approval.status, status: row.status },
  });
  return { change: 'reopened', line };
}

/** Convenience for callers that hold no audit batch of their own. */
export async function settleAndRecord(
  ctx: ServiceContext,
  tx: Executor,
  row: DisputeRow,
  timeZone: string,
): Promise<boolean> {
  const audits: AuditRecord[] = [];
  const changed = await settleDisputeApproval(ctx, tx, row, timeZone, audits);
  await recordAudit(tx, ctx.tenantId, audits);
  return changed !== null;
}
