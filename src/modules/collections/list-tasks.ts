import type { Executor } from '../../core/context.ts';
import { findCustomersByIds, findTasks } from './collections.repo.ts';
import { toActivityView } from './collections.views.ts';
import type { ActivityView, TaskFilter } from './contract.ts';

/** Tasks (open by default) in due-date order: whose, due by when, of which customer or portfolio. */
export async function listTasks(
  ex: Executor,
  tenantId: number,
  filter: TaskFilter = {},
): Promise<ActivityView[]> {
  const rows = await findTasks(ex, tenantId, {
    assignee: filter.assignee,
    dueBy: filter.dueBy,
    status: filter.status ?? 'open',
    customerId: filter.customerId,
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
    return c ? [toActivityView(r, c)] : [];
  });
}
