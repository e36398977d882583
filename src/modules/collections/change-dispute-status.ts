import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, invalid, loadSettings, text } from './collections.lookup.ts';
import { insertActivity, updateDispute } from './collections.repo.ts';
import { isAwaitingApproval } from './collections.views.ts';
import type { DisputeView } from './contract.ts';
import { getDisputeRow, loadDisputeView, settleAndRecord } from './dispute-state.ts';
import { checkDisputeStatusChange } from './logic/dispute-rules.ts';

/**
 * Moves a dispute between open and investigating, cancels it (opened in error), and/or hands it to
 * another owner. Resolved and cancelled disputes are final; one waiting for the approval of its
 * resolution changes only when the approval is decided.
 */
export async function changeDisputeStatus(
  ctx: ServiceContext,
  id: string,
  change: {
    readonly status?: 'open' | 'investigating' | 'cancelled';
    readonly owner?: string;
    readonly note?: string;
  },
  access: Access = {},
): Promise<DisputeView> {
  const owner = text('owner', change.owner, 100);
  const note = text('note', change.note, 4000);
  if (change.status === undefined && owner === null) throw invalid('status', 'or owner: say what changes');
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    let row = await getDisputeRow(tx, t, id, access, true);
    if (isAwaitingApproval(row)) {
      const settings = await loadSettings(tx, t);
      if (await settleAndRecord(ctx, tx, row, settings.timeZone))
        row = await getDisputeRow(tx, t, id, access);
    }
    const facts = { status: row.status, itemId: row.item_id, approvalPending: isAwaitingApproval(row) };
    if (change.status !== undefined) {
      const refusal = checkDisputeStatusChange(facts, change.status);
      if (refusal) throw collectionsError('collections.dispute_closed', `dispute ${id}: ${refusal}`);
    } else if (row.status === 'resolved' || row.status === 'cancelled') {
      throw collectionsError('collections.dispute_closed', `dispute ${id} is ${row.status}`);
    }
    const status = change.status ?? row.status;
    const today = ctx.clock.today();
    await updateDispute(tx, t, id, {
      status,
      ...(owner === null ? {} : { owner }),
      ...(status === 'cancelled' ? { resolved_on: today } : {}),
    });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: row.customer_id,
      kind: 'dispute',
      outcomeCode: status === row.status ? 'reassigned' : status,
      notes: note,
      occurredAt: ctx.clock.now(),
      assignedTo: owner ?? row.owner,
      relatedId: id,
      itemIds: row.item_id ? [row.item_id] : [],
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: status === 'cancelled' ? 'collections.dispute_cancelled' : 'collections.dispute_updated',
        objectType: 'dispute',
        objectId: id,
        before: { status: row.status, owner: row.owner },
        after: { status, owner: owner ?? row.owner },
      },
    ]);
    return loadDisputeView(tx, t, id);
  });
}
