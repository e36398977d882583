import type { ServiceContext } from '../../core/context.ts';
import { isLocalDate } from '../../core/local-date.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import {
  type Access,
  getCustomerOrThrow,
  invalid,
  resolveCustomerItems,
  text,
} from './collections.lookup.ts';
import { findActivity, insertActivity } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import type { ActivityView, CreateTaskInput } from './contract.ts';

/** A task on an account: due on a day, for someone (default the customer's collector, else the creator). */
export async function createTask(
  ctx: ServiceContext,
  input: CreateTaskInput,
  access: Access = {},
): Promise<ActivityView> {
  if (!isLocalDate(input.dueDate)) throw invalid('dueDate', `"${input.dueDate}" is not a date (YYYY-MM-DD)`);
  const notes = text('notes', input.notes, 4000, true);
  const assignee = text('assignedTo', input.assignedTo, 100);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const customer = await getCustomerOrThrow(tx, t, input.customer, access);
    const items = await resolveCustomerItems(tx, t, customer, input.itemIds, customer.currency);
    const id = newCollectionsId('activity');
    const assignedTo = assignee ?? customer.collector ?? ctx.actor;
    await insertActivity(tx, t, {
      id,
      customerId: customer.id,
      kind: 'task',
      notes,
      occurredAt: ctx.clock.now(),
      dueDate: input.dueDate,
      assignedTo,
      status: 'open',
      itemIds: items.map((i) => i.id),
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.task_created',
        objectType: 'collection_task',
        objectId: id,
        after: { customer_id: customer.id, due_date: input.dueDate, assigned_to: assignedTo, status: 'open' },
      },
    ]);
    const row = await findActivity(tx, t, id);
    if (!row) throw new Error(`task ${id} vanished`);
    return toActivityView(row, customer);
  });
}
