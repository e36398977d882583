import type { Executor } from '../../core/context.ts';
import { findCustomersByIds, findPromises } from './collections.repo.ts';
import { toPromiseView } from './collections.views.ts';
import type { PromiseFilter, PromiseView } from './contract.ts';

/** Promises to pay, oldest first: of a customer, in a status, of a portfolio. */
export async function listPromises(
  ex: Executor,
  tenantId: number,
  filter: PromiseFilter = {},
): Promise<PromiseView[]> {
  const rows = await findPromises(ex, tenantId, {
    customerIds: filter.customerId === undefined ? undefined : [filter.customerId],
    status: filter.status,
    portfolioOf: filter.portfolioOf,
    after: filter.after,
    limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000),
  });
  const customers = await findCustomersByIds(
    ex,
    tenantId,
    rows.map((r) => r.customer_id),
  );
  return rows.flatMap((r) => {
    const c = customers.get(r.customer_id);
    return c ? [toPromiseView(r, c)] : [];
  });
}
