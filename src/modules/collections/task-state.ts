import type { Executor } from '../../core/context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOfObject, getCustomerOrThrow } from './collections.lookup.ts';
import { type ActivityRow, findActivity } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import type { ActivityView } from './contract.ts';

/** The open task `id`, locked, within the caller's portfolio. */
export async function lockOpenTask(
  ex: Executor,
  tenantId: number,
  id: string,
  access: Access,
): Promise<ActivityRow> {
  const task = await findActivity(ex, tenantId, id, true);
  if (task?.kind !== 'task') throw collectionsError('collections.task_not_found', `no task ${id}`);
  await getCustomerOfObject(ex, tenantId, task.customer_id, access, () =>
    collectionsError('collections.task_not_found', `no task ${id}`),
  );
  if (task.status !== 'open')
    throw collectionsError('collections.task_closed', `task ${id} is already ${task.status}`);
  return task;
}

/** A task as it now stands. */
export async function loadTaskView(tx: Executor, tenantId: number, id: string): Promise<ActivityView> {
  const row = await findActivity(tx, tenantId, id);
  if (!row) throw new Error(`task ${id} vanished`);
  const customer = await getCustomerOrThrow(tx, tenantId, { customerId: row.customer_id });
  return toActivityView(row, customer);
}
