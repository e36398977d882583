import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction } from './collections.context.ts';
import { type Access, text } from './collections.lookup.ts';
import { updateTaskStatus } from './collections.repo.ts';
import type { ActivityView } from './contract.ts';
import { loadTaskView, lockOpenTask } from './task-state.ts';

/** Cancels an open task (no longer needed), with an optional reason in the audit trail. */
export async function cancelTask(
  ctx: ServiceContext,
  id: string,
  options: { readonly reason?: string } = {},
  access: Access = {},
): Promise<ActivityView> {
  const reason = text('reason', options.reason, 1000);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    await lockOpenTask(tx, t, id, access);
    await updateTaskStatus(tx, t, id, 'cancelled', null);
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.task_cancelled',
        objectType: 'collection_task',
        objectId: id,
        before: { status: 'open' },
        after: { status: 'cancelled', reason },
      },
    ]);
    return loadTaskView(tx, t, id);
  });
}
