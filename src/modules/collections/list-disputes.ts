import type { Executor } from '../../core/context.ts';
import type { DisputeStatus } from '../../db/schema.ts';
import { findCustomersByIds, findDisputes, findItemNumbers } from './collections.repo.ts';
import { toDisputeView } from './collections.views.ts';
import type { DisputeFilter, DisputeView } from './contract.ts';

/** Disputes oldest first; `unresolved` means open or investigating. */
export async function listDisputes(
  ex: Executor,
  tenantId: number,
  filter: DisputeFilter = {},
): Promise<DisputeView[]> {
  const statuses: readonly DisputeStatus[] | undefined =
    filter.status === undefined
      ? undefined
      : filter.status === 'unresolved'
        ? ['open', 'investigating']
        : [filter.status];
  const rows = await findDisputes(ex, tenantId, {
    statuses,
    owner: filter.owner,
    customerIds: filter.customerId === undefined ? undefined : [filter.customerId],
    portfolioOf: filter.portfolioOf,
    after: filter.after,
    limit: Math.min(Math.max(filter.limit ?? 100, 1), 1000),
  });
  const customers = await findCustomersByIds(
    ex,
    tenantId,
    rows.map((r) => r.customer_id),
  );
  const numbers = await findItemNumbers(
    ex,
    tenantId,
    rows.flatMap((r) => (r.item_id ? [r.item_id] : [])),
  );
  return rows.flatMap((r) => {
    const c = customers.get(r.customer_id);
    return c ? [toDisputeView(r, c, r.item_id ? (numbers.get(r.item_id) ?? null) : null)] : [];
  });
}
