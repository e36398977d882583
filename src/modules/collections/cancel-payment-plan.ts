import type { ServiceContext } from '../../core/context.ts';
import { recordAudit } from '../audit/index.ts';
import { inTransaction, newCollectionsId } from './collections.context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOfObject, text } from './collections.lookup.ts';
import { findInstalments, findPlans, insertActivity, updatePlan } from './collections.repo.ts';
import { toPlanView } from './collections.views.ts';
import type { PlanView } from './contract.ts';

/** Ends an active plan by agreement (replaced, or set up by mistake); completed and broken plans are final. */
export async function cancelPaymentPlan(
  ctx: ServiceContext,
  id: string,
  options: { readonly reason?: string } = {},
  access: Access = {},
): Promise<PlanView> {
  const reason = text('reason', options.reason, 1000);
  const t = ctx.tenantId;
  return inTransaction(ctx, async (tx) => {
    const [plan] = await findPlans(tx, t, { ids: [id], lock: true });
    if (!plan) throw collectionsError('collections.plan_not_found', `no payment plan ${id}`);
    const customer = await getCustomerOfObject(tx, t, plan.customer_id, access, () =>
      collectionsError('collections.plan_not_found', `no payment plan ${id}`),
    );
    if (plan.status !== 'active')
      throw collectionsError('collections.plan_closed', `payment plan ${id} is already ${plan.status}`);
    const today = ctx.clock.today();
    await updatePlan(tx, t, id, { status: 'cancelled', ended_on: today });
    await insertActivity(tx, t, {
      id: newCollectionsId('activity'),
      customerId: plan.customer_id,
      kind: 'plan',
      outcomeCode: 'cancelled',
      notes: reason,
      occurredAt: ctx.clock.now(),
      relatedId: id,
      createdBy: ctx.actor,
    });
    await recordAudit(tx, t, [
      {
        actor: ctx.actor,
        action: 'collections.plan_cancelled',
        objectType: 'payment_plan',
        objectId: id,
        before: { status: 'active' },
        after: { status: 'cancelled', ended_on: today, reason },
      },
    ]);
    const [after] = await findPlans(tx, t, { ids: [id] });
    if (!after) throw new Error(`plan ${id} vanished`);
    return toPlanView(after, (await findInstalments(tx, t, [id])).get(id) ?? [], customer);
  });
}
