import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, joinedContext } from './collections.context.ts';
import { type Access, text } from './collections.lookup.ts';
import { updateTaskStatus } from './collections.repo.ts';
import type { ActivityView, LogCallInput } from './contract.ts';
import { logCall } from './log-call.ts';
import { loadTaskView, lockOpenTask } from './task-state.ts';

/**
 * Marks a task done. Worked by a call (`call`), the call is logged first and must pass the contact
 * rules: a call task on a consumer account outside 08:00–21:00 local time, or an eighth attempt in
 * seven days, is refused with the reason and the task stays open.
 */
export async function completeTask(
  ctx: ServiceContext,
  id: string,
  options: { readonly call?: Omit<LogCallInput, 'customer' | 'taskId'>; readonly note?: string } = {},
  access: Access = {},
): Promise<ActivityView> {
  const note = text('note', options.note, 1000);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const task = await lockOpenTask(tx, t, id, access);
    if (options.call) {
      await logCall(
        joinedContext(ctx, tx),
        { ...options.call, customer: { customerId: task.customer_id }, taskId: id },
        access,
      );
    } else {
      await updateTaskStatus(tx, t, id, 'done', null);
      await recordAudit(tx, t, [
        {
          actor: ctx.actor,
          action: 'collections.task_done',
          objectType: 'collection_task',
          objectId: id,
          before: { status: 'open' },
          after: { status: 'done', note },
        },
      ]);
    }
    return loadTaskView(tx, t, id);
  });
}
