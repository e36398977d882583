import type { Executor } from '../../core/context.ts';
import type { PlanStatus } from '../../db/schema.ts';
import { type Access, getCustomerOrThrow } from './collections.lookup.ts';
import { findInstalments, findPlans } from './collections.repo.ts';
import { toPlanView } from './collections.views.ts';
import type { CustomerKey, PlanView } from './contract.ts';

/** A customer's payment plans, oldest first, with their instalments. */
export async function listPaymentPlans(
  ex: Executor,
  tenantId: number,
  customer: CustomerKey,
  options: { readonly status?: PlanStatus } = {},
  access: Access = {},
): Promise<PlanView[]> {
  const c = await getCustomerOrThrow(ex, tenantId, customer, access);
  const plans = await findPlans(ex, tenantId, { customerIds: [c.id], status: options.status });
  const instalments = await findInstalments(
    ex,
    tenantId,
    plans.map((p) => p.id),
  );
  return plans.map((p) => toPlanView(p, instalments.get(p.id) ?? [], c));
}
