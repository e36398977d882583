import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import {
  type Access,
  code,
  getCustomerOrThrow,
  invalid,
  resolveCustomerItems,
  text,
} from './collections.lookup.ts';
import { findActivity, insertActivity } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import { type ActivityView, LOGGED_KINDS, type LogActivityInput } from './contract.ts';

/**
 * Logs an email, a letter, a note or an escalation on the account's history, now. Calls go through
 * logCall (they are subject to the contact rules); promises, plans, disputes and holds write their
 * own activities.
 */
export async function logActivity(
  ctx: ServiceContext,
  input: LogActivityInput,
  access: Access = {},
): Promise<ActivityView> {
  if (!LOGGED_KINDS.includes(input.kind))
    throw invalid('kind', `must be one of ${LOGGED_KINDS.join(', ')} (calls: log a call)`);
  const outcome = code('outcome', input.outcome);
  const contactName = text('contactName', input.contactName, 200);
  const notes = text('notes', input.notes, 4000);
  const assignedTo = text('assignedTo', input.assignedTo, 100);
  if (input.kind === 'note' && notes === null) throw invalid('notes', 'is required for a note');
  if (input.kind === 'escalation' && assignedTo === null && notes === null)
    throw invalid('assignedTo', 'or notes: say to whom or why it is escalated');
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const customer = await getCustomerOrThrow(tx, t, input.customer, access);
    const items = await resolveCustomerItems(tx, t, customer, input.itemIds, customer.currency);
    const id = newCollectionsId('activity');
    await insertActivity(tx, t, {
      id,
      customerId: customer.id,
      kind: input.kind,
      outcomeCode: outcome,
      contactName,
      notes,
      occurredAt: ctx.clock.now(),
      assignedTo,
      itemIds: items.map((i) => i.id),
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: `collections.${input.kind}_logged`,
        objectType: 'customer',
        objectId: customer.id,
        after: { activity_id: id, kind: input.kind, outcome, assigned_to: assignedTo },
      },
    ]);
    const row = await findActivity(tx, t, id);
    if (!row) throw new Error(`activity ${id} vanished`);
    return toActivityView(row, customer);
  });
}
