import type { Executor } from '../../core/context.ts';
import { collectionsError } from './collections.errors.ts';
import { type Access, getCustomerOfObject } from './collections.lookup.ts';
import { findInstalments, findPlans } from './collections.repo.ts';
import { toPlanView } from './collections.views.ts';
import type { PlanView } from './contract.ts';

/** One payment plan with its instalments (what each has been paid, as of the last evaluation). */
export async function getPaymentPlan(
  ex: Executor,
  tenantId: number,
  id: string,
  access: Access = {},
): Promise<PlanView> {
  const [plan] = await findPlans(ex, tenantId, { ids: [id] });
  if (!plan) throw collectionsError('collections.plan_not_found', `no payment plan ${id}`);
  const customer = await getCustomerOfObject(ex, tenantId, plan.customer_id, access, () =>
    collectionsError('collections.plan_not_found', `no payment plan ${id}`),
  );
  return toPlanView(plan, (await findInstalments(ex, tenantId, [id])).get(id) ?? [], customer);
}
