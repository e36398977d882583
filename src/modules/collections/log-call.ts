import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import {
  type Access,
  code,
  getCustomerOrThrow,
  loadSettings,
  resolveCustomerItems,
  text,
} from './collections.lookup.ts';
import { findActivity, findRecentCalls, insertActivity, updateTaskStatus } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import type { ActivityView, LogCallInput } from './contract.ts';
import { checkCallAllowed } from './logic/check-call-allowed.ts';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Logs a call made now (an attempt, whatever its outcome) — or refuses it. For a consumer the
 * Regulation F rules decide (logic/check-consumer-contact.ts): outside 08:00–21:00 in the customer's
 * time zone (its own, else the tenant's `time_zone`, else America/New_York) the answer is
 * `collections.contact_window`; an eighth attempt in seven days, or any call within seven days after
 * a conversation, `collections.contact_frequency`. Nothing is written when refused. A business
 * account is refused only by the team's own limit, when the tenant sets one.
 *
 * With `taskId`, the call works that task (same customer, still open), which is marked done with it;
 * a refused call leaves the task open. The customer's row is locked, so two analysts calling the
 * same customer at once are counted one after the other.
 */
export async function logCall(
  ctx: ServiceContext,
  input: LogCallInput,
  access: Access = {},
): Promise<ActivityView> {
  const outcome = code('outcome', input.outcome, true);
  const contactName = text('contactName', input.contactName, 200);
  const notes = text('notes', input.notes, 4000);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const customer = await getCustomerOrThrow(tx, t, input.customer, access, true);
    const task = input.taskId === undefined ? null : await findActivity(tx, t, input.taskId, true);
    if (input.taskId !== undefined) {
      if (task?.kind !== 'task' || task.customer_id !== customer.id)
        throw collectionsError(
          'collections.task_not_found',
          `no task ${input.taskId} for customer ${customer.accountNumber}`,
        );
      if (task.status !== 'open')
        throw collectionsError('collections.task_closed', `task ${task.id} is already ${task.status}`);
    }
    const settings = await loadSettings(tx, t);
    const now = ctx.clock.now();
    const timeZone = customer.timeZone ?? settings.timeZone;
    const recentCalls = await findRecentCalls(tx, t, customer.id, new Date(now.getTime() - WEEK_MS));
    const check = checkCallAllowed({
      customerType: customer.customerType,
      now,
      timeZone,
      recentCalls,
      businessCallsPer7Days: settings.businessCallsPer7Days,
    });
    if (!check.allowed)
      throw collectionsError(check.code, `call to ${customer.accountNumber} refused: ${check.reason}`, {
        details: { customer: customer.accountNumber, timeZone, callsInLast7Days: recentCalls.length },
      });
    const items = await resolveCustomerItems(tx, t, customer, input.itemIds, customer.currency);
    const id = newCollectionsId('activity');
    await insertActivity(tx, t, {
      id,
      customerId: customer.id,
      kind: 'call',
      outcomeCode: outcome,
      conversation: input.conversation === true,
      contactName,
      notes,
      occurredAt: now,
      relatedId: task?.id ?? null,
      itemIds: items.map((i) => i.id),
      createdBy: ctx.actor,
    });
    if (task) await updateTaskStatus(tx, t, task.id, 'done', id);
    // Names and notes stay out of the audit trail: a consumer's are protected health information.
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.call_logged',
        objectType: 'customer',
        objectId: customer.id,
        after: {
          activity_id: id,
          outcome,
          conversation: input.conversation === true,
          task_id: task?.id ?? null,
          calls_in_last_7_days: recentCalls.length + 1,
        },
      },
      ...(task
        ? [
            {
              actor: ctx.actor,
              action: 'collections.task_done',
              objectType: 'collection_task',
              objectId: task.id,
              before: { status: 'open' },
              after: { status: 'done', by_call: id },
            },
          ]
        : []),
    ]);
    const row = await findActivity(tx, t, id);
    if (!row) throw new Error(`activity ${id} vanished`);
    return toActivityView(row, customer);
  });
}
